// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// Checks the local set-up an operator would otherwise debug one failed pull at a time: the cache
// (writable, usage, free space), proxies, registries.conf, certs.d, credentials, pack trust and the
// platform choice. Local only: it never touches the network or wakes a keychain.
class DoctorCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("doctor")}; }
    QString summary() const override
    {
        return QStringLiteral("Check the cache, proxies, registries.conf, certificates and trust (no network)");
    }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
