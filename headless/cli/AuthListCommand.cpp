// SPDX-License-Identifier: MIT
#include "AuthListCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <core/JsonWriter.h>
#include <credentials/CredentialIndex.h>

#include <QDateTime>

namespace dist::cli {

void AuthListCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList&, Done done)
{
    auto store = ctx.credentialStore();
    if (!store) {
        done(ctx.fail(store.error()));
        return;
    }
    const QList<CredentialIndexEntry> entries = CredentialIndex().entries();
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginObject().field(QStringLiteral("backend"), store.value()->backend());
        w.key(QStringLiteral("entries")).beginArray();
        for (const CredentialIndexEntry& e : entries) {
            w.beginObject()
                .field(QStringLiteral("kind"), e.key.section(u'/', 0, 0))
                .field(QStringLiteral("name"), e.key.section(u'/', 1))
                .field(QStringLiteral("username"), e.username)
                .field(QStringLiteral("backend"), e.backend)
                .field(QStringLiteral("saved_at"), e.savedAt)
                .endObject();
        }
        w.endArray().endObject();
        ctx.writeOut(w.toByteArray());
        done(ExitCode::Ok);
        return;
    }
    ctx.print(QStringLiteral("credential store: %1").arg(store.value()->backend()));
    for (const CredentialIndexEntry& e : entries) {
        ctx.print(QStringLiteral("%1  %2  user %3  in %4  saved %5")
                      .arg(e.key.section(u'/', 0, 0).leftJustified(8), e.key.section(u'/', 1).leftJustified(24),
                           e.username, e.backend,
                           QDateTime::fromSecsSinceEpoch(e.savedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    }
    done(ExitCode::Ok);
}

} // namespace dist::cli
