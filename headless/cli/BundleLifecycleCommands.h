// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class BundleStageCommand final : public ReferenceCommand
{
public:
    QStringList path() const override { return {QStringLiteral("bundle"), QStringLiteral("stage")}; }
    QString summary() const override { return QStringLiteral("Fetch, verify and record a bundle as Staged"); }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

class BundleWarmCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("bundle"), QStringLiteral("warm")}; }
    QString summary() const override
    {
        return QStringLiteral("Reopen a bundle from the cache, verify it, hand it to the opener (no network)");
    }
    QString usage() const override { return QStringLiteral("<ID>"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

class BundleRollbackCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("bundle"), QStringLiteral("rollback")}; }
    QString summary() const override
    {
        return QStringLiteral("Reopen a staged bundle by id and verify it again (no network)");
    }
    QString usage() const override { return QStringLiteral("<ID>"); }
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
