// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class BundleStateCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("bundle"), QStringLiteral("state")}; }
    QString summary() const override
    {
        return QStringLiteral("Move a bundle to another lifecycle state (legal edges only)");
    }
    QString usage() const override { return QStringLiteral("<ID> <STATE>"); }
    int minPositionals() const override { return 2; }
    int maxPositionals() const override { return 2; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
