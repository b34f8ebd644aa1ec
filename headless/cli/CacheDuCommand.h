// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class CacheDuCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("cache"), QStringLiteral("du")}; }
    QString summary() const override { return QStringLiteral("Show cache usage by type and against the cap"); }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
