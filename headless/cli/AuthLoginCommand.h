// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// auth login <TENANT> [--token T | --token-stdin]
// auth login --registry HOST --username U [--token-stdin]
class AuthLoginCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("auth"), QStringLiteral("login")}; }
    QString summary() const override
    {
        return QStringLiteral("Save a store tenant's or a registry's token (OS keychain by default)");
    }
    QString usage() const override { return QStringLiteral("<TENANT> | --registry HOST --username U"); }
    int maxPositionals() const override { return 1; }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
