// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

class CacheVerifyCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("cache"), QStringLiteral("verify")}; }
    QString summary() const override { return QStringLiteral("Re-hash cached blobs; exit 6 if any is corrupt"); }
    QString usage() const override { return QStringLiteral("[DIGEST...]"); }
    int maxPositionals() const override { return -1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
