// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

namespace dist::cli {

// SPEC §11: 0 ok · 2 invalid input · 3 not found · 4 offline · 5 auth · 6 integrity/trust · 10 other.
namespace ExitCode {
constexpr int Ok = 0;
constexpr int InvalidInput = 2;
constexpr int NotFound = 3;
constexpr int Offline = 4;
constexpr int Auth = 5;
constexpr int Integrity = 6;
constexpr int Other = 10;
} // namespace ExitCode

int exitCodeFor(ErrorCode code);

} // namespace dist::cli
