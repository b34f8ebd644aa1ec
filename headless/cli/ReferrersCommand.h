// SPDX-License-Identifier: MIT
#pragma once

#include "Command.h"

namespace dist::cli {

// `referrers REF`: the artifacts (signatures, SBOMs, attestations) whose subject is REF.
class ReferrersCommand final : public ReferenceCommand
{
public:
    QStringList path() const override { return {QStringLiteral("referrers")}; }
    QString summary() const override
    {
        return QStringLiteral("List the artifacts whose subject is REF (OCI 1.1 referrers, or the tag schema)");
    }
    QList<QCommandLineOption> options() const override;
    void run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done) override;
};

} // namespace dist::cli
