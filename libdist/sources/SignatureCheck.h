// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheEntry.h>
#include <core/Result.h>
#include <oci/OciClient.h>
#include <trust/CosignSignature.h>

#include <QList>
#include <QObject>

#include <functional>
#include <memory>

namespace dist {

class Cache;
struct SignatureCandidate;

// Checks that a manifest carries a cosign signature by one of the operator's keys (key-based
// mode). Signature manifests come from the `sha256-<hex>.sig` tag and from the OCI 1.1 referrers
// whose layers are simple-signing payloads; what the cache kept is tried first (offline, that is
// all there is), and what the registry serves is kept (manifest, payloads, the tag) so later
// checks, offline ones and exports have it. Every failure is an Integrity error with the reason.
class SignatureCheck final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SignatureCheck)

public:
    SignatureCheck(Cache& cache, OciClient& oci, QList<CosignPublicKey> keys, bool offline, QObject* parent = nullptr);

    bool enabled() const { return !m_keys.isEmpty(); }
    // `ref` names the repository (its tag or digest does not matter); `manifest` is what is signed.
    void check(const OciReference& ref, const Digest& manifest, std::function<void(Result<SignatureSummary>)> done);

private:
    struct Attempt;
    void fromRegistry(std::shared_ptr<Attempt> attempt);
    void tryManifests(std::shared_ptr<Attempt> attempt);
    void tryLayers(std::shared_ptr<Attempt> attempt, const SignatureCandidate& candidate, OciManifest manifest,
                   qsizetype layer);
    void finish(std::shared_ptr<Attempt> attempt);

    Cache& m_cache;
    OciClient& m_oci;
    QList<CosignPublicKey> m_keys;
    bool m_offline;
};

} // namespace dist
