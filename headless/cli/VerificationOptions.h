// SPDX-License-Identifier: MIT
#pragma once

#include <trust/Verification.h>

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

#include <optional>

namespace dist::cli {

// --policy FILE and --advisory FILE, shared by bundle stage, warm and rollback.
struct VerificationOptions
{
    VerificationPolicy policy;
    std::optional<AdvisorySet> advisory;

    static QList<QCommandLineOption> options();
    static Result<VerificationOptions> fromParser(const QCommandLineParser& parser);
};

} // namespace dist::cli
