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
    return QList<QCommandLineOption>{
               QCommandLineOption(QStringLiteral("lock"),
                                  QStringLiteral("Pull every entry of a lockfile (wins over REF)."),
                                  QStringLiteral("FILE")),
               QCommandLineOption(QStringLiteral("with-referrers"),
                                  QStringLiteral("Also pull the artifacts whose subject is REF "
                                                 "(signatures, SBOMs), linked to it in the cache."))}
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
    const QString reference = args.first();
    const bool withReferrers = parser.isSet(QStringLiteral("with-referrers"));
    ctx.client().pull(
        reference, Digest(),
        [&ctx, json, done, reference, withReferrers](Result<PullResult> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            auto print = [&ctx, json, done, main = r.value()](const QList<PullResult>& referrers, bool with) {
                if (json) {
                    JsonWriter w;
                    if (with) {
                        w.beginObject().key(QStringLiteral("artifact"));
                        writeResult(w, main);
                        w.key(QStringLiteral("referrers")).beginArray();
                        for (const PullResult& p : referrers) {
                            writeResult(w, p);
                        }
                        w.endArray().endObject();
                    } else {
                        writeResult(w, main);
                    }
                    ctx.writeOut(w.toByteArray());
                } else {
                    ctx.print(main.entry.localPath.isEmpty() ? main.digest.toString() : main.entry.localPath);
                    for (const PullResult& p : referrers) {
                        ctx.printErr(QStringLiteral("referrer %1 %2").arg(p.digest.toString(), p.entry.localPath));
                    }
                }
                done(ExitCode::Ok);
            };
            if (!withReferrers) {
                print({}, false);
                return;
            }
            ctx.client().referrers(reference, QString(), [&ctx, reference, print, done](Result<ReferrersResult> found) {
                if (!found) {
                    done(ctx.fail(found.error()));
                    return;
                }
                ctx.client().pullReferrers(reference, found.value(),
                                           [&ctx, print, done](Result<QList<PullResult>> pulled) {
                                               if (!pulled) {
                                                   done(ctx.fail(pulled.error()));
                                                   return;
                                               }
                                               print(pulled.value(), true);
                                           });
            });
        },
        release.value());
}

} // namespace dist::cli
