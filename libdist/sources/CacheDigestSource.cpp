// SPDX-License-Identifier: MIT
#include "CacheDigestSource.h"

#include <cache/Cache.h>
#include <pull/CacheCommitter.h>

namespace dist {

CacheDigestSource::CacheDigestSource(Cache& cache, CacheCommitter& committer, QObject* parent)
    : PullSource(parent)
    , m_cache(cache)
    , m_committer(committer)
{
}

void CacheDigestSource::resolve(const PullRequest& request, ResolveDone done)
{
    auto found = m_cache.lookup(request.ref.digest());
    later([done, found, d = request.ref.digest()] { found ? done(d) : done(found.error()); });
}

void CacheDigestSource::fetch(const PullRequest& request, PullDone done)
{
    const Digest d = request.ref.digest();
    if (!request.pin.isNull() && request.pin != d) {
        later([done, raw = request.raw, pin = request.pin] {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("corrupt artifact `%1`: lock digest %2 did not match resolved descriptor %1")
                               .arg(raw, pin.toString())));
        });
        return;
    }
    auto found = CacheCommitter::reusable(m_cache.lookup(d));
    if (found) {
        found = m_cache.open(found->digest);
    }
    later([done, found, raw = request.raw, d] {
        found ? done(PullResult{raw, d, found.value(), false}) : done(found.error());
    });
}

} // namespace dist
