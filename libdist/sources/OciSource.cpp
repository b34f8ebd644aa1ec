// SPDX-License-Identifier: MIT
#include "OciSource.h"

#include "BlobFetches.h"
#include "SignatureCheck.h"
#include <cache/Cache.h>
#include <core/Logging.h>
#include <core/Sha256.h>
#include <credentials/CredentialProvider.h>
#include <net/RegistryAuth.h>
#include <pull/CacheCommitter.h>

#include <QPointer>
#include <pull/DistOptions.h>

#include <utility>

namespace dist {

OciSource::OciSource(QNetworkAccessManager* nam, const DistOptions& options, Cache& cache, CacheCommitter& committer,
                     const CredentialProvider* credentials, QObject* parent)
    : PullSource(parent)
    , m_options(options)
    , m_cache(cache)
    , m_committer(committer)
    , m_credentials(credentials)
    , m_mapper(options, cache)
    , m_auth(new RegistryAuth(nam, credentials, options.http, this))
    , m_oci(new OciClient(nam, m_auth, options.http, this))
    , m_blobs(new BlobFetches(cache, committer, *m_oci, this))
    , m_signatures(new SignatureCheck(cache, *m_oci, options.signatureKeys, options.offline, this))
{
    m_oci->setRegistries(options.registries);
    connect(m_blobs, &BlobFetches::progress, this, &PullSource::progress);
    connect(m_blobs, &BlobFetches::waiting, this, &PullSource::waiting);
}

OciSource::~OciSource() = default;

void OciSource::cancelAll()
{
    m_blobs->cancelWaiting();
    m_oci->cancelAll();
}

void OciSource::resolve(const PullRequest& request, ResolveDone answer)
{
    auto oci = m_mapper.ociFor(request.ref);
    if (!oci) {
        later([answer, e = oci.error()] { answer(e); });
        return;
    }
    ResolveDone done = answer;
    if (m_signatures->enabled()) {
        done = [this, answer, ref = oci.value()](Result<Digest> d) {
            if (!d) {
                answer(d);
                return;
            }
            afterSignature(ref, d.value(), Digest(), [answer, d](Result<SignatureSummary> signature) {
                signature ? answer(d) : answer(signature.error());
            });
        };
    }
    if (auto pinned = m_mapper.releasePin(request.ref, oci.value(), request.release)) {
        later([done, pinned = *pinned] { done(pinned); });
        return;
    }
    if (oci->isDigestPinned() && m_cache.lookup(oci->digest())) {
        later([done, d = oci->digest()] { done(d); });
        return;
    }
    if (m_options.offline) {
        if (auto imported = importedTag(oci.value())) {
            later([done, d = *imported] { done(d); });
            return;
        }
        later([done, raw = request.raw, tag = !oci->isDigestPinned()] { done(offlineError(raw, tag)); });
        return;
    }
    withTenantCredentials(oci.value(), [this, oci = oci.value(), done](Result<void> ready) {
        if (!ready) {
            done(ready.error());
            return;
        }
        m_oci->resolve(oci, m_options.layers,
                       [done](Result<OciResolution> r) { r ? done(r->manifestDigest) : done(r.error()); });
    });
}

void OciSource::fetch(const PullRequest& request, PullDone done)
{
    auto oci = m_mapper.ociFor(request.ref);
    if (!oci) {
        later([done, e = oci.error()] { done(e); });
        return;
    }
    if (auto pinned = m_mapper.releasePin(request.ref, oci.value(), request.release); pinned && request.pin.isNull()) {
        if (!*pinned) {
            later([done, e = pinned->error()] { done(e); });
            return;
        }
        PullRequest released = request;
        released.pin = pinned->value();
        pullPinned(released, oci.value(), m_options.layers, std::move(done));
        return;
    }
    pullPinned(request, oci.value(), m_options.layers, std::move(done));
}

void OciSource::fetchWith(const PullRequest& request, const LayerPolicy& layers, PullDone done)
{
    auto oci = m_mapper.ociFor(request.ref);
    if (!oci) {
        later([done, e = oci.error()] { done(e); });
        return;
    }
    pullPinned(request, oci.value(), layers, std::move(done));
}

void OciSource::pullPinned(const PullRequest& request, OciReference oci, const LayerPolicy& layers, PullDone done)
{
    const QString& raw = request.raw;
    const Digest& pin = request.pin;
    if (!pin.isNull()) {
        if (oci.isDigestPinned() && oci.digest() != pin) {
            later([done, raw, pin, d = oci.digest()] {
                done(makeError(
                    ErrorCode::Integrity,
                    QStringLiteral("corrupt artifact `%1`: lock digest %2 did not match resolved descriptor %3")
                        .arg(raw, pin.toString(), d.toString())));
            });
            return;
        }
        oci = oci.withDigest(pin);
    }
    if (m_options.offline && !oci.isDigestPinned()) {
        if (auto imported = importedTag(oci)) {
            oci = oci.withDigest(*imported);
        }
    }
    if (oci.isDigestPinned()) {
        auto hit = CacheCommitter::reusable(m_cache.lookup(oci.digest()));
        if (hit) {
            hit = m_cache.open(hit->digest);
        }
        if (hit) { // otherwise removed or damaged since the lookup: fetched again below
            afterSignature(
                oci, oci.digest(), hit->digest,
                [done, hit, raw, d = oci.digest()](Result<SignatureSummary> signature) {
                    signature ? done(PullResult{raw, d, hit.value(), false}) : done(signature.error());
                },
                layers.referrerOfChecked);
            return;
        }
    }
    if (m_options.offline) {
        later([done, raw, tag = !oci.isDigestPinned()] { done(offlineError(raw, tag)); });
        return;
    }
    withTenantCredentials(
        oci, [this, oci, raw, kind = referenceKindName(request.ref.kind()), layers, done](Result<void> ready) {
            if (!ready) {
                done(ready.error());
                return;
            }
            fetchBlob(raw, kind, oci, layers, done);
        });
}

void OciSource::withTenantCredentials(const OciReference& oci, std::function<void(Result<void>)> then)
{
    if (oci.authTenant().isEmpty()) {
        later([then] { then({}); });
        return;
    }
    const QString tenant = oci.authTenant();
    auto missing = [tenant] {
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("store auth error: tenant `%1` has no saved credentials; "
                                        "run `greentic-dist auth login %1` first")
                             .arg(tenant),
                         ErrorDetail::NoSavedCredentials);
    };
    if (!m_credentials) {
        later([then, missing] { then(missing()); });
        return;
    }
    m_credentials->lookup(CredentialQuery{oci.registry(), tenant}, this,
                          [then, missing](Result<std::optional<RegistryCredential>> c) {
                              if (!c) {
                                  then(c.error());
                              } else if (!c->has_value()) {
                                  then(missing());
                              } else {
                                  then({});
                              }
                          });
}

void OciSource::fetchBlob(const QString& raw, const QString& kind, const OciReference& oci, const LayerPolicy& layers,
                          PullDone done)
{
    m_oci->resolve(oci, layers, [this, raw, kind, done, exempt = layers.referrerOfChecked](Result<OciResolution> res) {
        if (!res) {
            done(res.error());
            return;
        }
        // Checked before the layer comes: an unsigned artifact never takes the bandwidth or the space.
        afterSignature(
            res->reference, res->manifestDigest, Digest(),
            [this, raw, kind, resolution = res.value(), done](Result<SignatureSummary> signature) {
                if (!signature) {
                    done(signature.error());
                    return;
                }
                fetchResolved(raw, kind, resolution, signature.value(), done);
            },
            exempt);
    });
}

void OciSource::fetchResolved(const QString& raw, const QString& kind, const OciResolution& resolution,
                              const SignatureSummary& signature, PullDone done)
{
    // The config travels beside the layer (it is what an export needs to serve the artifact
    // again); fetched in parallel so it adds no round trip, and never a reason to fail the pull.
    auto join = std::make_shared<ConfigJoin>();
    join->pending = keepConfig(resolution);
    if (join->pending) {
        m_oci->fetchSmallBlob(resolution.reference, resolution.manifest.config,
                              [this, join, what = resolution.reference.toString()](Result<QByteArray> config) {
                                  auto settle = [join] {
                                      join->pending = false;
                                      if (join->then) {
                                          std::exchange(join->then, {})();
                                      }
                                  };
                                  if (!config) {
                                      qCInfo(lcClient).noquote()
                                          << "the config of" << what << "was not kept for export:" << config.message();
                                      settle();
                                      return;
                                  }
                                  m_committer.writeInBackground(
                                      [bytes = config.value()](Cache& cache) -> Result<void> {
                                          if (auto kept = cache.storeMetadata(bytes); !kept) {
                                              return kept.error();
                                          }
                                          return {};
                                      },
                                      [settle, what](Result<void> kept) {
                                          if (!kept) {
                                              qCInfo(lcClient).noquote()
                                                  << "the config of" << what
                                                  << "was not kept for export:" << kept.message();
                                          }
                                          settle();
                                      });
                              });
    }
    m_blobs->fetch(raw, kind, resolution,
                   [this, raw, resolution, signature, done, join](const Result<CacheEntry>& entry, bool fetched) {
                       if (!entry) {
                           done(entry.error());
                           return;
                       }
                       // The manifest digests lead to the content from now on, offline too. Written
                       // (and synced) on the committer's pool: a lockfile pull commits hundreds.
                       auto record = [resolution, content = entry->digest](Cache& cache) -> Result<void> {
                           for (const Digest& m : {resolution.manifestDigest, resolution.platformManifestDigest}) {
                               if (!m.isNull()) {
                                   if (auto r = cache.recordManifest(m, content); !r) {
                                       return r;
                                   }
                               }
                           }
                           keepManifests(cache, resolution);
                           return {};
                       };
                       m_committer.writeInBackground(
                           record,
                           [self = QPointer<OciSource>(this), raw, resolution, signature, done, join, entry,
                            fetched](Result<void> recorded) {
                               if (!self) {
                                   return; // the client went away with its pulls
                               }
                               if (!recorded) {
                                   done(recorded.error());
                                   return;
                               }
                               self->recordSignature(entry->digest, signature);
                               PullResult result{raw, resolution.manifestDigest, entry.value(), fetched};
                               if (join->pending) {
                                   join->then = [done, result] { done(result); };
                               } else {
                                   done(result);
                               }
                           });
                   });
}

void OciSource::afterSignature(const OciReference& oci, const Digest& manifest, const Digest& content,
                               std::function<void(Result<SignatureSummary>)> done, bool exempt)
{
    if (!m_signatures->enabled() || exempt) {
        later([done] { done(SignatureSummary{}); });
        return;
    }
    m_signatures->check(oci, manifest, [this, content, done](Result<SignatureSummary> summary) {
        if (summary && !content.isNull()) {
            recordSignature(content, summary.value());
        }
        done(summary);
    });
}

void OciSource::recordSignature(const Digest& content, const SignatureSummary& summary)
{
    if (summary.outcome.isEmpty()) {
        return; // nothing was checked
    }
    (void)m_cache.updateEntry(content, [&summary](CacheEntry& e) {
        e.signatureSummary = summary;
        return true;
    });
}

std::optional<Digest> OciSource::importedTag(const OciReference& oci) const
{
    // Offline, a tag means what `cache import` recorded for it (an air-gapped site's only truth);
    // online it is always asked of the registry.
    if (oci.isDigestPinned()) {
        return std::nullopt;
    }
    return m_cache.taggedManifest(oci);
}

bool OciSource::keepConfig(const OciResolution& resolution)
{
    const OciDescriptor& config = resolution.manifest.config;
    if (config.digest.isNull() || m_cache.hasMetadata(config.digest) || config.size < 0
        || config.size > Cache::kMaxMetadataBytes) {
        return false;
    }
    static const QByteArray empty = QByteArrayLiteral("{}"); // application/vnd.oci.empty.v1+json
    if (config.size == empty.size() && Sha256::hash(empty) == config.digest) {
        (void)m_cache.storeMetadata(empty);
        return false;
    }
    return true;
}

void OciSource::keepManifests(Cache& cache, const OciResolution& resolution)
{
    for (const QByteArray& bytes : {resolution.manifestBytes, resolution.platformManifestBytes}) {
        if (bytes.isEmpty()) {
            continue;
        }
        if (auto kept = cache.storeMetadata(bytes); !kept) {
            qCWarning(lcClient).noquote() << "could not keep the manifest of" << resolution.reference.toString()
                                          << "for export:" << kept.message();
        }
    }
}

} // namespace dist
