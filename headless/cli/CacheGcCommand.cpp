// SPDX-License-Identifier: MIT
#include "CacheGcCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <client/CacheMaintenance.h>
#include <core/JsonWriter.h>

namespace dist::cli {

void CacheGcCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList&, Done done)
{
    CacheMaintenance maintenance(ctx.cache());
    auto report = maintenance.collectGarbage();
    if (!report) {
        done(ctx.fail(report.error()));
        return;
    }
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginArray();
        for (const QString& d : std::as_const(report->removed)) {
            w.value(d);
        }
        w.endArray();
        ctx.writeOut(w.toByteArray());
    } else {
        if (!report->removed.isEmpty()) {
            ctx.printErr(QStringLiteral("removed %1").arg(report->removed.join(QStringLiteral(", "))));
        }
        if (report->staleFiles > 0 && !ctx.globals().quiet) {
            ctx.printErr(QStringLiteral("collected %1 stale files, %2 bytes")
                             .arg(report->staleFiles)
                             .arg(report->bytesReclaimed));
        }
    }
    done(ExitCode::Ok);
}

} // namespace dist::cli
