// SPDX-License-Identifier: MIT
#include "RetentionCommands.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "ProgressPrinter.h"

#include <cache/Cache.h>
#include <retention/RetentionRun.h>

#include <QDateTime>

namespace dist::cli {

QList<QCommandLineOption> RetentionPlanCommand::options() const
{
    return {
        QCommandLineOption(QStringLiteral("max-bytes"), QStringLiteral("Cache budget in bytes (0: none)."),
                           QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("max-age"), QStringLiteral("Evict entries unused for longer than this."),
                           QStringLiteral("SECONDS")),
        QCommandLineOption(QStringLiteral("rollback-depth"),
                           QStringLiteral("Keep this many newest bundles for rollback."), QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("active"), QStringLiteral("A bundle id that is active (repeatable)."),
                           QStringLiteral("ID")),
        QCommandLineOption(QStringLiteral("session"), QStringLiteral("A bundle id a live session uses (repeatable)."),
                           QStringLiteral("ID")),
    };
}

Result<RetentionLimits> RetentionPlanCommand::buildLimits(const QCommandLineParser& parser)
{
    RetentionLimits limits;
    auto number = [&](const QString& name, qint64* out) -> Result<void> {
        if (!parser.isSet(name)) {
            return {};
        }
        bool ok = false;
        const qint64 v = parser.value(name).toLongLong(&ok);
        if (!ok || v < 0) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("invalid input: --%1 must be a non-negative integer").arg(name));
        }
        *out = v;
        return {};
    };
    qint64 maxAge = -1;
    qint64 depth = 0;
    for (auto r : {number(QStringLiteral("max-bytes"), &limits.maxBytes), number(QStringLiteral("max-age"), &maxAge),
                   number(QStringLiteral("rollback-depth"), &depth)}) {
        if (!r) {
            return r.error();
        }
    }
    if (maxAge >= 0) {
        limits.maxAgeSeconds = maxAge;
    }
    limits.rollbackDepth = static_cast<int>(std::min<qint64>(depth, 1 << 20));
    limits.activeBundleIds = parser.values(QStringLiteral("active"));
    limits.sessionBundleIds = parser.values(QStringLiteral("session"));
    return limits;
}

void RetentionPlanCommand::printProblems(CommandContext& ctx, const QStringList& problems)
{
    for (const QString& p : problems) {
        ctx.printErr(QStringLiteral("warning: %1 (run `greentic-dist cache gc`)").arg(p));
    }
}

void RetentionPlanCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList&, Done done)
{
    auto limits = buildLimits(parser);
    if (!limits) {
        done(ctx.fail(limits.error()));
        return;
    }
    QStringList problems;
    auto input = Retention::gather(ctx.cache(), limits.value(), &problems);
    printProblems(ctx, problems);
    if (!input) {
        done(ctx.fail(input.error()));
        return;
    }
    const RetentionOutcome outcome = Retention::evaluate(input.value());
    if (ctx.globals().json) {
        ctx.writeOut(outcome.toJson());
        done(ExitCode::Ok);
        return;
    }
    QByteArray out;
    for (const RetentionDecision& d : outcome.decisions) {
        out += QStringLiteral("%1  %2  %3  %4\n")
                   .arg(retentionDecisionName(d.decision).leftJustified(7), d.cacheKey.toString().left(19),
                        ProgressPrinter::humanBytes(d.sizeBytes).rightJustified(10), d.reasonCode)
                   .toUtf8();
    }
    qint64 evictBytes = 0;
    for (const RetentionDecision& d : outcome.decisions) {
        evictBytes += d.decision == RetentionDecisionKind::Evict ? d.sizeBytes : 0;
    }
    out += QStringLiteral("%1 scanned: %2 keep, %3 evict (%4), %5 protect\n")
               .arg(outcome.report.scannedEntries)
               .arg(outcome.report.kept)
               .arg(outcome.report.evicted)
               .arg(ProgressPrinter::humanBytes(evictBytes))
               .arg(outcome.report.protectedEntries)
               .toUtf8();
    ctx.writeOut(out);
    done(ExitCode::Ok);
}

void RetentionApplyCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList&, Done done)
{
    auto limits = buildLimits(parser);
    if (!limits) {
        done(ctx.fail(limits.error()));
        return;
    }
    RetentionRun::start(
        ctx.cache().root(), limits.value(), ctx.eventContext(), [&ctx, done](Result<RetentionApplied> applied) {
            if (!applied) {
                done(ctx.fail(applied.error()));
                return;
            }
            printProblems(ctx, applied->problems);
            const RetentionReport& report = applied->report;
            if (ctx.globals().json) {
                ctx.writeOut(report.toJson());
            } else {
                ctx.print(QStringLiteral("evicted %1 entries, reclaimed %2 bytes; kept %3, protected %4")
                              .arg(report.evicted)
                              .arg(report.bytesReclaimed)
                              .arg(report.kept)
                              .arg(report.protectedEntries));
                for (const QString& r : report.refusals) {
                    ctx.printErr(QStringLiteral("not removed: %1").arg(r));
                }
            }
            done(ExitCode::Ok);
        });
}

} // namespace dist::cli
