// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheEntry.h>
#include <core/Digest.h>
#include <core/Result.h>
#include <oci/OciClient.h>

#include <QHash>
#include <QList>
#include <QObject>

#include <functional>
#include <memory>

namespace dist {

class Cache;
class CacheCommitter;

// The de-duplicator of layer downloads: one fetch per content digest at a time, in this process
// (concurrent pulls of one layer join the fetch in flight) and across processes (the digest's
// writer lock; a process that finds it held waits, then serves what the holder committed).
// A download resumes from a partial ingest and is committed only when its digest matches.
class BlobFetches final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BlobFetches)

public:
    using Complete = std::function<void(const Result<CacheEntry>&, bool fetched)>;

    BlobFetches(Cache& cache, CacheCommitter& committer, OciClient& oci, QObject* parent = nullptr);
    ~BlobFetches() override;

    // Downloads of blobs over 1 MiB (streamed through an ingest pipeline of 8 MiB of buffers, and
    // on HTTP/1.1 beyond 4 MiB) run at most this many at once; more wait here. A lockfile may put
    // a hundred pulls in flight: small blobs all go at once, big ones neither pile up memory nor
    // wait in Qt's queue for one of its six connections while their inactivity timeout runs.
    static constexpr int kMaxStreamedDownloads = 8;

    // Brings the layer `resolution` chose into the cache, or finds it there.
    void fetch(const QString& raw, const QString& sourceKind, const OciResolution& resolution, Complete complete);
    // Ends the downloads still waiting for a turn as cancelled (those running end with the client's
    // requests).
    void cancelWaiting();

Q_SIGNALS:
    void progress(const QString& reference, qint64 received, qint64 total);
    void waiting(const QString& reference, const QString& why);

private:
    struct Job;
    void start(const Digest& content);
    void download(const Digest& content, std::shared_ptr<Job> job);
    void startDownload(const Digest& content, std::shared_ptr<Job> job);
    void startWaiting();
    void downloaded(const Digest& content, std::shared_ptr<Job> job, const Result<QString>& fetchedFrom);
    void finish(const Digest& content, const Result<CacheEntry>& result, bool fetched);

    Cache& m_cache;
    CacheCommitter& m_committer;
    OciClient& m_oci;
    QHash<Digest, std::shared_ptr<Job>> m_jobs; // in flight, by content digest
    QList<Digest> m_waiting; // streamed downloads waiting for a turn, in order
    int m_streaming = 0;
};

} // namespace dist
