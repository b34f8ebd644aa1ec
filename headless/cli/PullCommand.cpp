// SPDX-License-Identifier: MIT
#include "PullCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "ReleaseOptions.h"

#include <client/DistClient.h>
#include <core/JsonWriter.h>
#include <ref/Lockfile.h>

namespace dist::cli {

QList<QCommandLineOption> PullCommand::options() const
{
    return QList<QCommandLineOption>{QCommandLineOption(
               QStringLiteral("lock"), QStringLiteral("Pull every entry of a lockfile (wins over REF)."),
               QStringLiteral("FILE"))}
    + ReleaseOptions::options();
}

void PullCommand::writeResult(JsonWriter& w, const PullResult& r)
{
    w.beginObject()
        .field(QStringLiteral("reference"), r.reference)
        .field(QStringLiteral("digest"), r.digest.toString());
    w.key(QStringLiteral("cache_path")).optional(r.entry.localPath.isEmpty() ? QString() : r.entry.localPath);
    w.field(QStringLiteral("fetched"), r.fetched).endObject();
}

void PullCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    const bool json = ctx.globals().json;
    auto release = ReleaseOptions::fromParser(parser);
    if (!release) {
        done(ctx.fail(release.error()));
        return;
    }
    if (parser.isSet(QStringLiteral("lock"))) {
        if (release->isSet()) {
            done(ctx.fail(makeError(ErrorCode::InvalidInput,
                                    QStringLiteral("--release is only supported when pulling a single reference"))));
            return;
        }

        auto entries = Lockfile::load(parser.value(QStringLiteral("lock")));
        if (!entries) {
            done(ctx.fail(entries.error()));
            return;
        }
        ctx.client().pullAll(entries.value(), ctx.globals().jobs, [&ctx, json, done](Result<QList<PullResult>> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            if (json) {
                JsonWriter w;
                w.beginArray();
                for (const PullResult& p : r.value()) {
                    writeResult(w, p);
                }
                w.endArray();
                ctx.writeOut(w.toByteArray());
            } else {
                for (const PullResult& p : r.value()) {
                    ctx.print(QStringLiteral("%1 %2").arg(p.digest.toString(), p.entry.localPath));
                }
            }
            done(ExitCode::Ok);
        });
        return;
    }
    if (args.isEmpty()) {
        done(
            ctx.fail(makeError(ErrorCode::InvalidInput, QStringLiteral("pull requires either a reference or --lock"))));
        return;
    }
    ctx.client().pull(
        args.first(), Digest(),
        [&ctx, json, done](Result<PullResult> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            if (json) {
                JsonWriter w;
                writeResult(w, r.value());
                ctx.writeOut(w.toByteArray());
            } else {
                ctx.print(r->entry.localPath.isEmpty() ? r->digest.toString() : r->entry.localPath);
            }
            done(ExitCode::Ok);
        },
        release.value());
}

} // namespace dist::cli
