// SPDX-License-Identifier: MIT
#pragma once

#include <pull/PullSource.h>

namespace dist {

class CacheCommitter;
class Cache;

// sha256:<hex>: an artifact already in the cache, by content or manifest digest. Never fetches.
class CacheDigestSource final : public PullSource
{
    Q_OBJECT

public:
    CacheDigestSource(Cache& cache, CacheCommitter& committer, QObject* parent = nullptr);

    void resolve(const PullRequest& request, ResolveDone done) override;
    void fetch(const PullRequest& request, PullDone done) override;

private:
    Cache& m_cache;
    CacheCommitter& m_committer;
};

} // namespace dist
