// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// inspect <REF> [--show-media-type]: pulls (or reuses) the artifact and reports what is cached.
class InspectCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("inspect")}; }
    QString summary() const override { return QStringLiteral("Pull an artifact and describe what is in the cache"); }
    QString usage() const override { return QStringLiteral("<REF>"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
