// SPDX-License-Identifier: MIT
#pragma once

#include "PullSource.h"
#include <cache/CacheEntry.h>
#include <core/Result.h>

#include <QList>
#include <QObject>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <optional>

namespace dist {

class Cache;
class IngestFile;

// The one way bytes become a cache entry: an ingest is committed under its digest's writer lock,
// a broken entry in the way is replaced, and the cache cap is enforced before the pull reports.
// The cap check (a directory scan and, over the cap, an eviction under the cache lock) runs on a
// pool thread, one check at a time, so the caller's event loop never waits for it.
class CacheCommitter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheCommitter)

public:
    CacheCommitter(Cache& cache, qint64 maxBytes, QObject* parent = nullptr);
    ~CacheCommitter() override;

    // A cached entry is reused only when it is sound; one that `cache verify` marked Corrupt (or whose
    // blob vanished) is fetched again rather than served.
    static Result<CacheEntry> reusable(Result<CacheEntry> entry);
    // Clears whatever broken entry occupies a digest before a fresh copy is committed. Callers hold
    // the digest's lock.
    static void clearBroken(Cache& cache, const Digest& digest);

    // The sound cached entry for `digest`, opened (the access recorded), or nullopt when there is none.
    std::optional<Result<CacheEntry>> hit(const Digest& digest);

    // Commits a finished ingest of content not known in advance: checks it against `pin`, serves an
    // entry that appeared meanwhile, else commits under the digest's lock.
    void commit(const QString& raw, std::shared_ptr<IngestFile> ingest, const CacheEntry& entry, const Digest& pin,
                PullDone done);
    // Bytes already in memory (a pack document), committed as `commit` does.
    void commitBytes(const QString& raw, const QByteArray& content, const CacheEntry& entry, PullDone done);
    // For a caller that holds the digest's lock and has cleared the way: finishes the ingest if it
    // is not yet (its digest must then be the entry's), commits, then enforces the cap. The durable
    // part (fsync of the blob, entry.json and both directories) runs on the committer's own pool,
    // several at once: a lockfile of small components is bound by fsyncs, and the file system
    // groups concurrent ones into one journal commit. `keepAlive` owns the ingest until then.
    void commitLocked(IngestFile& ingest, const CacheEntry& entry, std::function<void(Result<CacheEntry>)> done,
                      std::shared_ptr<void> keepAlive = {});
    // Other durable cache writes (manifest index, kept manifests) on the same pool, so their fsyncs
    // never hold the event loop; `work` gets its own Cache on the same root. `done` runs on this
    // object's thread.
    void writeInBackground(std::function<Result<void>(Cache&)> work, std::function<void(Result<void>)> done);

private:
    struct CapCheck
    {
        Digest written;
        std::function<void(Result<void>)> done;
    };
    void enforceCap(const Digest& written, std::function<void(Result<void>)> done);
    void startNextCapCheck();

    Cache& m_cache;
    qint64 m_maxBytes;
    // Blob bytes as last measured plus this client's writes since, so most checks need no scan.
    std::optional<qint64> m_cacheBytes;
    qint64 m_bytesDuringCheck = 0; // written while a check ran with an older total
    bool m_checking = false;
    QList<CapCheck> m_capChecks;
    QThreadPool m_commits; // last: destroyed first, waiting for the commits in flight
};

} // namespace dist
