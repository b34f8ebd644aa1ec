// SPDX-License-Identifier: MIT
#include "CacheListCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "ProgressPrinter.h"

#include <cache/CacheUsage.h>
#include <core/JsonWriter.h>

#include <QDateTime>

namespace dist::cli {

QList<QCommandLineOption> CacheListCommand::options() const
{
    return {QCommandLineOption(QStringLiteral("long"),
                               QStringLiteral("Show size, type, media type, last use and origin of each entry."))};
}

void CacheListCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList&, Done done)
{
    Cache& cache = ctx.cache();
    if (!parser.isSet(QStringLiteral("long"))) {
        const QList<Digest> digests = cache.digests();
        if (ctx.globals().json) {
            JsonWriter w;
            w.beginArray();
            for (const Digest& d : digests) {
                w.value(d.toString());
            }
            w.endArray();
            ctx.writeOut(w.toByteArray());
        } else {
            QByteArray out;
            for (const Digest& d : digests) {
                out += d.toString().toLatin1() + '\n';
            }
            ctx.writeOut(out);
        }
        done(ExitCode::Ok);
        return;
    }

    QStringList problems;
    const QList<CacheEntry> entries = cache.entries(&problems);
    for (const QString& p : std::as_const(problems)) {
        ctx.printErr(QStringLiteral("warning: %1").arg(p));
    }
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginArray();
        for (const CacheEntry& e : entries) {
            w.beginObject()
                .field(QStringLiteral("digest"), e.digest.toString())
                .field(QStringLiteral("size_bytes"), e.sizeBytes)
                .field(QStringLiteral("artifact_type"), artifactTypeName(e.artifactType))
                .field(QStringLiteral("media_type"), e.mediaType)
                .field(QStringLiteral("state"), entryStateName(e.state))
                .field(QStringLiteral("source_kind"), e.sourceKind)
                .field(QStringLiteral("raw_ref"), e.rawRef)
                .field(QStringLiteral("canonical_ref"), e.canonicalRef)
                .field(QStringLiteral("fetched_at"), e.fetchedAt)
                .field(QStringLiteral("last_accessed_at"), e.lastAccessedAt);
            w.key(QStringLiteral("manifest_digest"))
                .optional(e.manifestDigest.isEmpty() ? QString() : e.manifestDigest);
            w.key(QStringLiteral("fetched_from")).optional(e.fetchedFrom.isEmpty() ? QString() : e.fetchedFrom);
            w.field(QStringLiteral("local_path"), e.localPath).endObject();
        }
        w.endArray();
        ctx.writeOut(w.toByteArray());
        done(ExitCode::Ok);
        return;
    }
    QByteArray out;
    out += QStringLiteral("%1  %2  %3  %4  %5  %6\n")
               .arg(QStringLiteral("DIGEST").leftJustified(19), QStringLiteral("SIZE").rightJustified(10),
                    QStringLiteral("TYPE").leftJustified(9), QStringLiteral("LAST USED").leftJustified(16),
                    QStringLiteral("MEDIA TYPE").leftJustified(44), QStringLiteral("FROM"))
               .toUtf8();
    for (const CacheEntry& e : entries) {
        const QString lastUsed
            = QDateTime::fromSecsSinceEpoch(e.lastAccessedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        QString type = artifactTypeName(e.artifactType);
        if (e.state != EntryState::Ready) {
            type += u'!';
        }
        const QString from = e.fetchedFrom.isEmpty() ? e.rawRef : e.fetchedFrom;
        out += QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                   .arg(e.digest.toString().left(19), ProgressPrinter::humanBytes(e.sizeBytes).rightJustified(10),
                        type.leftJustified(9), lastUsed.leftJustified(16), e.mediaType.leftJustified(44), from)
                   .toUtf8();
    }
    const CacheUsage::Count total = CacheUsage::of(entries).total;
    out += QStringLiteral("%1 entries, %2\n").arg(total.entries).arg(ProgressPrinter::humanBytes(total.bytes)).toUtf8();
    ctx.writeOut(out);
    done(ExitCode::Ok);
}

} // namespace dist::cli
