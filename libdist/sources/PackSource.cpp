// SPDX-License-Identifier: MIT
#include "PackSource.h"

#include <cache/Cache.h>
#include <core/Logging.h>
#include <packs/PackResolver.h>
#include <pull/CacheCommitter.h>
#include <pull/DistOptions.h>

namespace dist {

PackSource::PackSource(QNetworkAccessManager* nam, const DistOptions& options, Cache& cache, CacheCommitter& committer,
                       const CredentialProvider* credentials, QObject* parent)
    : PullSource(parent)
    , m_cache(cache)
    , m_committer(committer)
    , m_packs(nullptr)
{
    PackResolverOptions packs = options.packs;
    packs.offline = packs.offline || options.offline;
    m_packs = new PackResolver(
        nam, cache, packs, credentials,
        [this](const QString& raw, const QByteArray& content, const CacheEntry& entry,
               std::function<void(Result<CacheEntry>)> done) { store(raw, content, entry, std::move(done)); },
        this);
}

void PackSource::resolve(const PullRequest& request, ResolveDone done)
{
    m_packs->resolve(request.ref, Digest(), [done](Result<ResolvedPack> r) { r ? done(r->digest) : done(r.error()); });
}

void PackSource::fetch(const PullRequest& request, PullDone done)
{
    m_packs->resolve(request.ref, request.pin, [raw = request.raw, done](Result<ResolvedPack> r) {
        if (!r) {
            done(r.error());
            return;
        }
        done(PullResult{raw, r->digest, r->entry, r->fetched});
    });
}

void PackSource::store(const QString& raw, const QByteArray& content, const CacheEntry& entry,
                       std::function<void(Result<CacheEntry>)> done)
{
    m_committer.commitBytes(raw, content, entry, [this, done, entry](Result<PullResult> r) {
        if (!r) {
            done(r.error());
            return;
        }
        // The bytes may already have been cached under another name: keep the pack facts current.
        auto updated = m_cache.updateEntry(r->entry.digest, [&entry](CacheEntry& stored) {
            bool changed = false;
            for (auto it = entry.annotations.cbegin(); it != entry.annotations.cend(); ++it) {
                if (stored.annotations.value(it.key()) != it.value()) {
                    stored.annotations.insert(it.key(), it.value());
                    changed = true;
                }
            }
            if (!changed && stored.artifactType == ArtifactType::Pack) {
                return false;
            }
            stored.artifactType = ArtifactType::Pack;
            if (stored.mediaType.isEmpty() || stored.mediaType == u"application/octet-stream") {
                stored.mediaType = entry.mediaType;
            }
            return true;
        });
        if (!updated) {
            qCWarning(lcCache).noquote() << "cannot update pack annotations:" << updated.message();
            done(r->entry);
            return;
        }
        done(updated.value());
    });
}

} // namespace dist
