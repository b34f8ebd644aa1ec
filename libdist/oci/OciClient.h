// SPDX-License-Identifier: MIT
#pragma once

#include "OciManifest.h"
#include <config/RegistriesConf.h>
#include <core/Result.h>
#include <net/HttpExchange.h>
#include <net/HttpOptions.h>
#include <ref/OciReference.h>

#include <QObject>
#include <QUrl>

#include <QList>
#include <QPointer>

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace dist {

class IngestFile;
class RangedDownload;
class RegistryAuth;

struct OciResolution
{
    OciReference reference;
    Digest manifestDigest; // what the reference resolves to: the pin (an index digest for an index)
    QString manifestMediaType;
    Digest platformManifestDigest; // the image manifest chosen from an index, else null
    OciManifest manifest; // the image manifest
    QByteArray manifestBytes; // the document `manifestDigest` names, as served
    QByteArray platformManifestBytes; // the image manifest chosen from an index, as served
    LayerChoice choice;
    QString registryUrl; // scheme://host, where it came from
};

// A manifest or index as served: parsed, its digest and its bytes.
struct OciFetchedManifest
{
    OciManifest manifest;
    Digest digest;
    QByteArray bytes;
};

struct OciReferrers
{
    QList<OciDescriptor> descriptors;
    bool viaApi = false; // false: the tag schema fallback
};

// Speaks the OCI distribution API to one registry at a time: manifests (with indexes and layer
// selection) and blobs (streamed, resumable). Registries are reached over https; plain http only for
// loopback hosts when allowed, or for hosts listed as insecure.
class OciClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OciClient)

public:
    OciClient(QNetworkAccessManager* nam, RegistryAuth* auth, const HttpOptions& options, QObject* parent = nullptr);

    Result<QUrl> baseUrl(const OciReference& ref) const;

    // Mirrors from registries.conf: tried in order before the origin, for the requests each may serve.
    void setRegistries(std::shared_ptr<const RegistriesConf> registries);
    const RegistriesConf* registries() const { return m_registries.get(); }

    void resolve(const OciReference& ref, const LayerPolicy& policy, std::function<void(Result<OciResolution>)> done);
    // Streams a blob into `sink` (resuming from its current size), from a mirror or the origin; `done`
    // gets where it came from (scheme://host/repository).
    void fetchBlob(const OciReference& ref, const OciDescriptor& blob, IngestFile* sink,
                   std::function<void(Result<QString>)> done, HttpExchange::Progress progress = {});
    // A manifest by tag or digest (`reference`), checked against `expected` when that is set.
    void fetchManifest(const OciReference& ref, const QString& reference, const Digest& expected,
                       std::function<void(Result<OciFetchedManifest>)> done, qint64 expectedSize = -1);
    // The artifacts whose subject is `subject` (OCI 1.1): the referrers API where the registry has
    // it, else the sha256-<hex> tag schema; an empty list when neither has any. Filtered to
    // `artifactType` when given (by the registry if it says so, else here).
    void referrers(const OciReference& ref, const Digest& subject, const QString& artifactType,
                   std::function<void(Result<OciReferrers>)> done);
    // A small blob (a config) in memory, checked against its descriptor's digest and size.
    void fetchSmallBlob(const OciReference& ref, const OciDescriptor& blob,
                        std::function<void(Result<QByteArray>)> done);
    void cancelAll();

private:
    void resolveFrom(std::shared_ptr<QList<OciEndpoint>> endpoints, qsizetype i, const LayerPolicy& policy,
                     std::function<void(Result<OciResolution>)> done);
    void resolveAt(const OciReference& ref, const LayerPolicy& policy, std::function<void(Result<OciResolution>)> done);
    void fetchBlobFrom(std::shared_ptr<QList<OciEndpoint>> endpoints, qsizetype i, const OciDescriptor& blob,
                       IngestFile* sink, std::function<void(Result<QString>)> done, HttpExchange::Progress progress);
    Result<QList<OciEndpoint>> endpointsFor(const OciReference& ref, bool byDigest) const;
    void completeArtifactTypes(const OciReference& ref, std::shared_ptr<QList<OciDescriptor>> list, qsizetype i,
                               std::function<void(QList<OciDescriptor>)> done);
    static QString scope(const OciReference& ref);
    static HttpRequest blobRequest(const QUrl& base, const OciReference& at, const OciDescriptor& blob);

    QNetworkAccessManager* m_nam;
    RegistryAuth* m_auth;
    HttpOptions m_options;
    std::shared_ptr<const RegistriesConf> m_registries;
    QList<QPointer<HttpExchange>> m_exchanges;
    QList<QPointer<RangedDownload>> m_ranged;
};

} // namespace dist
