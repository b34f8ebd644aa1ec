// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// auth logout <TENANT> | auth logout --registry HOST
class AuthLogoutCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("auth"), QStringLiteral("logout")}; }
    QString summary() const override { return QStringLiteral("Forget a tenant's or a registry's saved token"); }
    QString usage() const override { return QStringLiteral("<TENANT> | --registry HOST"); }
    int maxPositionals() const override { return 1; }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
