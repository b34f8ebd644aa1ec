// SPDX-License-Identifier: MIT
#include "CacheTransferCommands.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "ProgressPrinter.h"

#include <client/CacheExporter.h>
#include <client/CacheImporter.h>
#include <core/Background.h>
#include <core/JsonWriter.h>
#include <ref/Lockfile.h>

#include <QMetaObject>

namespace dist::cli {

namespace {

// Progress lines come from the worker thread; they are printed from the event loop.
template <typename Line>
void printLater(CommandContext& ctx, Line line)
{
    QMetaObject::invokeMethod(
        ctx.eventContext(), [&ctx, line] { ctx.printErr(line); }, Qt::QueuedConnection);
}

} // namespace

QList<QCommandLineOption> CacheExportCommand::options() const
{
    return {
        QCommandLineOption(QStringLiteral("to"), QStringLiteral("Where to write: a new directory, or FILE.tar."),
                           QStringLiteral("DIR|FILE.tar")),
        QCommandLineOption(QStringLiteral("lock"), QStringLiteral("Export the entries a lockfile pins."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("all"), QStringLiteral("Export every OCI artifact in the cache.")),
        QCommandLineOption(
            QStringLiteral("verify"),
            QStringLiteral("Hash every blob again while copying (the cache checked them when written).")),
    };
}

void CacheExportCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    ExportRequest request;
    request.to = parser.value(QStringLiteral("to"));
    request.all = parser.isSet(QStringLiteral("all"));
    request.verify = parser.isSet(QStringLiteral("verify"));
    const int sources
        = (request.all ? 1 : 0) + (parser.isSet(QStringLiteral("lock")) ? 1 : 0) + (args.isEmpty() ? 0 : 1);
    if (request.to.isEmpty() || sources != 1) {
        done(ctx.fail(makeError(ErrorCode::InvalidInput,
                                QStringLiteral("usage: greentic-dist cache export [--lock FILE | DIGEST... | --all] "
                                               "--to DIR|FILE.tar (exactly one of the three)"))));
        return;
    }
    for (const QString& a : args) {
        auto d = Digest::parseLenient(a);
        if (!d) {
            done(ctx.fail(d.error()));
            return;
        }
        request.digests.append(d.value());
    }
    if (parser.isSet(QStringLiteral("lock"))) {
        auto entries = Lockfile::load(parser.value(QStringLiteral("lock")));
        if (!entries) {
            done(ctx.fail(entries.error()));
            return;
        }
        request.lock = entries.value();
    }
    const bool chatty = !ctx.globals().quiet && !ctx.globals().json;
    Cache* cache = &ctx.cache();
    runInBackground<Result<ExportReport>>(
        ctx.eventContext(),
        [cache, request, chatty, &ctx] {
            return CacheExporter(*cache).run(request, [&ctx, chatty](const ExportedArtifact& a, int n, int total) {
                if (chatty) {
                    printLater(ctx,
                               QStringLiteral("[%1/%2] %3  %4")
                                   .arg(n)
                                   .arg(total)
                                   .arg(a.reference, ProgressPrinter::humanBytes(a.bytes)));
                }
            });
        },
        [&ctx, done](Result<ExportReport> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            if (ctx.globals().json) {
                JsonWriter w;
                w.beginObject()
                    .field(QStringLiteral("to"), r->to)
                    .field(QStringLiteral("format"), r->archive ? QStringLiteral("oci-archive") : QStringLiteral("oci"))
                    .field(QStringLiteral("blobs"), r->blobs)
                    .field(QStringLiteral("bytes"), r->bytes);
                w.key(QStringLiteral("artifacts")).beginArray();
                for (const ExportedArtifact& a : std::as_const(r->artifacts)) {
                    w.beginObject()
                        .field(QStringLiteral("reference"), a.reference)
                        .field(QStringLiteral("manifest_digest"), a.manifest.toString())
                        .field(QStringLiteral("bytes"), a.bytes);
                    // A signature travels as documents only: it has no cache entry of its own.
                    w.key(QStringLiteral("digest")).optional(a.content.isNull() ? QString() : a.content.toString());
                    w.key(QStringLiteral("artifact_type"))
                        .optional(a.artifactType.isEmpty() ? QString() : a.artifactType);
                    w.endObject();
                }
                w.endArray();
                w.key(QStringLiteral("skipped")).beginArray();
                for (const ExportSkip& s : std::as_const(r->skipped)) {
                    w.beginObject();
                    w.key(QStringLiteral("digest")).optional(s.what.isEmpty() ? QString() : s.what);
                    w.field(QStringLiteral("reason"), s.reason).endObject();
                }
                w.endArray().endObject();
                ctx.writeOut(w.toByteArray());
            } else {
                ctx.print(QStringLiteral("exported %1 artifact(s), %2 blob(s), %3 to %4")
                              .arg(r->artifacts.size())
                              .arg(r->blobs)
                              .arg(ProgressPrinter::humanBytes(r->bytes), r->to));
                if (!r->skipped.isEmpty() && !ctx.globals().quiet) {
                    ctx.printErr(QStringLiteral("skipped %1 entr%2 that cannot be exported (--json lists why):")
                                     .arg(r->skipped.size())
                                     .arg(r->skipped.size() == 1 ? QStringLiteral("y") : QStringLiteral("ies")));
                    for (const ExportSkip& s : std::as_const(r->skipped)) {
                        ctx.printErr(QStringLiteral("  %1").arg(s.reason));
                    }
                }
            }
            done(ExitCode::Ok);
        });
}

QList<QCommandLineOption> CacheImportCommand::options() const
{
    return {QCommandLineOption(
        QStringLiteral("as"),
        QStringLiteral("The repository of a layout whose names are bare tags (as `skopeo copy … oci:DIR:TAG` writes)."),
        QStringLiteral("REGISTRY/REPOSITORY"))};
}

void CacheImportCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    ImportRequest request;
    request.from = args.first();
    request.repository = parser.value(QStringLiteral("as"));
    request.layers = ctx.client().options().layers;
    const bool chatty = !ctx.globals().quiet && !ctx.globals().json;
    Cache* cache = &ctx.cache();
    runInBackground<Result<ImportReport>>(
        ctx.eventContext(),
        [cache, request, chatty, &ctx] {
            return CacheImporter(*cache).run(request, [&ctx, chatty](const ImportedArtifact& a, int n, int total) {
                if (chatty) {
                    printLater(ctx,
                               QStringLiteral("[%1/%2] %3  %4%5")
                                   .arg(n)
                                   .arg(total)
                                   .arg(a.reference, ProgressPrinter::humanBytes(a.bytes),
                                        a.alreadyCached ? QStringLiteral(" (already cached)") : QString()));
                }
            });
        },
        [&ctx, done](Result<ImportReport> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            if (ctx.globals().json) {
                JsonWriter w;
                w.beginObject().field(QStringLiteral("from"), r->from).field(QStringLiteral("bytes"), r->bytes);
                w.key(QStringLiteral("artifacts")).beginArray();
                for (const ImportedArtifact& a : std::as_const(r->artifacts)) {
                    w.beginObject()
                        .field(QStringLiteral("reference"), a.reference)
                        .field(QStringLiteral("manifest_digest"), a.manifest.toString())
                        .field(QStringLiteral("bytes"), a.bytes)
                        .field(QStringLiteral("already_cached"), a.alreadyCached);
                    w.key(QStringLiteral("digest")).optional(a.content.isNull() ? QString() : a.content.toString());
                    w.endObject();
                }
                w.endArray().endObject();
                ctx.writeOut(w.toByteArray());
            } else {
                ctx.print(QStringLiteral("imported %1 artifact(s), %2 copied in, from %3")
                              .arg(r->artifacts.size())
                              .arg(ProgressPrinter::humanBytes(r->bytes), r->from));
            }
            done(ExitCode::Ok);
        });
}

} // namespace dist::cli
