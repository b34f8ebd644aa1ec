// SPDX-License-Identifier: MIT
#include "CacheCommitter.h"

#include <cache/Cache.h>
#include <cache/IngestFile.h>
#include <core/Background.h>
#include <core/LockWaiter.h>
#include <core/Logging.h>
#include <retention/Retention.h>

#include <QLockFile>
#include <QPointer>

namespace dist {

namespace {

struct CapOutcome
{
    Result<RetentionReport> report;
    std::optional<qint64> total;
};

} // namespace

CacheCommitter::CacheCommitter(Cache& cache, qint64 maxBytes, QObject* parent)
    : QObject(parent)
    , m_cache(cache)
    , m_maxBytes(maxBytes)
{
    // Waiting on the device, not computing: more than the cores. Measured with bench/lockfile-wan
    // (200 components): 8 commits at once end where one fsync after another took 3 s.
    m_commits.setMaxThreadCount(8);
    m_commits.setObjectName(QStringLiteral("dist-commits"));
}

CacheCommitter::~CacheCommitter() = default;

Result<CacheEntry> CacheCommitter::reusable(Result<CacheEntry> entry)
{
    if (entry && entry->state == EntryState::Corrupt) {
        return makeError(
            ErrorCode::Integrity,
            QStringLiteral("corrupt artifact `%1`: marked corrupt by cache verify").arg(entry->digest.toString()));
    }
    return entry;
}

void CacheCommitter::clearBroken(Cache& cache, const Digest& digest)
{
    auto existing = cache.stat(digest);
    if ((existing && existing->state == EntryState::Corrupt) || (!existing && existing.code() != ErrorCode::NotFound)) {
        qCWarning(lcCache).noquote() << "replacing broken cache entry" << digest.toString();
        (void)cache.remove(digest);
    }
}

std::optional<Result<CacheEntry>> CacheCommitter::hit(const Digest& digest)
{
    auto found = reusable(m_cache.lookup(digest));
    if (!found) {
        return std::nullopt;
    }
    auto opened = m_cache.open(found->digest);
    if (!opened) {
        return std::nullopt; // removed or damaged since the lookup: a miss, fetched again
    }
    return opened;
}

void CacheCommitter::commit(const QString& raw, std::shared_ptr<IngestFile> ingest, const CacheEntry& entry,
                            const Digest& pin, PullDone done)
{
    const Digest digest = entry.digest;
    auto deliver = [this](auto f) { QTimer::singleShot(0, this, std::move(f)); };
    if (!pin.isNull() && pin != digest) {
        ingest->discard();
        deliver([done, raw, pin, digest] {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("corrupt artifact `%1`: lock digest %2 did not match the content digest %3")
                               .arg(raw, pin.toString(), digest.toString())));
        });
        return;
    }
    if (auto hit = reusable(m_cache.open(digest))) {
        ingest->discard();
        deliver([done, hit, raw, digest] { done(PullResult{raw, digest, hit.value(), false}); });
        return;
    }
    LockWaiter::acquire(m_cache.lockPath(digest), this,
                        [this, raw, ingest, entry, digest, done](Result<std::shared_ptr<QLockFile>> lock) {
                            if (!lock) {
                                ingest->discard();
                                done(lock.error());
                                return;
                            }
                            clearBroken(m_cache, digest);
                            commitLocked(*ingest, entry,
                                         [raw, ingest, digest, done, lock = lock.value()](Result<CacheEntry> c) {
                                             lock->unlock();
                                             if (!c) {
                                                 ingest->discard();
                                                 done(c.error());
                                                 return;
                                             }
                                             done(PullResult{raw, digest, c.value(), true});
                                         });
                        });
}

void CacheCommitter::commitBytes(const QString& raw, const QByteArray& content, const CacheEntry& entry, PullDone done)
{
    auto failed = [this, done](const Error& e) { QTimer::singleShot(0, this, [done, e] { done(e); }); };
    auto ingest = IngestFile::openTemporary(m_cache.ingestDir());
    if (!ingest) {
        failed(ingest.error());
        return;
    }
    std::shared_ptr<IngestFile> sink(std::move(ingest).value());
    if (auto w = sink->write(content); !w) {
        sink->discard();
        failed(w.error());
        return;
    }
    auto digest = sink->finish();
    if (!digest) {
        sink->discard();
        failed(digest.error());
        return;
    }
    CacheEntry e = entry;
    e.digest = digest.value();
    e.sizeBytes = sink->size();
    commit(raw, sink, e, Digest(), std::move(done));
}

void CacheCommitter::commitLocked(IngestFile& ingest, const CacheEntry& entry,
                                  std::function<void(Result<CacheEntry>)> done, std::shared_ptr<void> keepAlive)
{
    runInBackground<Result<CacheEntry>>(
        this,
        [root = m_cache.root(), ingest = &ingest, entry, keepAlive]() -> Result<CacheEntry> {
            if (!ingest->finished()) {
                auto actual = ingest->finish();
                if (!actual) {
                    return actual.error();
                }
                if (actual.value() != entry.digest) {
                    ingest->discard();
                    return makeError(ErrorCode::Integrity,
                                     QStringLiteral("corrupt artifact `%1`: fetched digest %2 did not match the "
                                                    "layer digest %3")
                                         .arg(entry.rawRef, actual->toString(), entry.digest.toString()));
                }
            }
            Cache cache(root);
            return cache.commit(*ingest, entry);
        },
        [this, done = std::move(done)](Result<CacheEntry> committed) {
            if (!committed) {
                done(committed.error());
                return;
            }
            if (m_cacheBytes) {
                *m_cacheBytes += committed->sizeBytes;
            }
            if (m_checking) {
                m_bytesDuringCheck += committed->sizeBytes;
            }
            enforceCap(committed->digest, [done, committed = committed.value()](Result<void> cap) {
                cap ? done(committed) : done(cap.error());
            });
        },
        &m_commits);
}

void CacheCommitter::writeInBackground(std::function<Result<void>(Cache&)> work, std::function<void(Result<void>)> done)
{
    runInBackground<Result<void>>(
        this,
        [root = m_cache.root(), work = std::move(work)] {
            Cache cache(root);
            return work(cache);
        },
        std::move(done), &m_commits);
}

void CacheCommitter::enforceCap(const Digest& written, std::function<void(Result<void>)> done)
{
    m_capChecks.append(CapCheck{written, std::move(done)});
    if (!m_checking) {
        startNextCapCheck();
    }
}

void CacheCommitter::startNextCapCheck()
{
    if (m_capChecks.isEmpty()) {
        return;
    }
    CapCheck check = m_capChecks.takeFirst();
    m_checking = true;
    m_bytesDuringCheck = 0;
    runInBackground<CapOutcome>(
        this,
        [root = m_cache.root(), written = check.written, max = m_maxBytes, total = m_cacheBytes]() mutable {
            Cache cache(root);
            auto report = Retention::enforceCap(cache, written, max, &total);
            return CapOutcome{std::move(report), total};
        },
        [this, done = std::move(check.done)](CapOutcome outcome) {
            m_checking = false;
            if (outcome.total) {
                *outcome.total += m_bytesDuringCheck;
            }
            m_cacheBytes = outcome.total;
            if (outcome.report && outcome.report->evicted > 0) {
                qCInfo(lcCache).noquote() << "cache over its cap: evicted" << outcome.report->evicted << "entries,"
                                          << outcome.report->bytesReclaimed << "bytes";
            }
            // The writer hears first, then the next check may evict: what it was handed still exists
            // when it is handed over. (`done` may start a check itself, or destroy the client.)
            QPointer<CacheCommitter> self(this);
            outcome.report ? done({}) : done(outcome.report.error());
            if (self && !m_checking) {
                startNextCapCheck();
            }
        });
}

} // namespace dist
