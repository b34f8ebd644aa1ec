// SPDX-License-Identifier: MIT
#include "CacheVerifyCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <client/CacheMaintenance.h>
#include <core/JsonWriter.h>

namespace dist::cli {

void CacheVerifyCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList& args, Done done)
{
    QList<Digest> digests;
    for (const QString& a : args) {
        auto d = Digest::parseLenient(a);
        if (!d) {
            done(ctx.fail(d.error()));
            return;
        }
        auto entry = ctx.cache().lookup(d.value());
        digests.append(entry ? entry->digest : d.value());
    }
    CacheMaintenance maintenance(ctx.cache());
    const QList<VerifyOutcome> outcomes = maintenance.verify(digests);
    int corrupt = 0;
    JsonWriter w;
    w.beginArray();
    for (const VerifyOutcome& o : outcomes) {
        corrupt += o.ok ? 0 : 1;
        if (ctx.globals().json) {
            w.beginObject()
                .field(QStringLiteral("digest"), o.digest.toString())
                .field(QStringLiteral("status"), o.ok ? QStringLiteral("ok") : QStringLiteral("corrupt"));
            w.key(QStringLiteral("detail")).optional(o.ok ? QString() : o.detail);
            w.endObject();
        } else if (o.ok) {
            ctx.print(QStringLiteral("ok       %1").arg(o.digest.toString()));
        } else {
            ctx.print(QStringLiteral("corrupt  %1  %2").arg(o.digest.toString(), o.detail));
        }
    }
    w.endArray();
    if (ctx.globals().json) {
        ctx.writeOut(w.toByteArray());
    }
    if (corrupt > 0) {
        ctx.printErr(QStringLiteral("%1 of %2 entries are corrupt").arg(corrupt).arg(outcomes.size()));
        done(ExitCode::Integrity);
        return;
    }
    done(ExitCode::Ok);
}

} // namespace dist::cli
