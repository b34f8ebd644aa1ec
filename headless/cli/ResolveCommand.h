// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class ResolveCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("resolve")}; }
    QString summary() const override { return QStringLiteral("Print the digest a reference stands for"); }
    QString usage() const override { return QStringLiteral("<REF>"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    QList<QCommandLineOption> options() const override;

    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
