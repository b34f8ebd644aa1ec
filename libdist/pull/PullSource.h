// SPDX-License-Identifier: MIT
#pragma once

#include "ReleaseIndex.h"
#include <cache/CacheEntry.h>
#include <core/Digest.h>
#include <core/Result.h>
#include <ref/Reference.h>

#include <QObject>
#include <QTimer>

#include <functional>
#include <utility>

namespace dist {

struct PullResult
{
    QString reference; // as the caller wrote it
    Digest digest; // the pin: the manifest digest for OCI, the content digest for everything else
    CacheEntry entry; // entry.localPath is the cached blob
    bool fetched = false; // bytes were transferred (or ingested) by this call
};
using PullDone = std::function<void(Result<PullResult>)>;
using ResolveDone = std::function<void(Result<Digest>)>;

// One reference as a caller asked for it.
struct PullRequest
{
    QString raw; // as the caller wrote it: errors and entry.json quote it
    Reference ref;
    Digest pin; // the lockfile digest, when set: what the reference must resolve to
    ReleaseContext release;
};

// One kind of reference (OCI, a local file, https, a pack, …): how it resolves to a digest and how
// its bytes reach the cache. DistClient picks the source by reference kind and holds none of their
// logic. Callbacks run on the source's event loop, never inside the call that started the work.
class PullSource : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // The digest the reference stands for, fetching only when that is the only way to know it.
    virtual void resolve(const PullRequest& request, ResolveDone done) = 0;
    // Ensures the artifact is in the cache.
    virtual void fetch(const PullRequest& request, PullDone done) = 0;

Q_SIGNALS:
    void progress(const QString& reference, qint64 received, qint64 total);
    void waiting(const QString& reference, const QString& why);

protected:
    // Delivers from the event loop: a callback never runs inside the call that was given it.
    template <typename F>
    void later(F&& f)
    {
        QTimer::singleShot(0, this, std::forward<F>(f));
    }
};

} // namespace dist
