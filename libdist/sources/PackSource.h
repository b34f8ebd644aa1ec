// SPDX-License-Identifier: MIT
#pragma once

#include <pull/PullSource.h>

class QNetworkAccessManager;

namespace dist {

class Cache;
class CacheCommitter;
class CredentialProvider;
class PackResolver;
struct DistOptions;

// name@version (the pack registry) and a bare name (a bundled pack): resolved, verified and cached
// by PackResolver, whose pack documents enter the cache through the common commit path.
class PackSource final : public PullSource
{
    Q_OBJECT

public:
    PackSource(QNetworkAccessManager* nam, const DistOptions& options, Cache& cache, CacheCommitter& committer,
               const CredentialProvider* credentials, QObject* parent = nullptr);

    PackResolver& resolver() { return *m_packs; }

    void resolve(const PullRequest& request, ResolveDone done) override;
    void fetch(const PullRequest& request, PullDone done) override;

private:
    void store(const QString& raw, const QByteArray& content, const CacheEntry& entry,
               std::function<void(Result<CacheEntry>)> done);

    Cache& m_cache;
    CacheCommitter& m_committer;
    PackResolver* m_packs;
};

} // namespace dist
