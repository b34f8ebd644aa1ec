// SPDX-License-Identifier: MIT
#include "BlobFetches.h"

#include <cache/Cache.h>
#include <cache/IngestFile.h>
#include <core/LockWaiter.h>
#include <core/Logging.h>
#include <net/HttpExchange.h>
#include <pull/CacheCommitter.h>

#include <QLockFile>

namespace dist {

struct BlobFetches::Job
{
    QString raw;
    QString sourceKind;
    OciResolution res;
    std::shared_ptr<QLockFile> lock;
    std::unique_ptr<IngestFile> ingest;
    QList<Complete> waiters;
    bool streamed = false; // holds one of the kMaxStreamedDownloads turns
};

BlobFetches::BlobFetches(Cache& cache, CacheCommitter& committer, OciClient& oci, QObject* parent)
    : QObject(parent)
    , m_cache(cache)
    , m_committer(committer)
    , m_oci(oci)
{
}

BlobFetches::~BlobFetches() = default;

void BlobFetches::fetch(const QString& raw, const QString& sourceKind, const OciResolution& resolution,
                        Complete complete)
{
    const Digest content = resolution.choice.layer.digest;
    auto hit = CacheCommitter::reusable(m_cache.open(content));
    if (hit) {
        complete(hit, false);
        return;
    }
    auto& job = m_jobs[content];
    const bool first = !job;
    if (first) {
        job = std::make_shared<Job>();
        job->raw = raw;
        job->sourceKind = sourceKind;
        job->res = resolution;
    }
    job->waiters.append(std::move(complete));
    if (first) {
        start(content);
    }
}

void BlobFetches::start(const Digest& content)
{
    std::shared_ptr<Job> job = m_jobs.value(content);
    LockWaiter::acquire(
        m_cache.lockPath(content), this,
        [this, content, job](Result<std::shared_ptr<QLockFile>> lock) {
            if (!lock) {
                finish(content, lock.error(), false);
                return;
            }
            job->lock = lock.value();
            // Another process may have committed it while we waited for the lock.
            if (auto hit = CacheCommitter::reusable(m_cache.open(content))) {
                finish(content, hit, false);
                return;
            }
            CacheCommitter::clearBroken(m_cache, content);
            download(content, job);
        },
        [this, content, job] {
            Q_EMIT waiting(job->raw, QStringLiteral("another process is fetching %1").arg(content.toString()));
        });
}

void BlobFetches::download(const Digest& content, std::shared_ptr<Job> job)
{
    const qint64 size = job->res.choice.layer.size;
    if (size >= 0 && size <= HttpExchange::kSmallFileBody) {
        startDownload(content, job);
        return;
    }
    if (m_streaming >= kMaxStreamedDownloads) {
        m_waiting.append(content);
        return;
    }
    ++m_streaming;
    job->streamed = true;
    startDownload(content, job);
}

void BlobFetches::startWaiting()
{
    while (m_streaming < kMaxStreamedDownloads && !m_waiting.isEmpty()) {
        const Digest next = m_waiting.takeFirst();
        std::shared_ptr<Job> job = m_jobs.value(next);
        if (!job) {
            continue;
        }
        ++m_streaming;
        job->streamed = true;
        startDownload(next, job);
    }
}

void BlobFetches::cancelWaiting()
{
    const QList<Digest> waiting = std::exchange(m_waiting, {});
    for (const Digest& content : waiting) {
        finish(content, makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")), false);
    }
}

void BlobFetches::startDownload(const Digest& content, std::shared_ptr<Job> job)
{
    const OciDescriptor layer = job->res.choice.layer;
    auto ingest = IngestFile::openForDigest(m_cache.ingestDir(), content, layer.size, true);
    if (!ingest) {
        finish(content, ingest.error(), false);
        return;
    }
    job->ingest = std::move(ingest).value();
    if (job->ingest->size() > 0) {
        qCInfo(lcClient).noquote() << "resuming" << content.toString() << "from byte" << job->ingest->size();
    }
    m_oci.fetchBlob(
        job->res.reference, layer, job->ingest.get(),
        [this, content, job](Result<QString> r) { downloaded(content, job, r); },
        [this, raw = job->raw](qint64 received, qint64 total) { Q_EMIT progress(raw, received, total); });
}

void BlobFetches::downloaded(const Digest& content, std::shared_ptr<Job> job, const Result<QString>& fetchedFrom)
{
    if (!fetchedFrom) {
        if (fetchedFrom.code() == ErrorCode::Integrity) {
            job->ingest->discard();
        }
        finish(content, fetchedFrom.error(), false);
        return;
    }
    const OciResolution& res = job->res;
    const QString canonical
        = QStringLiteral("oci://%1@%2").arg(res.reference.repositoryPath(), res.manifestDigest.toString());
    // The ingest is finished, checked against `content` and committed off this thread.
    CacheEntry e = CacheEntry::fresh(content, job->ingest->size(), job->raw, job->sourceKind, canonical);
    e.mediaType = res.choice.layer.mediaType;
    e.artifactType = res.choice.type;
    e.annotations = res.manifest.annotations;
    e.manifestDigest = res.manifestDigest.toString();
    e.platformManifestDigest = res.platformManifestDigest.toString();
    e.manifestMediaType = res.manifestMediaType;
    e.artifactMediaType
        = res.manifest.artifactType.isEmpty() ? res.manifest.config.mediaType : res.manifest.artifactType;
    e.fetchedFrom = fetchedFrom.value(); // the mirror or the origin the blob came from
    m_committer.commitLocked(
        *job->ingest, e, [this, content, job](Result<CacheEntry> committed) { finish(content, committed, true); }, job);
}

void BlobFetches::finish(const Digest& content, const Result<CacheEntry>& result, bool fetched)
{
    std::shared_ptr<Job> job = m_jobs.take(content);
    if (!job) {
        return;
    }
    if (job->lock) {
        job->lock->unlock();
    }
    // The turn ends with the commit: until then the ingest still holds its buffers.
    const bool turn = std::exchange(job->streamed, false);
    m_streaming -= turn ? 1 : 0;
    for (const auto& waiter : std::as_const(job->waiters)) {
        waiter(result, fetched);
    }
    if (turn) {
        startWaiting();
    }
}

} // namespace dist
