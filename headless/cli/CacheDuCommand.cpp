// SPDX-License-Identifier: MIT
#include "CacheDuCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "ProgressPrinter.h"

#include <cache/CacheUsage.h>
#include <cache/EntryIndex.h>
#include <core/JsonWriter.h>

#include <retention/Retention.h>

#include <QMap>

namespace dist::cli {

void CacheDuCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList&, Done done)
{
    QStringList problems;
    const CacheUsage usage = CacheUsage::of(EntryIndex(ctx.cache()).summaries(&problems));
    const CacheUsage::Count& total = usage.total;
    const int corrupt = usage.corrupt;
    QMap<QString, CacheUsage::Count> byType; // by name: the order `cache du` has always printed
    for (auto it = usage.byType.cbegin(); it != usage.byType.cend(); ++it) {
        byType.insert(artifactTypeName(it.key()), it.value());
    }
    const qint64 cap = ctx.client().options().cacheMaxBytes;
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginObject()
            .field(QStringLiteral("root"), ctx.cache().root())
            .field(QStringLiteral("entries"), total.entries)
            .field(QStringLiteral("total_bytes"), total.bytes)
            .field(QStringLiteral("max_bytes"), cap)
            .field(QStringLiteral("corrupt_entries"), corrupt)
            .field(QStringLiteral("unreadable_entries"), static_cast<int>(problems.size()));
        w.key(QStringLiteral("by_type")).beginObject();
        for (auto it = byType.cbegin(); it != byType.cend(); ++it) {
            w.key(it.key())
                .beginObject()
                .field(QStringLiteral("entries"), it->entries)
                .field(QStringLiteral("bytes"), it->bytes)
                .endObject();
        }
        w.endObject().endObject();
        ctx.writeOut(w.toByteArray());
        done(ExitCode::Ok);
        return;
    }
    ctx.print(QStringLiteral("%1  %2 in %3 entries")
                  .arg(ctx.cache().root(), ProgressPrinter::humanBytes(total.bytes))
                  .arg(total.entries));
    for (auto it = byType.cbegin(); it != byType.cend(); ++it) {
        ctx.print(QStringLiteral("  %1 %2 in %3 entries")
                      .arg(it.key().leftJustified(10), ProgressPrinter::humanBytes(it->bytes).rightJustified(10))
                      .arg(it->entries));
    }
    if (cap > 0) {
        ctx.print(QStringLiteral("  cap        %1 (%2% used)")
                      .arg(ProgressPrinter::humanBytes(cap).rightJustified(10))
                      .arg(usage.percentOf(cap), 0, 'f', 1));
    } else {
        ctx.print(QStringLiteral("  cap        none"));
    }
    if (corrupt > 0) {
        ctx.print(QStringLiteral("  %1 entries are marked corrupt; `greentic-dist retention apply` evicts them")
                      .arg(corrupt));
    }
    for (const QString& p : std::as_const(problems)) {
        ctx.printErr(QStringLiteral("warning: %1").arg(p));
    }
    done(ExitCode::Ok);
}

} // namespace dist::cli
