// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class ResolveCommand final : public ReferenceCommand
{
public:
    QStringList path() const override { return {QStringLiteral("resolve")}; }
    QString summary() const override { return QStringLiteral("Print the digest a reference stands for"); }
    QList<QCommandLineOption> options() const override;

    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
