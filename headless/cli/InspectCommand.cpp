// SPDX-License-Identifier: MIT
#include "InspectCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <QFile>
#include <QFileInfo>

namespace dist::cli {

QList<QCommandLineOption> InspectCommand::options() const
{
    return {QCommandLineOption(QStringLiteral("show-media-type"),
                               QStringLiteral("Also print the selected layer media type."))};
}

void InspectCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    const bool showMediaType = parser.isSet(QStringLiteral("show-media-type"));
    ctx.client().pull(args.first(), Digest(), [&ctx, showMediaType, done](Result<PullResult> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        const CacheEntry& e = r->entry;
        ctx.print(QStringLiteral("cache dir: %1").arg(QFileInfo(e.localPath).absolutePath()));
        ctx.print(QStringLiteral("artifact type: %1").arg(artifactTypeName(e.artifactType)));
        if (e.artifactType == ArtifactType::Component) {
            QFile blob(e.localPath);
            const bool isWasm = blob.open(QIODevice::ReadOnly) && blob.read(4) == QByteArray("\0asm", 4);
            const bool isManifest = e.mediaType.contains(QLatin1String("manifest"));
            ctx.print(
                QStringLiteral("component.wasm: %1").arg(isWasm ? QStringLiteral("true") : QStringLiteral("false")));
            ctx.print(QStringLiteral("component.manifest.json: %1")
                          .arg(isManifest ? QStringLiteral("true") : QStringLiteral("false")));
        } else {
            ctx.print(QStringLiteral("artifact path: %1").arg(e.localPath));
            ctx.print(QStringLiteral("artifact exists: %1")
                          .arg(QFileInfo::exists(e.localPath) ? QStringLiteral("true") : QStringLiteral("false")));
        }
        if (showMediaType) {
            ctx.print(QStringLiteral("selected media type: %1").arg(e.mediaType));
        }
        done(ExitCode::Ok);
    });
}

} // namespace dist::cli
