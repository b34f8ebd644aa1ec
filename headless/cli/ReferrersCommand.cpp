// SPDX-License-Identifier: MIT
#include "ReferrersCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <client/DistClient.h>
#include <core/JsonWriter.h>

namespace dist::cli {

QList<QCommandLineOption> ReferrersCommand::options() const
{
    return {QCommandLineOption(QStringLiteral("artifact-type"), QStringLiteral("Only referrers of this artifact type."),
                               QStringLiteral("TYPE"))};
}

void ReferrersCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    const QString reference = args.first();
    ctx.client().referrers(
        reference, parser.value(QStringLiteral("artifact-type")), [&ctx, reference, done](Result<ReferrersResult> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            if (ctx.globals().json) {
                JsonWriter w;
                w.beginObject()
                    .field(QStringLiteral("reference"), reference)
                    .field(QStringLiteral("subject"), r->subject.toString())
                    .field(QStringLiteral("source"), r->source);
                w.key(QStringLiteral("referrers")).beginArray();
                for (const OciDescriptor& d : std::as_const(r->referrers)) {
                    w.beginObject()
                        .field(QStringLiteral("digest"), d.digest.toString())
                        .field(QStringLiteral("media_type"), d.mediaType)
                        .field(QStringLiteral("size"), d.size);
                    w.key(QStringLiteral("artifact_type"))
                        .optional(d.artifactType.isEmpty() ? QString() : d.artifactType);
                    w.key(QStringLiteral("annotations")).beginObject();
                    for (auto it = d.annotations.cbegin(); it != d.annotations.cend(); ++it) {
                        w.field(it.key(), it.value());
                    }
                    w.endObject().endObject();
                }
                w.endArray().endObject();
                ctx.writeOut(w.toByteArray());
            } else {
                for (const OciDescriptor& d : std::as_const(r->referrers)) {
                    ctx.print(QStringLiteral("%1  %2").arg(
                        d.digest.toString(), d.artifactType.isEmpty() ? QStringLiteral("-") : d.artifactType));
                }
            }
            done(ExitCode::Ok);
        });
}

} // namespace dist::cli
