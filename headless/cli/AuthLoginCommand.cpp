// SPDX-License-Identifier: MIT
#include "AuthLoginCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "TokenInput.h"

#include <credentials/CredentialIndex.h>
#include <credentials/SavedCredentials.h>
#include <ref/OciReference.h>

#include <QDateTime>

namespace dist::cli {

QList<QCommandLineOption> AuthLoginCommand::options() const
{
    return {
        QCommandLineOption(QStringLiteral("token"), QStringLiteral("The token (visible in ps; prefer --token-stdin)."),
                           QStringLiteral("T")),
        QCommandLineOption(QStringLiteral("token-stdin"), QStringLiteral("Read the token from standard input.")),
        QCommandLineOption(QStringLiteral("registry"),
                           QStringLiteral("Log in to this registry host instead of a tenant."), QStringLiteral("HOST")),
        QCommandLineOption(QStringLiteral("username"), QStringLiteral("Registry user name (with --registry)."),
                           QStringLiteral("U")),
    };
}

void AuthLoginCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    const bool registry = parser.isSet(QStringLiteral("registry"));
    QString key;
    QString username;
    QString question;
    QString name;
    if (registry) {
        name = parser.value(QStringLiteral("registry")).trimmed().toLower();
        username = parser.value(QStringLiteral("username")).trimmed();
        if (!args.isEmpty()) {
            done(ctx.fail(makeError(ErrorCode::InvalidInput,
                                    QStringLiteral("invalid input: give a tenant or --registry, not both"))));
            return;
        }
        if (name.isEmpty() || !OciReference::parse(name + QStringLiteral("/x")).ok()) {
            done(ctx.fail(makeError(ErrorCode::InvalidInput,
                                    QStringLiteral("invalid input: `%1` is not a registry host").arg(name))));
            return;
        }
        if (username.isEmpty()) {
            done(ctx.fail(
                makeError(ErrorCode::InvalidInput, QStringLiteral("invalid input: --registry needs --username"))));
            return;
        }
        key = CredentialKey::registry(name);
        question = QStringLiteral("Token for `%1` at `%2`: ").arg(username, name);
    } else {
        name = args.value(0).trimmed();
        if (name.isEmpty()) {
            done(ctx.fail(
                makeError(ErrorCode::AuthRequired, QStringLiteral("store auth error: tenant cannot be empty"))));
            return;
        }
        username = name;
        key = CredentialKey::tenant(name);
        question = QStringLiteral("GHCR token for tenant `%1`: ").arg(name);
    }

    Result<QString> token = QString();
    if (parser.isSet(QStringLiteral("token-stdin"))) {
        token = TokenInput::fromStdin(ctx.input());
    } else if (parser.isSet(QStringLiteral("token"))) {
        ctx.printErr(
            QStringLiteral("warning: --token puts the token on the command line, where other users can see it; "
                           "prefer --token-stdin"));
        token = parser.value(QStringLiteral("token")).trimmed();
    } else {
        token = TokenInput::prompt(question);
    }
    if (!token) {
        done(ctx.fail(token.error()));
        return;
    }
    if (token->isEmpty()) {
        done(ctx.fail(makeError(ErrorCode::AuthRequired, QStringLiteral("store auth error: token cannot be empty"))));
        return;
    }
    auto store = ctx.credentialStore();
    if (!store) {
        done(ctx.fail(store.error()));
        return;
    }
    CredentialStore* target = store.value();
    SavedCredentials::save(
        *target, CredentialIndex(), key, StoredCredential{username, token.value()}, ctx.eventContext(),
        [&ctx, done, username, name, registry, target](Result<void> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            if (registry) {
                ctx.printErr(QStringLiteral("saved credentials for registry `%1` (user `%2`) in the %3 store")
                                 .arg(name, username, target->backend()));
            } else {
                ctx.printErr(QStringLiteral("saved auth for tenant `%1` for store://greentic-biz/%1/...").arg(name));
            }
            done(ExitCode::Ok);
        });
}

} // namespace dist::cli
