// SPDX-License-Identifier: MIT
#include "PackCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <core/JsonWriter.h>
#include <ref/OciReference.h>

namespace dist::cli {

QList<QCommandLineOption> PackCommand::options() const
{
    return {QCommandLineOption(QStringLiteral("allow-tags"),
                               QStringLiteral("Accept a tag instead of a digest (the result is not reproducible)."))};
}

void PackCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    const QString raw = args.first();
    const QString bare = raw.startsWith(QLatin1String("oci://")) ? raw.mid(6) : raw;
    const auto ref = OciReference::parse(bare);
    if (!ref) {
        done(ctx.fail(Error{ErrorCode::InvalidInput,
                            QStringLiteral("oci pack error: invalid OCI reference `%1`: %2").arg(raw, ref.message())}));
        return;
    }
    if (!ref->isDigestPinned() && !parser.isSet(QStringLiteral("allow-tags"))) {
        done(ctx.fail(Error{ErrorCode::InvalidInput,
                            QStringLiteral("oci pack error: tagged reference `%1` is disallowed (rerun with "
                                           "--allow-tags, or pin it: `greentic-dist resolve %1`)")
                                .arg(raw)}));
        return;
    }
    const bool json = ctx.globals().json;
    ctx.client().pullOciPack(QStringLiteral("oci://") + bare, [&ctx, raw, json, done](Result<PullResult> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        // An octet-stream blob that `pull` cached first is recorded as a component; through `pack`
        // it is a pack, as upstream decides.
        if (r->entry.artifactType == ArtifactType::Component && r->entry.mediaType != u"application/octet-stream") {
            done(ctx.fail(Error{
                ErrorCode::InvalidInput,
                QStringLiteral("oci pack error: `%1` is a component (%2), not a pack").arg(raw, r->entry.mediaType)}));
            return;
        }
        if (json) {
            JsonWriter w;
            w.beginObject()
                .field(QStringLiteral("reference"), raw)
                .field(QStringLiteral("digest"), r->digest.toString())
                .field(QStringLiteral("media_type"), r->entry.mediaType)
                .field(QStringLiteral("cache_path"), r->entry.localPath)
                .field(QStringLiteral("fetched"), r->fetched)
                .endObject();
            ctx.writeOut(w.toByteArray());
        } else {
            ctx.print(r->entry.localPath);
        }
        done(ExitCode::Ok);
    });
}

} // namespace dist::cli
