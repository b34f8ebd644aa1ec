// SPDX-License-Identifier: MIT
#include "ResolveCommand.h"

#include "CommandContext.h"

#include <dist/JsonWriter.h>

namespace dist::cli {

void ResolveCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList& args, Done done)
{
    const QString reference = args.first();
    ctx.client().resolve(reference, [&ctx, reference, done](Result<Digest> r) {
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
    });
}

} // namespace dist::cli
