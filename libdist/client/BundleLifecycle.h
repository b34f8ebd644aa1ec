// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>
#include <core/Result.h>
#include <trust/Verification.h>

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace dist {

class DistClient;

struct ArtifactOpenRequest
{
    QString bundleId;
    bool dryRun = false;
    bool smokeTest = false;
};

struct BundleManifestSummary
{
    QString componentId;
    QString abiVersion;
    QString describeArtifactRef;
    ArtifactType artifactType = ArtifactType::Component;
    QString mediaType;
    qint64 sizeBytes = 0;
};

struct ArtifactOpenOutput
{
    BundleManifestSummary summary;
    QString openMode; // CacheReuse | Userspace | Mount
    QStringList warnings;
};

// Hands a verified, cached artifact to whatever runs it. The library is format-neutral: the crate
// (here, the component) that owns the artifact format supplies the real opener.
class ArtifactOpener
{
public:
    virtual ~ArtifactOpener() = default;
    virtual Result<ArtifactOpenOutput> open(const CacheEntry& entry, const ArtifactOpenRequest& request) = 0;
};

// Summarises from the cache entry; CacheReuse for a dry run, Userspace otherwise.
class DefaultArtifactOpener final : public ArtifactOpener
{
public:
    Result<ArtifactOpenOutput> open(const CacheEntry& entry, const ArtifactOpenRequest& request) override;
};

struct StageResult
{
    BundleRecord record;
    CacheEntry entry;
    VerificationReport report;
    bool stateUnchanged = false; // an existing Warming/Ready/Draining/Archived record was kept
    qint64 stagedAt = 0;
};

struct WarmResult
{
    QString bundleId;
    VerificationReport report;
    ArtifactOpenOutput open;
    QStringList warnings;
    QStringList errors;
    qint64 warmedAt = 0;
    bool dryRun = false;
    bool smokeTest = false;
};

struct RollbackResult
{
    QString bundleId;
    CacheEntry entry;
    VerificationReport report;
    qint64 rolledBackAt = 0;
    QString expectedCacheKey;
};

// stage (resolve, fetch, verify, record), warm and rollback (reopen from the cache and verify again,
// never touching the network).
class BundleLifecycle
{
public:
    BundleLifecycle(DistClient& client, ArtifactOpener* opener = nullptr);

    void stage(const QString& reference, const VerificationPolicy& policy, const std::optional<AdvisorySet>& advisory,
               std::function<void(Result<StageResult>)> done);
    Result<WarmResult> warm(const QString& bundleId, bool dryRun, bool smokeTest,
                            const QString& expectedOperatorVersion, const VerificationPolicy& policy,
                            const std::optional<AdvisorySet>& advisory);
    Result<RollbackResult> rollback(const QString& bundleId, const QString& expectedCacheKey,
                                    const VerificationPolicy& policy, const std::optional<AdvisorySet>& advisory);

private:
    DistClient& m_client;
    ArtifactOpener* m_opener;
    DefaultArtifactOpener m_defaultOpener;
};

} // namespace dist
