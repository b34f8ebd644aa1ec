// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QIODevice>
#include <QString>

namespace dist::cli {

// How `auth login` gets a secret without it ever reaching argv: from stdin (--token-stdin) or from
// a prompt on the controlling terminal with echo turned off.
namespace TokenInput {
Result<QString> fromStdin(QIODevice* in);
Result<QString> prompt(const QString& question);
} // namespace TokenInput

} // namespace dist::cli
