// SPDX-License-Identifier: MIT
#pragma once

#include "StoreDownloader.h"
#include <cache/Cache.h>
#include <cache/CacheEntry.h>
#include <core/Digest.h>
#include <core/Result.h>
#include <pull/DistOptions.h>
#include <pull/PullSource.h>
#include <pull/ReleaseIndex.h>
#include <ref/Lockfile.h>
#include <ref/Reference.h>

#include <QList>
#include <QObject>

#include <functional>

class QNetworkAccessManager;

namespace dist {

class CacheCommitter;
class CredentialProvider;
class HttpsSource;
class OciSource;
class PackResolver;
class PackSource;

struct ReferrersResult
{
    Digest subject; // the manifest digest the reference resolved to
    QList<OciDescriptor> referrers;
    QString source; // "api", "tag-schema" or "cache" (offline: the referrers pulled before)
};

// Resolves references and pulls artifacts into the cache: a facade that picks the source for a
// reference's kind (sources/) and hands it the request; the sources share one commit path
// (CacheCommitter). All network work is asynchronous on the caller's event loop; callbacks run on
// it, never inside the call that started the work.
class DistClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DistClient)

public:
    using PullDone = dist::PullDone;

    DistClient(QNetworkAccessManager* nam, const DistOptions& options, const CredentialProvider* credentials,
               QObject* parent = nullptr);
    ~DistClient() override;

    Cache& cache() { return m_cache; }
    PackResolver& packs();
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
    // The artifacts whose subject is what `reference` resolves to (OCI 1.1 referrers; offline, the
    // ones the cache holds), filtered to `artifactType` when given.
    void referrers(const QString& reference, const QString& artifactType,
                   std::function<void(Result<ReferrersResult>)> done);
    // Pulls each referrer of `subject` in the repository of `reference` (any layer will do, as for
    // `store download`) and records the subject in its entry.
    void pullReferrers(const QString& reference, const ReferrersResult& found,
                       std::function<void(Result<QList<PullResult>>)> done);
    // Pulls every entry, at most `jobs` at a time (BatchPuller).
    void pullAll(const QList<LockEntry>& entries, int jobs, std::function<void(Result<QList<PullResult>>)> done);

    // `store download`: fetches a store:// artifact's layer straight to a file (not into the cache).
    // Without an output path, a name derived from the reference and the media type is used in the
    // current directory.
    void download(const QString& reference, const QString& outputPath,
                  std::function<void(Result<DownloadResult>)> done);
    static QString defaultDownloadName(const QString& mappedReference, const QString& mediaType)
    {
        return StoreDownloader::defaultDownloadName(mappedReference, mediaType);
    }

    void cancelAll();

Q_SIGNALS:
    void progress(const QString& reference, qint64 received, qint64 total);
    void waiting(const QString& reference, const QString& why);

private:
    // The request for `reference`, or why there is none.
    Result<PullRequest> request(const QString& reference, const Digest& pin, const ReleaseContext& release) const;
    PullSource& sourceFor(const Reference& ref);
    template <typename Done>
    void fail(Done done, const Error& e);

    DistOptions m_options;
    Cache m_cache;
    CacheCommitter* m_committer;
    PullSource* m_cacheDigests;
    PullSource* m_files;
    HttpsSource* m_https;
    PullSource* m_yamlPacks;
    PackSource* m_packs;
    OciSource* m_oci;
    StoreDownloader* m_downloads;
};

} // namespace dist
