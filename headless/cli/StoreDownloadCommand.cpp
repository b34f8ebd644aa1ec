// SPDX-License-Identifier: MIT
#include "StoreDownloadCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "TokenInput.h"

#include <core/JsonWriter.h>
#include <credentials/CredentialIndex.h>
#include <credentials/SavedCredentials.h>
#include <ref/Reference.h>

#include <QDateTime>

namespace dist::cli {

namespace {

void report(CommandContext& ctx, const DownloadResult& r, Command::Done done)
{
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginObject()
            .field(QStringLiteral("reference"), r.reference)
            .field(QStringLiteral("mapped_reference"), r.mappedReference)
            .field(QStringLiteral("canonical_ref"), r.canonicalRef)
            .field(QStringLiteral("digest"), r.digest.toString())
            .field(QStringLiteral("media_type"), r.mediaType)
            .field(QStringLiteral("output_path"), r.outputPath)
            .field(QStringLiteral("size_bytes"), r.sizeBytes)
            .endObject();
        ctx.writeOut(w.toByteArray());
    } else {
        ctx.print(r.outputPath);
    }
    done(ExitCode::Ok);
}

} // namespace

QList<QCommandLineOption> StoreDownloadCommand::options() const
{
    return {
        QCommandLineOption(QStringLiteral("output"), QStringLiteral("Where to write the artifact."),
                           QStringLiteral("PATH")),
        QCommandLineOption(QStringLiteral("token"),
                           QStringLiteral("Tenant token if none is saved (prefer --token-stdin)."),
                           QStringLiteral("T")),
        QCommandLineOption(QStringLiteral("token-stdin"),
                           QStringLiteral("Read the tenant token from standard input if none is saved.")),
    };
}

void StoreDownloadCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args,
                               Done done)
{
    const QString reference = args.first();
    const QString output = parser.value(QStringLiteral("output"));
    const bool fromStdin = parser.isSet(QStringLiteral("token-stdin"));
    const QString givenToken = parser.value(QStringLiteral("token"));
    ctx.client().download(
        reference, output, [&ctx, reference, output, fromStdin, givenToken, done](Result<DownloadResult> r) {
            if (r) {
                report(ctx, r.value(), done);
                return;
            }
            // A missing tenant login is fixed on the spot, as the Rust CLI does: ask, save, retry once.
            if (r.detail() != ErrorDetail::NoSavedCredentials) {
                done(ctx.fail(r.error()));
                return;
            }
            const QString tenant = Reference::parse(reference)->path().section(u'/', 1, 1).trimmed();
            Result<QString> token = givenToken;
            if (fromStdin) {
                token = TokenInput::fromStdin(ctx.input());
            } else if (givenToken.isEmpty()) {
                token = TokenInput::prompt(QStringLiteral("GHCR token for tenant `%1`: ").arg(tenant));
            }
            if (!token) {
                done(ctx.fail(token.error()));
                return;
            }
            if (token->isEmpty()) {
                done(ctx.fail(
                    makeError(ErrorCode::AuthRequired, QStringLiteral("store auth error: token cannot be empty"))));
                return;
            }
            auto store = ctx.credentialStore();
            if (!store) {
                done(ctx.fail(store.error()));
                return;
            }
            CredentialStore* target = store.value();
            const QString key = CredentialKey::tenant(tenant);
            SavedCredentials::save(*target, CredentialIndex(), key, StoredCredential{tenant, token.value()},
                                   ctx.eventContext(), [&ctx, reference, output, done](Result<void> saved) {
                                       if (!saved) {
                                           done(ctx.fail(saved.error()));
                                           return;
                                       }
                                       ctx.client().download(reference, output,
                                                             [&ctx, done](Result<DownloadResult> again) {
                                                                 if (!again) {
                                                                     done(ctx.fail(again.error()));
                                                                     return;
                                                                 }
                                                                 report(ctx, again.value(), done);
                                                             });
                                   });
        });
}

} // namespace dist::cli
