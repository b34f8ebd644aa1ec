// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class CacheListCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("cache"), QStringLiteral("ls")}; }
    QString summary() const override { return QStringLiteral("List cached artifacts (--long for details)"); }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
