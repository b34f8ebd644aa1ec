// SPDX-License-Identifier: MIT
#include "AuthLogoutCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <credentials/CredentialIndex.h>
#include <credentials/SavedCredentials.h>

namespace dist::cli {

QList<QCommandLineOption> AuthLogoutCommand::options() const
{
    return {QCommandLineOption(QStringLiteral("registry"), QStringLiteral("Forget this registry's credentials."),
                               QStringLiteral("HOST"))};
}

void AuthLogoutCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    QString key;
    QString what;
    if (parser.isSet(QStringLiteral("registry"))) {
        const QString host = parser.value(QStringLiteral("registry")).trimmed().toLower();
        key = CredentialKey::registry(host);
        what = QStringLiteral("registry `%1`").arg(host);
    } else if (!args.isEmpty() && !args.first().trimmed().isEmpty()) {
        key = CredentialKey::tenant(args.first().trimmed());
        what = QStringLiteral("tenant `%1`").arg(args.first().trimmed());
    } else {
        done(ctx.fail(makeError(ErrorCode::InvalidInput,
                                QStringLiteral("invalid input: auth logout needs a tenant or --registry"))));
        return;
    }
    CredentialIndex index;
    const auto entry = index.find(key);
    if (!entry) {
        // Nothing was saved: no reason to wake a keychain up just to hear so.
        done(ctx.fail(makeError(ErrorCode::NotFound, QStringLiteral("no saved credentials for %1").arg(what))));
        return;
    }
    CredentialStore* store = ctx.storeFor(entry->backend);
    if (!store) {
        done(ctx.fail(makeError(ErrorCode::InvalidInput, QStringLiteral("invalid input: unknown credential store"))));
        return;
    }
    SavedCredentials::remove(*store, index, key, ctx.eventContext(), [&ctx, done, what](Result<void> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        ctx.printErr(QStringLiteral("removed the saved credentials for %1").arg(what));
        done(ExitCode::Ok);
    });
}

} // namespace dist::cli
