// SPDX-License-Identifier: MIT
#include "ReleaseOptions.h"

namespace dist::cli::ReleaseOptions {

QList<QCommandLineOption> options()
{
    return {
        QCommandLineOption(QStringLiteral("release"),
                           QStringLiteral("Resolve mutable tags through this release's index."), QStringLiteral("R")),
        QCommandLineOption(QStringLiteral("channel"), QStringLiteral("Release channel: stable (default), dev or rnd."),
                           QStringLiteral("C")),
    };
}

Result<ReleaseContext> fromParser(const QCommandLineParser& parser)
{
    ReleaseContext context;
    if (parser.isSet(QStringLiteral("channel")) && !parser.isSet(QStringLiteral("release"))) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("--channel requires --release"));
    }
    if (!parser.isSet(QStringLiteral("release"))) {
        return context;
    }
    context.release = parser.value(QStringLiteral("release"));
    if (parser.isSet(QStringLiteral("channel"))) {
        context.channel = parser.value(QStringLiteral("channel"));
    }
    if (context.release.isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid input: release context release must be a single path segment"));
    }
    if (auto ok = context.validate(); !ok) {
        return ok.error();
    }
    return context;
}

} // namespace dist::cli::ReleaseOptions
