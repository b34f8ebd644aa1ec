// SPDX-License-Identifier: MIT
#include "BundleListCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <bundles/BundleStore.h>
#include <core/JsonWriter.h>

namespace dist::cli {

void BundleListCommand::writeRecord(JsonWriter& w, const BundleRecord& r)
{
    w.beginObject()
        .field(QStringLiteral("bundle_id"), r.bundleId)
        .field(QStringLiteral("cache_key"), r.cacheKey.toString())
        .field(QStringLiteral("canonical_ref"), r.canonicalRef)
        .field(QStringLiteral("source_kind"), r.sourceKind)
        .field(QStringLiteral("fetched_at"), r.fetchedAt)
        .field(QStringLiteral("lifecycle_state"), bundleStateName(r.state))
        .endObject();
}

void BundleListCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList&, Done done)
{
    auto records = BundleStore(ctx.cache().root()).list();
    if (!records) {
        done(ctx.fail(records.error()));
        return;
    }
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginArray();
        for (const BundleRecord& r : records.value()) {
            writeRecord(w, r);
        }
        w.endArray();
        ctx.writeOut(w.toByteArray());
    } else {
        for (const BundleRecord& r : records.value()) {
            ctx.print(QStringLiteral("%1  %2  %3")
                          .arg(r.bundleId, bundleStateName(r.state).leftJustified(8), r.canonicalRef));
        }
    }
    done(ExitCode::Ok);
}

} // namespace dist::cli
