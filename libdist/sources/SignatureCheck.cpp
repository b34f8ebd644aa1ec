// SPDX-License-Identifier: MIT
#include "SignatureCheck.h"

#include <cache/Cache.h>
#include <core/Logging.h>
#include <core/Sha256.h>

#include <QTimer>

namespace dist {

namespace {
constexpr qsizetype kMaxReferrers = 32; // signature candidates looked at per manifest
} // namespace

struct SignatureCandidate
{
    Digest digest;
    QByteArray bytes; // empty until fetched
    bool tagged = false; // came from the .sig tag (recorded as that tag when it verifies)
};

struct SignatureCheck::Attempt
{
    OciReference ref;
    OciReference signatureTag;
    Digest manifest;
    std::function<void(Result<SignatureSummary>)> done;
    QList<SignatureCandidate> candidates;
    int payloads = 0; // simple-signing payloads seen
    QString reason; // why the last one failed
    std::optional<SignatureSummary> passed;
    bool fromCacheOnly = true;
};

SignatureCheck::SignatureCheck(Cache& cache, OciClient& oci, QList<CosignPublicKey> keys, bool offline, QObject* parent)
    : QObject(parent)
    , m_cache(cache)
    , m_oci(oci)
    , m_keys(std::move(keys))
    , m_offline(offline)
{
}

void SignatureCheck::check(const OciReference& ref, const Digest& manifest,
                           std::function<void(Result<SignatureSummary>)> done)
{
    auto attempt = std::make_shared<Attempt>();
    attempt->ref = ref;
    attempt->manifest = manifest;
    attempt->done = std::move(done);
    auto tagRef = OciReference::parse(ref.repositoryPath() + u':' + Cosign::signatureTag(manifest));
    if (!tagRef) {
        QTimer::singleShot(0, this, [attempt, e = tagRef.error()] { attempt->done(e); });
        return;
    }
    tagRef->setAuthTenant(ref.authTenant());
    attempt->signatureTag = tagRef.value();
    // What the cache kept: enough offline, and no round trip online. A verified signature is kept
    // under the .sig tag wherever it was found; referrers pulled with --with-referrers count too.
    if (auto kept = m_cache.taggedManifest(attempt->signatureTag)) {
        if (auto bytes = m_cache.metadata(*kept)) {
            attempt->candidates.append(SignatureCandidate{*kept, bytes.value(), true});
        }
    }
    for (const Digest& content : m_cache.referrersOf(manifest)) {
        auto entry = m_cache.stat(content);
        auto digest = entry ? Digest::parse(entry->manifestDigest) : Result<Digest>(entry.error());
        if (digest && attempt->candidates.size() < kMaxReferrers) {
            if (auto bytes = m_cache.metadata(digest.value())) {
                attempt->candidates.append(SignatureCandidate{digest.value(), bytes.value(), false});
            }
        }
    }
    QTimer::singleShot(0, this, [this, attempt] { tryManifests(attempt); });
}

void SignatureCheck::fromRegistry(std::shared_ptr<Attempt> attempt)
{
    attempt->fromCacheOnly = false;
    m_oci.fetchManifest(
        attempt->signatureTag, Cosign::signatureTag(attempt->manifest), Digest(),
        [this, attempt](Result<OciFetchedManifest> tagged) {
            if (tagged) {
                attempt->candidates.append(SignatureCandidate{tagged->digest, tagged->bytes, true});
            } else if (tagged.code() != ErrorCode::NotFound) {
                attempt->done(tagged.error());
                return;
            }
            m_oci.referrers(attempt->ref, attempt->manifest, QString(), [this, attempt](Result<OciReferrers> found) {
                if (!found) {
                    // A registry that answers the referrers API badly has no signatures there; the
                    // .sig tag may still hold one.
                    attempt->reason = found.message();
                    tryManifests(attempt);
                    return;
                }
                for (const OciDescriptor& d : std::as_const(found->descriptors)) {
                    if (attempt->candidates.size() >= kMaxReferrers) {
                        break;
                    }
                    if (MediaTypes::isManifest(d.mediaType)) {
                        attempt->candidates.append(SignatureCandidate{d.digest, {}, false});
                    }
                }
                tryManifests(attempt);
            });
        });
}

void SignatureCheck::tryManifests(std::shared_ptr<Attempt> attempt)
{
    if (attempt->candidates.isEmpty()) {
        if (attempt->fromCacheOnly && !m_offline) {
            fromRegistry(attempt);
            return;
        }
        finish(attempt);
        return;
    }
    SignatureCandidate next = attempt->candidates.takeFirst();
    auto withBytes = [this, attempt, next](const QByteArray& bytes) {
        auto manifest = OciManifest::parse(bytes, MediaTypes::OciManifest);
        if (!manifest || manifest->isIndex()) {
            attempt->reason = QStringLiteral("signature manifest %1 does not parse").arg(next.digest.toString());
            tryManifests(attempt);
            return;
        }
        SignatureCandidate read = next;
        read.bytes = bytes;
        tryLayers(attempt, read, manifest.value(), 0);
    };
    if (!next.bytes.isEmpty()) {
        withBytes(next.bytes);
        return;
    }
    if (auto kept = m_cache.metadata(next.digest)) {
        withBytes(kept.value());
        return;
    }
    if (m_offline) {
        tryManifests(attempt);
        return;
    }
    m_oci.fetchManifest(attempt->ref, next.digest.toString(), next.digest,
                        [this, attempt, withBytes](Result<OciFetchedManifest> fetched) {
                            if (!fetched) {
                                attempt->reason = fetched.message();
                                tryManifests(attempt);
                                return;
                            }
                            withBytes(fetched->bytes);
                        });
}

void SignatureCheck::tryLayers(std::shared_ptr<Attempt> attempt, const SignatureCandidate& candidate,
                               OciManifest manifest, qsizetype layer)
{
    while (layer < manifest.layers.size() && manifest.layers.at(layer).mediaType != Cosign::SimpleSigningLayer) {
        ++layer;
    }
    if (layer >= manifest.layers.size()) {
        tryManifests(attempt);
        return;
    }
    const OciDescriptor payload = manifest.layers.at(layer);
    auto withPayload = [this, attempt, candidate, manifest, layer, payload](const QByteArray& bytes) {
        ++attempt->payloads;
        const QString signature = payload.annotations.value(Cosign::SignatureAnnotation);
        auto key = signature.isEmpty()
            ? Result<CosignPublicKey>(makeError(ErrorCode::Integrity, QStringLiteral("a payload carries no signature")))
            : Cosign::verify(bytes, signature, attempt->manifest, m_keys);
        if (!key) {
            attempt->reason = key.message();
            tryLayers(attempt, candidate, manifest, layer + 1);
            return;
        }
        // Kept once verified, for offline checks and exports.
        (void)m_cache.storeMetadata(candidate.bytes);
        (void)m_cache.storeMetadata(bytes);
        (void)m_cache.recordTag(attempt->signatureTag, candidate.digest);
        attempt->passed = SignatureSummary{
            QStringLiteral("passed"),
            QStringLiteral("cosign %1 key %2 (%3)").arg(key->algorithm(), key->fingerprint().left(16), key->origin())};
        attempt->candidates.clear();
        finish(attempt);
    };
    if (auto kept = m_cache.metadata(payload.digest)) {
        withPayload(kept.value());
        return;
    }
    if (m_offline || payload.size > Cache::kMaxMetadataBytes) {
        attempt->reason = QStringLiteral("the signed payload %1 is not in the cache").arg(payload.digest.toString());
        tryLayers(attempt, candidate, manifest, layer + 1);
        return;
    }
    m_oci.fetchSmallBlob(attempt->ref, payload,
                         [this, attempt, candidate, manifest, layer, withPayload](Result<QByteArray> b) {
                             if (!b) {
                                 attempt->reason = b.message();
                                 tryLayers(attempt, candidate, manifest, layer + 1);
                                 return;
                             }
                             withPayload(b.value());
                         });
}

void SignatureCheck::finish(std::shared_ptr<Attempt> attempt)
{
    if (attempt->passed) {
        qCInfo(lcClient).noquote() << attempt->ref.repositoryPath() + u'@' + attempt->manifest.toString()
                                   << "signature verified:" << attempt->passed->detail;
        attempt->done(*attempt->passed);
        return;
    }
    const QString what = attempt->ref.repositoryPath() + u'@' + attempt->manifest.toString();
    if (attempt->payloads == 0) {
        attempt->done(makeError(
            ErrorCode::Integrity,
            QStringLiteral("signature check failed for `%1`: no cosign signature found (no %2 tag "
                           "and no signature among its referrers%3)")
                .arg(what, Cosign::signatureTag(attempt->manifest),
                     m_offline ? QStringLiteral("; offline, only what the cache holds was looked at") : QString())));
        return;
    }
    attempt->done(makeError(ErrorCode::Integrity,
                            QStringLiteral("signature check failed for `%1`: %2").arg(what, attempt->reason)));
}

} // namespace dist
