// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// `lock generate|verify|update` for assay.packs.lock (v2). --lock defaults to ./assay.packs.lock.
class LockGenerateCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("lock"), QStringLiteral("generate")}; }
    QString summary() const override { return QStringLiteral("Resolve packs and write assay.packs.lock"); }
    QString usage() const override { return QStringLiteral("<REF>..."); }
    QList<QCommandLineOption> options() const override;
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return -1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

class LockVerifyCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("lock"), QStringLiteral("verify")}; }
    QString summary() const override
    {
        return QStringLiteral("Check every locked pack still resolves to its digest (6 mismatch, 3 missing)");
    }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

class LockUpdateCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("lock"), QStringLiteral("update")}; }
    QString summary() const override { return QStringLiteral("Re-resolve registry packs and record new digests"); }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
