// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist {
class JsonWriter;
struct BundleRecord;
} // namespace dist

namespace dist::cli {

class BundleListCommand final : public Command
{
public:
    QStringList path() const override { return {QStringLiteral("bundle"), QStringLiteral("ls")}; }
    QString summary() const override { return QStringLiteral("List bundle records and their lifecycle states"); }
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;

    static void writeRecord(JsonWriter& w, const BundleRecord& r);
};

} // namespace dist::cli
