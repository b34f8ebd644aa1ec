// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class BundleShowCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("bundle"), QStringLiteral("show")}; }
    QString summary() const override
    {
        return QStringLiteral("Show a bundle record, its cache entry and its legal next states");
    }
    QString usage() const override { return QStringLiteral("<ID>"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
