// SPDX-License-Identifier: MIT
#pragma once

#include "ReleaseIndex.h"
#include <cache/Cache.h>
#include <cache/CacheEntry.h>
#include <config/RegistriesConf.h>
#include <core/Digest.h>
#include <core/Result.h>
#include <net/HttpOptions.h>
#include <oci/OciClient.h>
#include <packs/PackResolver.h>
#include <ref/Lockfile.h>
#include <ref/Reference.h>

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QLockFile;
class QNetworkAccessManager;

namespace dist {

class CredentialProvider;
class IngestFile;
class RegistryAuth;

struct DistOptions
{
    QString cacheRoot; // already resolved (see Cache::resolveRoot)
    bool offline = false;
    HttpOptions http;
    QString fixtureDir; // GREENTIC_FIXTURE_DIR
    QString repoRegistryBase; // GREENTIC_REPO_REGISTRY_BASE
    QString storeRegistryBase; // GREENTIC_STORE_REGISTRY_BASE
    LayerPolicy layers;
    qint64 cacheMaxBytes = 3221225472; // enforced after every write; 0 = no cap
    // Where store://greentic-biz/<tenant>/<path> lives (GREENTIC_DIST_GREENTIC_BIZ_REGISTRY, for
    // mirrors and tests).
    QString greenticBizRegistry = QStringLiteral("ghcr.io");
    PackResolverOptions packs; // the pack registry, trust roots, bundled packs (offline follows `offline`)
    // Mirrors and insecure registries from registries.conf. A file that fails to load is reported by
    // every OCI operation instead of being ignored.
    std::shared_ptr<const RegistriesConf> registries;
    std::optional<Error> registriesError;
    void loadRegistries(const QString& overridePath = QString());

    // Reads GREENTIC_DIST_OFFLINE, GREENTIC_FIXTURE_DIR, the registry bases, GREENTIC_CACHE_MAX_BYTES
    // and HttpOptions::fromEnvironment.
    static DistOptions fromEnvironment(const QString& cacheDirOverride = QString());
};

struct DownloadResult
{
    QString reference;
    QString mappedReference; // oci://host/repo[:tag]
    QString canonicalRef; // oci://host/repo@<manifest digest>
    Digest digest; // the manifest digest
    QString mediaType;
    QString outputPath;
    qint64 sizeBytes = 0;
};

struct PullResult
{
    QString reference; // as the caller wrote it
    Digest digest; // the pin: the manifest digest for OCI, the content digest for everything else
    CacheEntry entry; // entry.localPath is the cached blob
    bool fetched = false; // bytes were transferred (or ingested) by this call
};

// Resolves references and pulls artifacts into the cache. All network work is asynchronous on the
// caller's event loop; callbacks run on it, never inside the call that started the work.
class DistClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DistClient)

public:
    using PullDone = std::function<void(Result<PullResult>)>;

    DistClient(QNetworkAccessManager* nam, const DistOptions& options, const CredentialProvider* credentials,
               QObject* parent = nullptr);
    ~DistClient() override;

    Cache& cache() { return m_cache; }
    PackResolver& packs() { return *m_packs; }
    const DistOptions& options() const { return m_options; }

    // The digest a reference stands for: the manifest digest for OCI (no blob download), the content
    // digest for files, fixtures and https, the digest itself for a cache digest.
    // With a release context, a mutable tag (stable/dev/rnd) is first looked up in the local release
    // index, which works offline.
    void resolve(const QString& reference, std::function<void(Result<Digest>)> done,
                 const ReleaseContext& release = ReleaseContext());
    // Ensures the artifact is in the cache. `pin`, when set, must match what the reference resolves to
    // (the lockfile digest); a pinned artifact already in the cache is served without the network.
    void pull(const QString& reference, const Digest& pin, PullDone done,
              const ReleaseContext& release = ReleaseContext());
    // `pack`: an OCI image read as a pack (LayerPolicy::packOnly), so a layer of
    // application/octet-stream is a pack as upstream's pack fetcher decides; `pull` keeps the
    // component rule for the same image.
    void pullOciPack(const QString& reference, PullDone done);
    // Pulls every entry, at most `jobs` at a time. Stops starting new ones at the first failure and
    // reports it once the running ones finish. Results keep the lockfile order.
    void pullAll(const QList<LockEntry>& entries, int jobs, std::function<void(Result<QList<PullResult>>)> done);

    // `store download`: fetches a store:// artifact's layer straight to a file (not into the cache).
    // Without an output path, a name derived from the reference and the media type is used in the
    // current directory.
    void download(const QString& reference, const QString& outputPath,
                  std::function<void(Result<DownloadResult>)> done);
    // The Rust client's default output name: last path segment of the mapped reference plus an
    // extension chosen by media type (.json, .wasm, .tgz, .tar.zst, .zip, else .bin).
    static QString defaultDownloadName(const QString& mappedReference, const QString& mediaType);

    void cancelAll();

Q_SIGNALS:
    void progress(const QString& reference, qint64 received, qint64 total);
    void waiting(const QString& reference, const QString& why);

private:
    struct BlobJob;

    Result<OciReference> ociFor(const Reference& ref) const;
    // The release index's pin for an OCI, repo:// or store:// reference, if it has one.
    std::optional<Result<Digest>> releasePin(const Reference& ref, const OciReference& oci,
                                             const ReleaseContext& release) const;

    void pullOci(const QString& raw, const Reference& ref, OciReference oci, const Digest& pin,
                 const LayerPolicy& layers, PullDone done);
    void pullLocalFile(const QString& raw, const Reference& ref, const QString& path, const Digest& pin, PullDone done);
    void pullHttps(const QString& raw, const Reference& ref, const Digest& pin, PullDone done);
    // A YAML pack from a file or https URL: pulled as bytes, identified by its canonical digest.
    void pullYamlPack(const QString& raw, const Reference& ref, const Digest& pin, PullDone done);
    void pullPack(const QString& raw, const Reference& ref, const Digest& pin, PullDone done);
    void storePackContent(const QString& raw, const QByteArray& content, const CacheEntry& entry,
                          std::function<void(Result<CacheEntry>)> done);
    void ensureBlob(const QString& raw, const OciResolution& res, PullDone done);
    void fetchOci(const QString& raw, const QString& kind, const OciReference& oci, const LayerPolicy& layers,
                  PullDone done);
    // store://greentic-biz pulls need the tenant's saved token before anything goes out.
    void withTenantCredentials(const OciReference& oci, std::function<void(Result<void>)> then);
    void startBlobJob(const Digest& content);
    void finishBlobJob(const Digest& content, const Result<CacheEntry>& result, bool fetched);
    // Commits a finished ingest of unknown-in-advance content under its per-digest lock.
    void commitIngest(const QString& raw, std::shared_ptr<IngestFile> ingest, CacheEntry entry, const Digest& pin,
                      PullDone done);
    Result<CacheEntry> commitAndEnforceCap(IngestFile& ingest, const CacheEntry& entry);
    template <typename F>
    void later(F&& f);

    QNetworkAccessManager* m_nam;
    const CredentialProvider* m_credentials;
    DistOptions m_options;
    Cache m_cache;
    RegistryAuth* m_auth;
    OciClient* m_oci;
    PackResolver* m_packs;

    QHash<Digest, std::shared_ptr<BlobJob>> m_blobJobs; // in flight, by content digest
    QList<QPointer<HttpExchange>> m_exchanges;
    std::optional<qint64> m_cacheBytes; // blob bytes as last measured plus this client's writes
};

} // namespace dist
