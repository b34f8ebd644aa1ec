// SPDX-License-Identifier: MIT
#include "BundleLifecycleCommands.h"

#include "BundleListCommand.h"
#include "CommandContext.h"
#include "ExitCode.h"
#include "VerificationOptions.h"

#include <client/BundleLifecycle.h>
#include <core/JsonWriter.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace dist::cli {

namespace {

void printReport(CommandContext& ctx, const VerificationReport& report)
{
    for (const VerificationCheck& c : report.checks) {
        ctx.print(QStringLiteral("  %1 %2  %3")
                      .arg(checkOutcomeName(c.outcome).leftJustified(7), c.name.leftJustified(28), c.detail));
    }
}

void writeStringList(JsonWriter& w, const QString& key, const QStringList& list)
{
    w.key(key).beginArray();
    for (const QString& s : list) {
        w.value(s);
    }
    w.endArray();
}

} // namespace

QList<QCommandLineOption> BundleStageCommand::options() const
{
    return VerificationOptions::options();
}

void BundleStageCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    auto verification = VerificationOptions::fromParser(parser);
    if (!verification) {
        done(ctx.fail(verification.error()));
        return;
    }
    // The policy's cosign keys hold the pull to a signature, as --verify-signature does (the client
    // is made here, first, with them).
    ctx.globals().signatureKeys += verification->policy.cosignKeys;
    auto lifecycle = std::make_shared<BundleLifecycle>(ctx.client());
    lifecycle->stage(args.first(), verification->policy, verification->advisory,
                     [&ctx, done, lifecycle](Result<StageResult> r) {
                         if (!r) {
                             done(ctx.fail(r.error()));
                             return;
                         }
                         if (ctx.globals().json) {
                             JsonWriter w;
                             w.beginObject()
                                 .field(QStringLiteral("bundle_id"), r->record.bundleId)
                                 .field(QStringLiteral("canonical_ref"), r->record.canonicalRef)
                                 .field(QStringLiteral("cache_key"), r->record.cacheKey.toString())
                                 .field(QStringLiteral("lifecycle_state"), bundleStateName(r->record.state))
                                 .field(QStringLiteral("state_unchanged"), r->stateUnchanged)
                                 .field(QStringLiteral("cache_path"), r->entry.localPath)
                                 .field(QStringLiteral("staged_at"), r->stagedAt);
                             w.key(QStringLiteral("verification_report"));
                             r->report.write(w);
                             w.endObject();
                             ctx.writeOut(w.toByteArray());
                         } else {
                             ctx.print(r->record.bundleId);
                             if (r->stateUnchanged) {
                                 ctx.printErr(QStringLiteral("note: bundle is %1; its state was left as it is")
                                                  .arg(bundleStateName(r->record.state)));
                             }
                             if (ctx.globals().verbose) {
                                 printReport(ctx, r->report);
                             }
                         }
                         done(ExitCode::Ok);
                     });
}

QList<QCommandLineOption> BundleWarmCommand::options() const
{
    return VerificationOptions::options()
        + QList<QCommandLineOption>{
            QCommandLineOption(QStringLiteral("dry-run"), QStringLiteral("Verify and summarise without opening.")),
            QCommandLineOption(QStringLiteral("smoke-test"), QStringLiteral("Ask the opener for a smoke test.")),
            QCommandLineOption(QStringLiteral("expected-operator-version"),
                               QStringLiteral("Check compatibility with this operator version."), QStringLiteral("V")),
        };
}

void BundleWarmCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    auto verification = VerificationOptions::fromParser(parser);
    if (!verification) {
        done(ctx.fail(verification.error()));
        return;
    }
    BundleLifecycle lifecycle(ctx.client());
    auto r = lifecycle.warm(
        args.first(), parser.isSet(QStringLiteral("dry-run")), parser.isSet(QStringLiteral("smoke-test")),
        parser.value(QStringLiteral("expected-operator-version")), verification->policy, verification->advisory);
    if (!r) {
        done(ctx.fail(r.error()));
        return;
    }
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginObject().field(QStringLiteral("bundle_id"), r->bundleId);
        w.key(QStringLiteral("verification_report"));
        r->report.write(w);
        const BundleManifestSummary& s = r->open.summary;
        w.key(QStringLiteral("bundle_manifest_summary"))
            .beginObject()
            .field(QStringLiteral("component_id"), s.componentId);
        w.key(QStringLiteral("abi_version")).optional(s.abiVersion.isEmpty() ? QString() : s.abiVersion);
        w.key(QStringLiteral("describe_artifact_ref"))
            .optional(s.describeArtifactRef.isEmpty() ? QString() : s.describeArtifactRef);
        w.field(QStringLiteral("artifact_type"), artifactTypeName(s.artifactType))
            .field(QStringLiteral("media_type"), s.mediaType)
            .field(QStringLiteral("size_bytes"), s.sizeBytes)
            .endObject();
        w.field(QStringLiteral("bundle_open_mode"), r->open.openMode);
        writeStringList(w, QStringLiteral("warnings"), r->warnings);
        writeStringList(w, QStringLiteral("errors"), r->errors);
        w.key(QStringLiteral("warm_audit_fields"))
            .beginObject()
            .field(QStringLiteral("warmed_at"), r->warmedAt)
            .field(QStringLiteral("smoke_test"), r->smokeTest)
            .field(QStringLiteral("dry_run"), r->dryRun)
            .field(QStringLiteral("reopened_from_cache"), true)
            .endObject();
        w.endObject();
        ctx.writeOut(w.toByteArray());
    } else {
        ctx.print(QStringLiteral("%1 warmed (%2)").arg(r->bundleId, r->open.openMode));
        for (const QString& warning : std::as_const(r->warnings)) {
            ctx.printErr(QStringLiteral("warning: %1").arg(warning));
        }
        if (ctx.globals().verbose) {
            printReport(ctx, r->report);
        }
    }
    done(ExitCode::Ok);
}

QList<QCommandLineOption> BundleRollbackCommand::options() const
{
    return VerificationOptions::options()
        + QList<QCommandLineOption>{QCommandLineOption(
            QStringLiteral("expected-cache-key"),
            QStringLiteral("Refuse unless the bundle's cache key is this digest."), QStringLiteral("DIGEST"))};
}

void BundleRollbackCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args,
                                Done done)
{
    auto verification = VerificationOptions::fromParser(parser);
    if (!verification) {
        done(ctx.fail(verification.error()));
        return;
    }
    BundleLifecycle lifecycle(ctx.client());
    auto r = lifecycle.rollback(args.first(), parser.value(QStringLiteral("expected-cache-key")), verification->policy,
                                verification->advisory);
    if (!r) {
        done(ctx.fail(r.error()));
        return;
    }
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginObject()
            .field(QStringLiteral("bundle_id"), r->bundleId)
            .field(QStringLiteral("reopened_from_cache"), true)
            .key(QStringLiteral("cache_entry"))
            .value(QJsonDocument::fromJson(r->entry.toJson()).object());
        w.key(QStringLiteral("verification_report"));
        r->report.write(w);
        w.key(QStringLiteral("rollback_audit_fields"))
            .beginObject()
            .field(QStringLiteral("rolled_back_at"), r->rolledBackAt)
            .field(QStringLiteral("reopened_from_cache"), true);
        w.key(QStringLiteral("expected_cache_key"))
            .optional(r->expectedCacheKey.isEmpty() ? QString() : r->expectedCacheKey);
        w.endObject().endObject();
        ctx.writeOut(w.toByteArray());
    } else {
        ctx.print(r->entry.localPath);
        if (ctx.globals().verbose) {
            printReport(ctx, r->report);
        }
    }
    done(ExitCode::Ok);
}

} // namespace dist::cli
