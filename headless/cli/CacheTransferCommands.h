// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// `cache export`: cache entries out as an OCI image layout (a directory or a tar).
class CacheExportCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("cache"), QStringLiteral("export")}; }
    QString summary() const override
    {
        return QStringLiteral("Write cached artifacts as an OCI image layout (directory or .tar) for an air gap");
    }
    QString usage() const override { return QStringLiteral("[--lock FILE | <DIGEST>... | --all] --to DIR|FILE.tar"); }
    QList<QCommandLineOption> options() const override;
    int maxPositionals() const override { return -1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

// `cache import`: an OCI image layout in, checked blob by blob, resolvable offline afterwards.
class CacheImportCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("cache"), QStringLiteral("import")}; }
    QString summary() const override
    {
        return QStringLiteral(
            "Bring an OCI image layout (directory or .tar) into the cache, verified, for offline use");
    }
    QString usage() const override { return QStringLiteral("<DIR|FILE.tar>"); }
    QList<QCommandLineOption> options() const override;
    int minPositionals() const override { return 1; }
    int maxPositionals() const override { return 1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
