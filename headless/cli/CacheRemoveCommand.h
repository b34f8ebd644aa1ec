// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class CacheRemoveCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("cache"), QStringLiteral("rm")}; }
    QString summary() const override { return QStringLiteral("Evict cache entries"); }
    QString usage() const override { return QStringLiteral("<DIGEST>..."); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return -1; }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
