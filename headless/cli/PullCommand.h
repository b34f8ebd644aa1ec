// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist {
struct PullResult;
class JsonWriter;
} // namespace dist

namespace dist::cli {

class PullCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("pull")}; }
    QString summary() const override
    {
        return QStringLiteral("Ensure an artifact (or every entry of a lockfile) is cached");
    }
    QString usage() const override { return QStringLiteral("[<REF> | --lock FILE]"); }
    QList<QCommandLineOption> options() const override;
    int maxPositionals() const override { return 1; }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;

    static void writeResult(JsonWriter& w, const PullResult& r);
};

} // namespace dist::cli
