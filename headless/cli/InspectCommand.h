// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// inspect <REF> [--show-media-type]: pulls (or reuses) the artifact and reports what is cached.
class InspectCommand final : public ReferenceCommand
{
public:
    QStringList path() const override { return {QStringLiteral("inspect")}; }
    QString summary() const override { return QStringLiteral("Pull an artifact and describe what is in the cache"); }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
