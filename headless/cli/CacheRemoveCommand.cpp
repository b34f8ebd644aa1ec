// SPDX-License-Identifier: MIT
#include "CacheRemoveCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <client/CacheMaintenance.h>
#include <core/JsonWriter.h>

namespace dist::cli {

QList<QCommandLineOption> CacheRemoveCommand::options() const
{
    return {QCommandLineOption(QStringLiteral("force"),
                               QStringLiteral("Also evict entries of staged, warming, ready or draining bundles."))};
}

void CacheRemoveCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    CacheMaintenance maintenance(ctx.cache());
    auto report = maintenance.evict(args, parser.isSet(QStringLiteral("force")));
    if (!report) {
        done(ctx.fail(report.error()));
        return;
    }
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginObject()
            .field(QStringLiteral("scanned_entries"), report->scanned)
            .field(QStringLiteral("kept"), report->kept)
            .field(QStringLiteral("evicted"), report->evicted)
            .field(QStringLiteral("protected"), report->protectedCount)
            .field(QStringLiteral("bytes_reclaimed"), report->bytesReclaimed);
        w.key(QStringLiteral("refusals")).beginArray();
        for (const QString& r : std::as_const(report->refusals)) {
            w.value(r);
        }
        w.endArray().endObject();
        ctx.writeOut(w.toByteArray());
    } else {
        if (report->evicted > 0) {
            ctx.printErr(QStringLiteral("evicted %1 entries, reclaimed %2 bytes")
                             .arg(report->evicted)
                             .arg(report->bytesReclaimed));
        }
        for (const QString& r : std::as_const(report->refusals)) {
            ctx.printErr(QStringLiteral("not removed: %1").arg(r));
        }
    }
    // Refusing a protected bundle is like refusing an illegal transition: the caller asked for
    // something the lifecycle does not allow.
    done(report->protectedCount > 0 ? ExitCode::InvalidInput : ExitCode::Ok);
}

} // namespace dist::cli
