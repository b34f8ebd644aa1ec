// SPDX-License-Identifier: MIT
#include "ExtractCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <core/JsonWriter.h>
#include <extract/TarExtractor.h>

#include <QDir>

namespace dist::cli {

QList<QCommandLineOption> ExtractCommand::options() const
{
    return {QCommandLineOption(QStringLiteral("to"), QStringLiteral("Directory to create (must not exist)."),
                               QStringLiteral("DIR"))};
}

void ExtractCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    const QString to = parser.value(QStringLiteral("to"));
    if (to.isEmpty()) {
        done(ctx.fail(Error{ErrorCode::InvalidInput, QStringLiteral("extract needs --to DIR")}));
        return;
    }
    const QString destination = QDir::current().absoluteFilePath(to);
    ctx.client().pull(args.first(), Digest(), [&ctx, destination, done](Result<PullResult> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        const auto report
            = TarExtractor::extractFile(r->entry.localPath, destination, ExtractLimits::fromEnvironment());
        if (!report) {
            done(ctx.fail(Error{report.code(), QStringLiteral("%1: %2").arg(r->reference, report.message())}));
            return;
        }
        if (ctx.globals().json) {
            JsonWriter w;
            w.beginObject()
                .field(QStringLiteral("reference"), r->reference)
                .field(QStringLiteral("digest"), r->entry.digest.toString())
                .field(QStringLiteral("destination"), destination)
                .field(QStringLiteral("files"), report->files)
                .field(QStringLiteral("directories"), report->directories)
                .field(QStringLiteral("symlinks"), report->symlinks)
                .field(QStringLiteral("bytes"), report->bytes)
                .endObject();
            ctx.writeOut(w.toByteArray());
        } else {
            ctx.print(QStringLiteral("extracted %1 files, %2 directories, %3 symlinks (%4 bytes) into %5")
                          .arg(report->files)
                          .arg(report->directories)
                          .arg(report->symlinks)
                          .arg(report->bytes)
                          .arg(destination));
        }
        done(ExitCode::Ok);
    });
}

} // namespace dist::cli
