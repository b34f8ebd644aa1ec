// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

#include <retention/Retention.h>

namespace dist::cli {

// `retention plan` and `retention apply` share their inputs: the limits and the operator's
// active and session bundle ids, plus the lifecycle states of the bundle records.
class RetentionPlanCommand : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("retention"), QStringLiteral("plan")}; }
    QString summary() const override { return QStringLiteral("Explain what retention would keep, evict and protect"); }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;

protected:
    static Result<RetentionLimits> buildLimits(const QCommandLineParser& parser);
    static void printProblems(CommandContext& ctx, const QStringList& problems);
};

class RetentionApplyCommand final : public RetentionPlanCommand
{
public:
    QStringList path() const override { return {QStringLiteral("retention"), QStringLiteral("apply")}; }
    QString summary() const override
    {
        return QStringLiteral("Evict what the retention plan selects; report bytes reclaimed");
    }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
