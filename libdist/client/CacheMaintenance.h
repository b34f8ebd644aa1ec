// SPDX-License-Identifier: MIT
#pragma once

#include <functional>

#include <cache/Cache.h>
#include <cache/EvictStep.h>
#include <core/Digest.h>
#include <core/Result.h>

#include <QList>
#include <QStringList>

namespace dist {

struct VerifyOutcome
{
    Digest digest;
    bool ok = false;
    QString detail;
};

struct GcReport
{
    QStringList removed; // digests of broken entries that were removed, sorted
    int staleFiles = 0; // leftovers in ingest/, the manifest and tag indexes and the kept manifests
    qint64 bytesReclaimed = 0;
};

// The counts of the Rust RetentionReport, for `cache rm`.
struct EvictReport
{
    int scanned = 0;
    int kept = 0;
    int evicted = 0;
    int protectedCount = 0;
    qint64 bytesReclaimed = 0;
    QStringList refusals; // what could not be removed, and why
    bool cancelled = false; // the progress callback stopped it; the entries after it were not touched
};

// Operator maintenance of the cache: re-hash, evict, collect garbage. Synchronous; callers that
// must stay responsive run it off their UI thread.
class CacheMaintenance
{
public:
    explicit CacheMaintenance(Cache& cache);

    // Re-hashes blobs (all entries when `digests` is empty). A corrupt entry is marked Corrupt in its
    // entry.json (so retention evicts it first); a sound one gets last_verified_at. Entries are
    // checked on several threads; the outcomes come back in the order of `digests`.
    QList<VerifyOutcome> verify(const QList<Digest>& digests);
    // Removes the named entries (content or manifest digests) and their bundle records. Entries of
    // staged, warming, ready or draining bundles are refused unless `force`; entries another process
    // is writing are refused, not waited for.
    Result<EvictReport> evict(const QStringList& digests, bool force = false, const EvictProgress& progress = {});
    // Removes broken entries, stale partial downloads, leftover staging directories, free lock files
    // and dangling manifest and pack index records. Fails fast if another GC holds the cache lock.
    Result<GcReport> collectGarbage(qint64 staleAgeSeconds = 24 * 3600);

    // A kept manifest or config younger than this is never collected (see sweepOciMetadata).
    static constexpr qint64 kMetadataGraceSecs = 3600;

private:
    VerifyOutcome verifyOne(const Digest& digest);
    int sweepOciMetadata();

    Cache& m_cache;
};

} // namespace dist
