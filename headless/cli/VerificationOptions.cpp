// SPDX-License-Identifier: MIT
#include "VerificationOptions.h"

namespace dist::cli {

QList<QCommandLineOption> VerificationOptions::options()
{
    return {
        QCommandLineOption(QStringLiteral("policy"), QStringLiteral("Verification policy (JSON) to enforce."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("advisory"), QStringLiteral("Advisory set (JSON) with newer denials."),
                           QStringLiteral("FILE")),
    };
}

Result<VerificationOptions> VerificationOptions::fromParser(const QCommandLineParser& parser)
{
    VerificationOptions o;
    if (parser.isSet(QStringLiteral("policy"))) {
        auto p = VerificationPolicy::load(parser.value(QStringLiteral("policy")));
        if (!p) {
            return p.error();
        }
        o.policy = p.value();
    }
    if (parser.isSet(QStringLiteral("advisory"))) {
        auto a = AdvisorySet::load(parser.value(QStringLiteral("advisory")));
        if (!a) {
            return a.error();
        }
        o.advisory = a.value();
    }
    return o;
}

} // namespace dist::cli
