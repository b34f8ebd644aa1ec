// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// auth ls: what is saved where. Never prints a secret.
class AuthListCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("auth"), QStringLiteral("ls")}; }
    QString summary() const override
    {
        return QStringLiteral("List saved tenants and registries and their backend (no secrets)");
    }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
