// SPDX-License-Identifier: MIT
#include "ResolveCommand.h"

#include "CommandContext.h"
#include "ReleaseOptions.h"

#include <core/JsonWriter.h>

namespace dist::cli {

QList<QCommandLineOption> ResolveCommand::options() const
{
    return ReleaseOptions::options();
}

void ResolveCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    const QString reference = args.first();
    auto release = ReleaseOptions::fromParser(parser);
    if (!release) {
        done(ctx.fail(release.error()));
        return;
    }

    ctx.client().resolve(
        reference,
        [&ctx, reference, done](Result<Digest> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            if (ctx.globals().json) {
                JsonWriter w;
                w.beginObject()
                    .field(QStringLiteral("reference"), reference)
                    .field(QStringLiteral("digest"), r->toString())
                    .endObject();
                ctx.writeOut(w.toByteArray());
            } else {
                ctx.print(r->toString());
            }
            done(0);
        },
        release.value());
}

} // namespace dist::cli
