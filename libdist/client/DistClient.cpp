// SPDX-License-Identifier: MIT
#include "DistClient.h"

#include "BatchPuller.h"
#include <pull/CacheCommitter.h>
#include <pull/FileKind.h>
#include <sources/CacheDigestSource.h>
#include <sources/HttpsSource.h>
#include <sources/LocalFileSource.h>
#include <sources/OciSource.h>
#include <sources/PackSource.h>
#include <sources/YamlPackSource.h>

#include <QTimer>

namespace dist {

DistClient::DistClient(QNetworkAccessManager* nam, const DistOptions& options, const CredentialProvider* credentials,
                       QObject* parent)
    : QObject(parent)
    , m_options(options)
    , m_cache(options.cacheRoot)
    , m_committer(new CacheCommitter(m_cache, options.cacheMaxBytes, this))
    , m_cacheDigests(new CacheDigestSource(m_cache, *m_committer, this))
    , m_files(nullptr)
    , m_https(new HttpsSource(nam, m_options, m_cache, *m_committer, this))
    , m_yamlPacks(nullptr)
    , m_packs(new PackSource(nam, m_options, m_cache, *m_committer, credentials, this))
    , m_oci(new OciSource(nam, m_options, m_cache, *m_committer, credentials, this))
    , m_downloads(new StoreDownloader(m_options, *m_oci, this))
{
    auto* files = new LocalFileSource(m_options, m_cache, *m_committer, this);
    m_files = files;
    m_yamlPacks = new YamlPackSource(m_cache, *files, *m_https, this);
    for (PullSource* source : {m_cacheDigests, m_files, static_cast<PullSource*>(m_https), m_yamlPacks,
                               static_cast<PullSource*>(m_packs), static_cast<PullSource*>(m_oci)}) {
        connect(source, &PullSource::progress, this, &DistClient::progress);
        connect(source, &PullSource::waiting, this, &DistClient::waiting);
    }
    connect(m_downloads, &StoreDownloader::progress, this, &DistClient::progress);
}

DistClient::~DistClient() = default;

PackResolver& DistClient::packs()
{
    return m_packs->resolver();
}

void DistClient::cancelAll()
{
    m_https->cancelAll();
    m_oci->cancelAll();
    m_packs->resolver().cancelAll();
}

template <typename Done>
void DistClient::fail(Done done, const Error& e)
{
    QTimer::singleShot(0, this, [done = std::move(done), e] { done(e); });
}

Result<PullRequest> DistClient::request(const QString& reference, const Digest& pin,
                                        const ReleaseContext& release) const
{
    auto ref = Reference::parse(reference);
    if (!ref) {
        return ref.error();
    }
    return PullRequest{reference, ref.value(), pin, release};
}

PullSource& DistClient::sourceFor(const Reference& ref)
{
    switch (ref.kind()) {
    case ReferenceKind::CacheDigest:
        return *m_cacheDigests;
    case ReferenceKind::File:
        return isYamlPackPath(ref.path()) ? *m_yamlPacks : *m_files;
    case ReferenceKind::Fixture:
        return *m_files;
    case ReferenceKind::Https:
        return isYamlPackPath(ref.url().path()) ? *m_yamlPacks : static_cast<PullSource&>(*m_https);
    case ReferenceKind::RegistryPack:
    case ReferenceKind::BundledPack:
        return *m_packs;
    case ReferenceKind::Oci:
    case ReferenceKind::Repo:
    case ReferenceKind::Store:
        break;
    }
    return *m_oci;
}

void DistClient::resolve(const QString& reference, std::function<void(Result<Digest>)> done,
                         const ReleaseContext& release)
{
    auto req = request(reference, Digest(), release);
    if (!req) {
        fail(std::move(done), req.error());
        return;
    }
    sourceFor(req->ref).resolve(req.value(), std::move(done));
}

void DistClient::pull(const QString& reference, const Digest& pin, PullDone done, const ReleaseContext& release)
{
    auto req = request(reference, pin, release);
    if (!req) {
        fail(std::move(done), req.error());
        return;
    }
    sourceFor(req->ref).fetch(req.value(), std::move(done));
}

void DistClient::pullOciPack(const QString& reference, PullDone done)
{
    auto req = request(reference, Digest(), ReleaseContext());
    if (!req) {
        fail(std::move(done), req.error());
        return;
    }
    LayerPolicy layers = m_options.layers;
    layers.packOnly = true;
    m_oci->fetchWith(req.value(), layers, std::move(done));
}

void DistClient::referrers(const QString& reference, const QString& artifactType,
                           std::function<void(Result<ReferrersResult>)> done)
{
    auto req = request(reference, Digest(), ReleaseContext());
    if (!req) {
        fail(std::move(done), req.error());
        return;
    }
    auto oci = m_oci->mapper().ociFor(req->ref);
    if (!oci) {
        fail(std::move(done),
             makeError(
                 ErrorCode::InvalidInput,
                 QStringLiteral("`%1` is not an OCI reference; only OCI artifacts have referrers").arg(reference)));
        return;
    }
    resolve(reference, [this, oci = oci.value(), artifactType, done](Result<Digest> subject) {
        if (!subject) {
            done(subject.error());
            return;
        }
        if (m_options.offline) {
            ReferrersResult found{subject.value(), {}, QStringLiteral("cache")};
            for (const CacheEntry& e : m_cache.entries()) {
                auto manifest = Digest::parse(e.manifestDigest);
                if (e.subjectDigest != subject->toString() || !manifest
                    || (!artifactType.isEmpty() && e.artifactMediaType != artifactType)) {
                    continue;
                }
                OciDescriptor d;
                d.digest = manifest.value();
                d.mediaType = e.manifestMediaType;
                d.artifactType = e.artifactMediaType;
                const auto kept = m_cache.metadata(manifest.value()); // read and hashed once
                d.size = kept ? kept->size() : -1;
                found.referrers.append(d);
            }
            done(found);
            return;
        }
        m_oci->client().referrers(
            oci, subject.value(), artifactType, [done, subject = subject.value()](Result<OciReferrers> r) {
                if (!r) {
                    done(r.error());
                    return;
                }
                done(ReferrersResult{subject, r->descriptors,
                                     r->viaApi ? QStringLiteral("api") : QStringLiteral("tag-schema")});
            });
    });
}

void DistClient::pullReferrers(const QString& reference, const ReferrersResult& found,
                               std::function<void(Result<QList<PullResult>>)> done)
{
    auto req = request(reference, Digest(), ReleaseContext());
    auto oci = req ? m_oci->mapper().ociFor(req->ref) : Result<OciReference>(req.error());
    if (!oci) {
        fail(std::move(done), oci.error());
        return;
    }
    auto pending = std::make_shared<QList<OciDescriptor>>();
    for (const OciDescriptor& d : found.referrers) {
        if (MediaTypes::isManifest(d.mediaType)) {
            pending->append(d);
        }
    }
    auto results = std::make_shared<QList<PullResult>>();
    // One at a time; the step holds itself only through the pull in flight, so nothing is left
    // behind when the last one is done.
    auto next = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakNext = next;
    *next = [this, pending, results, weakNext, done, repo = oci->repositoryPath(), subject = found.subject]() {
        if (pending->isEmpty()) {
            done(*results);
            return;
        }
        const OciDescriptor d = pending->takeFirst();
        auto one = request(QStringLiteral("oci://%1@%2").arg(repo, d.digest.toString()), Digest(), ReleaseContext());
        if (!one) {
            done(one.error());
            return;
        }
        LayerPolicy any = m_options.layers;
        any.anyLayer = true;
        any.referrerOfChecked = true;
        m_oci->fetchWith(one.value(), any,
                         [this, results, self = weakNext.lock(), done, subject](Result<PullResult> r) {
                             if (!r) {
                                 done(r.error());
                                 return;
                             }
                             (void)m_cache.updateEntry(r->entry.digest, [&subject](CacheEntry& e) {
                                 e.subjectDigest = subject.toString();
                                 return true;
                             });
                             (void)m_cache.recordReferrer(subject, r->entry.digest);
                             results->append(r.value());
                             (*self)();
                         });
    };
    (*next)();
}

void DistClient::pullAll(const QList<LockEntry>& entries, int jobs, std::function<void(Result<QList<PullResult>>)> done)
{
    BatchPuller::run(
        this,
        [this](const QString& reference, const Digest& pin, PullDone one) { pull(reference, pin, std::move(one)); },
        entries, jobs, std::move(done));
}

void DistClient::download(const QString& reference, const QString& outputPath,
                          std::function<void(Result<DownloadResult>)> done)
{
    m_downloads->download(reference, outputPath, std::move(done));
}

} // namespace dist
