// SPDX-License-Identifier: MIT
#pragma once

#include "PackIndex.h"
#include "PackRegistryOptions.h"
#include <cache/CacheEntry.h>
#include <core/Digest.h>
#include <core/Result.h>
#include <ref/Reference.h>
#include <trust/PackTrustStore.h>

#include <QDateTime>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace dist {

class Cache;
class CredentialProvider;
class PackRegistryClient;
struct PackFetch;

struct PackResolverOptions
{
    PackRegistryOptions registry;
    bool allowUnsigned = false; // admits unsigned packs; never a digest or signature failure
    bool offline = false;
    bool noCache = false; // always fetch and verify
    QStringList trustRootFiles; // --trust-root / ASSAY_REGISTRY_TRUST_ROOTS
    QString bundledDir; // GREENTIC_DIST_BUNDLED_PACKS_DIR

    // ASSAY_REGISTRY_* (see PackRegistryOptions), ASSAY_REGISTRY_TRUST_ROOTS (FILE[:FILE]),
    // GREENTIC_DIST_BUNDLED_PACKS_DIR.
    static PackResolverOptions fromEnvironment(const HttpOptions& http);
};

struct ResolvedPack
{
    QString reference;
    QString name;
    QString version; // registry version; "bundled" for bundled packs
    QString source; // registry | cache | bundled
    QString registryUrl;
    Digest digest; // canonical pack digest
    Digest contentDigest; // the cache key
    bool signedPack = false;
    QString keyId;
    QString policy;
    QDateTime expiresAt;
    CacheEntry entry; // the cached copy (entry.localPath)
    bool fetched = false; // bytes came over the network in this call
};

// Resolves registry and bundled pack references into the shared cache, verified: canonical digest,
// the X-Pack-Digest claim, a lockfile pin, and the DSSE signature against the trust store (header
// or .sig sidecar; an unknown key triggers one /keys refresh). Cached packs are re-verified on every
// read, an expired one is revalidated with If-None-Match, and a 304 extends its expiry.
class PackResolver final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PackResolver)

public:
    // Commits content into the cache under its sha256 (DistClient's ingest path: locking, cap).
    using StoreFn = std::function<void(const QString& raw, const QByteArray& content, const CacheEntry& entry,
                                       std::function<void(Result<CacheEntry>)> done)>;
    using Done = std::function<void(Result<ResolvedPack>)>;

    PackResolver(QNetworkAccessManager* nam, Cache& cache, const PackResolverOptions& options,
                 const CredentialProvider* credentials, StoreFn store, QObject* parent = nullptr);
    ~PackResolver() override;

    // Trust-root files that failed to load (reported on first use).
    const std::optional<Error>& setupError() const { return m_setupError; }

    // `fresh`: ask the registry even if the cached copy has not expired (a conditional request, so
    // an unchanged pack costs a 304); offline, the cached copy is used as usual.
    void resolve(const Reference& ref, const Digest& pin, Done done, bool fresh = false);
    // Fetches /keys, verifies and merges it, and remembers it for offline verification.
    void refreshKeys(std::function<void(Result<KeysMergeReport>)> done);

    PackRegistryClient& registry() { return *m_client; }
    const PackTrustStore& trust() const { return m_trust; }
    const PackIndex& index() const { return m_index; }
    const PackResolverOptions& options() const { return m_options; }
    void cancelAll();

private:
    struct Job;
    void resolveRegistry(std::shared_ptr<Job> job);
    void resolveBundled(std::shared_ptr<Job> job);
    // Re-verifies a cached record: bytes, canonical digest, signature or unsigned policy.
    Result<ResolvedPack> checkCached(const Job& job, const PackRecord& record);
    void fetch(std::shared_ptr<Job> job, const QByteArray& etag, std::optional<PackRecord> cached);
    void onFetched(std::shared_ptr<Job> job, PackFetch fetch);
    void verifySignature(std::shared_ptr<Job> job, std::shared_ptr<PackFetch> fetch, QByteArray canonical,
                         Digest digest, QByteArray envelope, bool keysRefreshed);
    void store(std::shared_ptr<Job> job, std::shared_ptr<PackFetch> fetch, Digest digest, QByteArray envelope,
               QString keyId);
    Result<QString> verifyEnvelope(const QByteArray& envelope, const QByteArray& canonical) const;
    bool shouldRefreshKeysFor(const QByteArray& envelope) const;
    void loadCachedKeys();

    QNetworkAccessManager* m_nam;
    Cache& m_cache;
    PackResolverOptions m_options;
    StoreFn m_store;
    PackRegistryClient* m_client;
    PackTrustStore m_trust;
    PackIndex m_index;
    std::optional<Error> m_setupError;
    bool m_keysFetchedThisRun = false;
};

} // namespace dist
