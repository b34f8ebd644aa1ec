// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// extract <REF> --to DIR: pulls (or reuses) a tar layer and unpacks it safely into a new directory.
class ExtractCommand final : public ReferenceCommand
{
public:
    QStringList path() const override { return {QStringLiteral("extract")}; }
    QString summary() const override
    {
        return QStringLiteral("Unpack a tar layer (pack, bundle) into a new directory");
    }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
