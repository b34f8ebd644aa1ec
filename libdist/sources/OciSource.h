// SPDX-License-Identifier: MIT
#pragma once

#include <oci/OciClient.h>
#include <pull/PullSource.h>
#include <pull/ReferenceMapper.h>

class QNetworkAccessManager;

namespace dist {

class BlobFetches;
class Cache;
class CacheCommitter;
class CredentialProvider;
class RegistryAuth;
class SignatureCheck;
struct DistOptions;

// oci://, repo:// and store:// references: mapped onto a registry (ReferenceMapper), resolved to a
// manifest and a layer (OciClient, mirrors first), the layer brought in by BlobFetches. A
// digest-pinned reference already in the cache is served without the network, offline too.
class OciSource final : public PullSource
{
    Q_OBJECT

public:
    OciSource(QNetworkAccessManager* nam, const DistOptions& options, Cache& cache, CacheCommitter& committer,
              const CredentialProvider* credentials, QObject* parent = nullptr);
    ~OciSource() override;

    void resolve(const PullRequest& request, ResolveDone done) override;
    void fetch(const PullRequest& request, PullDone done) override;
    // The image read with another layer rule (a pack: LayerPolicy::packOnly).
    void fetchWith(const PullRequest& request, const LayerPolicy& layers, PullDone done);

    const ReferenceMapper& mapper() const { return m_mapper; }
    OciClient& client() { return *m_oci; }
    // store://greentic-biz pulls need the tenant's saved token before anything goes out.
    void withTenantCredentials(const OciReference& oci, std::function<void(Result<void>)> then);
    void cancelAll();

private:
    void pullPinned(const PullRequest& request, OciReference oci, const LayerPolicy& layers, PullDone done);
    void fetchBlob(const QString& raw, const QString& kind, const OciReference& oci, const LayerPolicy& layers,
                   PullDone done);
    // Whether the manifest's config still has to be fetched for the metadata store (an empty
    // config is stored on the spot).
    bool keepConfig(const OciResolution& resolution);
    std::optional<Digest> importedTag(const OciReference& oci) const;
    static void keepManifests(Cache& cache, const OciResolution& resolution);
    // `done`, once the signature check (when keys are set) has passed for `manifest`; the summary is
    // recorded in the entry `content` when there is one.
    void afterSignature(const OciReference& oci, const Digest& manifest, const Digest& content,
                        std::function<void(Result<SignatureSummary>)> done, bool exempt = false);
    void recordSignature(const Digest& content, const SignatureSummary& summary);
    void fetchResolved(const QString& raw, const QString& kind, const OciResolution& resolution,
                       const SignatureSummary& signature, PullDone done);

    struct ConfigJoin
    {
        bool pending = false;
        std::function<void()> then; // the pull's answer, held until the config is in
    };

    const DistOptions& m_options;
    Cache& m_cache;
    CacheCommitter& m_committer;
    const CredentialProvider* m_credentials;
    ReferenceMapper m_mapper;
    RegistryAuth* m_auth;
    OciClient* m_oci;
    BlobFetches* m_blobs;
    SignatureCheck* m_signatures;
};

} // namespace dist
