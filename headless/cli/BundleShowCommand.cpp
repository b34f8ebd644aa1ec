// SPDX-License-Identifier: MIT
#include "BundleShowCommand.h"

#include "BundleListCommand.h"
#include "CommandContext.h"
#include "ExitCode.h"

#include <bundles/BundleStore.h>
#include <core/JsonWriter.h>

#include <QJsonDocument>

namespace dist::cli {

void BundleShowCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList& args, Done done)
{
    auto record = BundleStore(ctx.cache().root()).stat(args.first());
    if (!record) {
        done(ctx.fail(record.error()));
        return;
    }
    auto entry = ctx.cache().stat(record->cacheKey);
    QStringList next;
    for (BundleState s : legalTargets(record->state)) {
        next << bundleStateName(s);
    }
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginObject().key(QStringLiteral("record"));
        BundleListCommand::writeRecord(w, record.value());
        w.key(QStringLiteral("entry"));
        if (entry) {
            w.value(QJsonDocument::fromJson(entry->toJson()).object());
        } else {
            w.null();
        }
        w.key(QStringLiteral("entry_error")).optional(entry ? QString() : entry.message());
        w.key(QStringLiteral("legal_transitions")).beginArray();
        for (const QString& n : std::as_const(next)) {
            w.value(n);
        }
        w.endArray().endObject();
        ctx.writeOut(w.toByteArray());
        done(ExitCode::Ok);
        return;
    }
    ctx.print(QStringLiteral("bundle id:      %1").arg(record->bundleId));
    ctx.print(QStringLiteral("state:          %1").arg(bundleStateName(record->state)));
    ctx.print(QStringLiteral("next states:    %1")
                  .arg(next.isEmpty() ? QStringLiteral("(none: terminal)") : next.join(QStringLiteral(", "))));
    ctx.print(QStringLiteral("cache key:      %1").arg(record->cacheKey.toString()));
    ctx.print(QStringLiteral("canonical ref:  %1").arg(record->canonicalRef));
    ctx.print(QStringLiteral("source kind:    %1").arg(record->sourceKind));
    if (entry) {
        ctx.print(QStringLiteral("media type:     %1").arg(entry->mediaType));
        ctx.print(QStringLiteral("size:           %1 bytes").arg(entry->sizeBytes));
        ctx.print(QStringLiteral("entry state:    %1").arg(entryStateName(entry->state)));
        ctx.print(QStringLiteral("blob:           %1").arg(entry->localPath));
    } else {
        ctx.print(QStringLiteral("cache entry:    %1").arg(entry.message()));
    }
    done(ExitCode::Ok);
}

} // namespace dist::cli
