// SPDX-License-Identifier: MIT
#pragma once

#include <pull/ReleaseIndex.h>

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>

namespace dist::cli {

// --release R [--channel stable|dev|rnd], shared by resolve and pull, with the Rust CLI's rules.
namespace ReleaseOptions {
QList<QCommandLineOption> options();
Result<ReleaseContext> fromParser(const QCommandLineParser& parser);
} // namespace ReleaseOptions

} // namespace dist::cli
