// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// pack <REF> [--allow-tags]: the Rust CLI's pack fetch. Digest-pinned OCI references only, unless
// --allow-tags; the pack lands in the shared cache and its path is printed.
class PackCommand final : public ReferenceCommand
{
public:
    QStringList path() const override { return {QStringLiteral("pack")}; }
    QString summary() const override { return QStringLiteral("Fetch a pack from an OCI registry (digest-pinned)"); }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
