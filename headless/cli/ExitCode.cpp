// SPDX-License-Identifier: MIT
#include "ExitCode.h"

namespace dist::cli {

int exitCodeFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidInput:
        return ExitCode::InvalidInput;
    case ErrorCode::NotFound:
        return ExitCode::NotFound;
    case ErrorCode::Offline:
        return ExitCode::Offline;
    case ErrorCode::AuthRequired:
        return ExitCode::Auth;
    case ErrorCode::Integrity:
        return ExitCode::Integrity;
    case ErrorCode::Network:
    case ErrorCode::Io:
    case ErrorCode::Cache:
    case ErrorCode::Protocol:
    case ErrorCode::Cancelled:
        return ExitCode::Other;
    }
    return ExitCode::Other;
}

} // namespace dist::cli
