// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class CacheGcCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("cache"), QStringLiteral("gc")}; }
    QString summary() const override { return QStringLiteral("Remove broken entries and stale partial downloads"); }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
