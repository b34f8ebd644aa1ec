// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// store download <store://…> [--output P] [--token T | --token-stdin] [--json]
class StoreDownloadCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("store"), QStringLiteral("download")}; }
    QString summary() const override { return QStringLiteral("Download a store:// artifact to a file (not cached)"); }
    QString usage() const override { return QStringLiteral("<store://REF>"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
