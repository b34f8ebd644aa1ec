// SPDX-License-Identifier: MIT
#include "BundleLifecycle.h"

#include "DistClient.h"
#include <bundles/BundleStore.h>

#include <QDateTime>
#include <QFileInfo>
#include <QRegularExpression>

namespace dist {

namespace {

QString componentIdFor(const CacheEntry& e)
{
    for (const char* key : {"component_id", "componentId", "canonical_component_id"}) {
        if (const QString v = e.annotations.value(QLatin1String(key)); !v.isEmpty()) {
            return v;
        }
    }
    QString ref = e.canonicalRef;
    if (ref.startsWith(QLatin1String("oci://"))) {
        return ref.mid(6).section(u'@', 0, 0);
    }
    if (ref.startsWith(QLatin1String("file://")) || ref.startsWith(QLatin1String("http"))) {
        static const QRegularExpression versionSuffix(QStringLiteral("__[0-9_]+$"));
        QString stem = QFileInfo(ref.section(u'@', 0, 0)).completeBaseName();
        stem.remove(versionSuffix);
        return stem.isEmpty() ? QStringLiteral("file-component") : stem;
    }
    return e.digest.toString();
}

} // namespace

Result<ArtifactOpenOutput> DefaultArtifactOpener::open(const CacheEntry& entry, const ArtifactOpenRequest& request)
{
    ArtifactOpenOutput out;
    out.summary.componentId = componentIdFor(entry);
    out.summary.abiVersion = entry.annotations.value(QStringLiteral("abi_version"));
    out.summary.describeArtifactRef = entry.annotations.value(QStringLiteral("describe_artifact_ref"));
    out.summary.artifactType = entry.artifactType;
    out.summary.mediaType = entry.mediaType;
    out.summary.sizeBytes = entry.sizeBytes;
    out.openMode = request.dryRun ? QStringLiteral("CacheReuse") : QStringLiteral("Userspace");
    if (request.smokeTest) {
        out.warnings.append(QStringLiteral("smoke test requested but no bundle runtime opener is configured"));
    }
    return out;
}

BundleLifecycle::BundleLifecycle(DistClient& client, ArtifactOpener* opener)
    : m_client(client)
    , m_opener(opener ? opener : &m_defaultOpener)
{
}

void BundleLifecycle::stage(const QString& reference, const VerificationPolicy& policy,
                            const std::optional<AdvisorySet>& advisory, std::function<void(Result<StageResult>)> done)
{
    m_client.pull(reference, Digest(), [this, policy, advisory, done](Result<PullResult> pulled) {
        if (!pulled) {
            done(pulled.error());
            return;
        }
        Cache& cache = m_client.cache();
        StageResult result;
        result.report = Verifier::verify(cache, pulled->entry, policy, advisory ? &*advisory : nullptr);
        if (!result.report.passed) {
            done(result.report.toError());
            return;
        }
        result.entry = cache.stat(pulled->entry.digest).valueOr(pulled->entry);
        BundleRecord fresh{BundleId::forDigest(pulled->entry.digest),
                           pulled->entry.digest,
                           pulled->entry.canonicalRef,
                           pulled->entry.sourceKind,
                           pulled->entry.fetchedAt,
                           BundleState::Staged};
        BundleStore store(cache.root());
        auto record = store.stage(fresh, &result.stateUnchanged);
        if (!record) {
            done(record.error());
            return;
        }
        result.record = record.value();
        result.stagedAt = QDateTime::currentSecsSinceEpoch();
        done(std::move(result));
    });
}

Result<WarmResult> BundleLifecycle::warm(const QString& bundleId, bool dryRun, bool smokeTest,
                                         const QString& expectedOperatorVersion, const VerificationPolicy& policy,
                                         const std::optional<AdvisorySet>& advisory)
{
    auto digest = BundleId::parse(bundleId);
    if (!digest) {
        return digest.error();
    }
    Cache& cache = m_client.cache();
    auto entry = cache.open(digest.value());
    if (!entry) {
        return entry.error();
    }
    CacheEntry checked = entry.value();
    if (!expectedOperatorVersion.isEmpty()) {
        checked.annotations.insert(QStringLiteral("operator_version"), expectedOperatorVersion);
    }
    WarmResult result;
    result.bundleId = bundleId;
    result.dryRun = dryRun;
    result.smokeTest = smokeTest;
    result.report = Verifier::verify(cache, checked, policy, advisory ? &*advisory : nullptr);
    if (!result.report.passed) {
        return result.report.toError();
    }
    auto opened = m_opener->open(checked, ArtifactOpenRequest{bundleId, dryRun, smokeTest});
    if (!opened) {
        return opened.error();
    }
    result.open = opened.value();
    result.warnings = result.report.warnings + result.open.warnings;
    result.errors = result.report.errors;
    result.warmedAt = QDateTime::currentSecsSinceEpoch();
    return result;
}

Result<RollbackResult> BundleLifecycle::rollback(const QString& bundleId, const QString& expectedCacheKey,
                                                 const VerificationPolicy& policy,
                                                 const std::optional<AdvisorySet>& advisory)
{
    Cache& cache = m_client.cache();
    BundleStore store(cache.root());
    Digest digest;
    auto record = store.stat(bundleId);
    if (record) {
        digest = record->cacheKey;
    } else if (record.code() == ErrorCode::NotFound) {
        auto parsed = BundleId::parse(bundleId);
        if (!parsed) {
            return parsed.error();
        }
        digest = parsed.value();
    } else {
        return record.error();
    }
    if (!expectedCacheKey.isEmpty() && expectedCacheKey != digest.toString()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid reference `%1`: expected cache key %2 but the bundle is %3")
                             .arg(bundleId, expectedCacheKey, digest.toString()));
    }
    auto entry = cache.open(digest);
    if (!entry) {
        return entry.error();
    }
    RollbackResult result;
    result.bundleId = bundleId;
    result.expectedCacheKey = expectedCacheKey;
    result.report = Verifier::verify(cache, entry.value(), policy, advisory ? &*advisory : nullptr);
    if (!result.report.passed) {
        return result.report.toError();
    }
    result.entry = cache.stat(digest).valueOr(entry.value());
    result.rolledBackAt = QDateTime::currentSecsSinceEpoch();
    return result;
}

} // namespace dist
