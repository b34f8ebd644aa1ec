// SPDX-License-Identifier: MIT
#include "OciClient.h"

#include <net/RangedDownload.h>

#include <cache/IngestFile.h>
#include <core/Logging.h>
#include <core/Sha256.h>

#include <QTimer>
#include <QUrlQuery>

namespace dist {

OciClient::OciClient(QNetworkAccessManager* nam, RegistryAuth* auth, const HttpOptions& options, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_auth(auth)
    , m_options(options)
{
}

QString OciClient::scope(const OciReference& ref)
{
    return QStringLiteral("repository:%1:pull").arg(ref.repository());
}

Result<QUrl> OciClient::baseUrl(const OciReference& ref) const
{
    QString host = ref.registry();
    if (host == u"docker.io" || host == u"index.docker.io") {
        host = QStringLiteral("registry-1.docker.io");
    }
    const bool insecure = m_options.insecureRegistries.contains(ref.registry())
        || (m_options.allowInsecureLocalHttp && ref.isLoopbackRegistry());
    QUrl url(QStringLiteral("%1://%2").arg(insecure ? QStringLiteral("http") : QStringLiteral("https"), host));
    if (!url.isValid()) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid registry host `%1`").arg(host));
    }
    return url;
}

void OciClient::fetchManifest(const OciReference& ref, const QString& reference, const Digest& expected,
                              std::function<void(Result<OciFetchedManifest>)> done, qint64 expectedSize)
{
    auto base = baseUrl(ref);
    if (!base) {
        QTimer::singleShot(0, this, [done, e = base.error()] { done(e); });
        return;
    }
    HttpRequest req;
    req.url = base.value();
    req.url.setPath(QStringLiteral("/v2/%1/manifests/%2").arg(ref.repository(), reference));
    req.headers.append({QByteArrayLiteral("Accept"), MediaTypes::manifestAccept()});
    req.authHost = ref.registry();
    req.authTenant = ref.authTenant();
    req.authScope = scope(ref);
    req.maxBodyBytes = 4 << 20;
    req.what = ref.repositoryPath() + (reference.startsWith(QLatin1String("sha256:")) ? u'@' : u':') + reference;
    auto* exchange = new HttpExchange(m_nam, m_auth, m_options, this);
    exchange->start(req, nullptr, [done, expected, expectedSize, what = req.what](Result<HttpResponse> r) {
        if (!r) {
            done(r.error());
            return;
        }
        const Digest actual = Sha256::hash(r->body);
        // A descriptor's size is part of what it pins (OCI image spec): an index that lies about it
        // is as wrong as one that lies about the digest.
        if (expectedSize >= 0 && r->body.size() != expectedSize) {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("corrupt artifact `%1`: the manifest is %2 bytes but its descriptor "
                                          "declares %3")
                               .arg(what)
                               .arg(r->body.size())
                               .arg(expectedSize)));
            return;
        }
        const QByteArray claimed = r->header("Docker-Content-Digest");
        if (!claimed.isEmpty() && QString::fromLatin1(claimed.trimmed()) != actual.toString()) {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("corrupt artifact `%1`: the registry says the manifest "
                                          "is %2 but its bytes hash to %3")
                               .arg(what, QString::fromLatin1(claimed.trimmed()), actual.toString())));
            return;
        }
        if (!expected.isNull() && actual != expected) {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("corrupt artifact `%1`: manifest digest %2 does not "
                                          "match the pinned %3")
                               .arg(what, actual.toString(), expected.toString())));
            return;
        }
        auto manifest = OciManifest::parse(r->body, QString::fromLatin1(r->header("Content-Type")));
        if (!manifest) {
            done(makeError(manifest.code(), QStringLiteral("%1: %2").arg(what, manifest.message())));
            return;
        }
        done(OciFetchedManifest{std::move(manifest).value(), actual, r->body});
    });
}

void OciClient::setRegistries(std::shared_ptr<const RegistriesConf> registries)
{
    m_registries = std::move(registries);
    if (m_registries) {
        for (const QString& host : m_registries->insecureHosts()) {
            if (!m_options.insecureRegistries.contains(host)) {
                m_options.insecureRegistries.append(host);
            }
        }
    }
}

void OciClient::cancelAll()
{
    for (const auto& e : std::as_const(m_exchanges)) {
        if (e) {
            e->cancel();
        }
    }
    m_exchanges.clear();
    for (const auto& r : std::as_const(m_ranged)) {
        if (r) {
            r->cancel();
        }
    }
    m_ranged.clear();
}

Result<QList<OciEndpoint>> OciClient::endpointsFor(const OciReference& ref, bool byDigest) const
{
    if (!m_registries) {
        return QList<OciEndpoint>{OciEndpoint{ref, false, false}};
    }
    return m_registries->endpoints(ref, byDigest);
}

void OciClient::resolve(const OciReference& ref, const LayerPolicy& policy,
                        std::function<void(Result<OciResolution>)> done)
{
    // A tag is resolved only where tags may be resolved (mirror-by-digest-only sends it to the origin).
    auto endpoints = endpointsFor(ref, ref.isDigestPinned());
    if (!endpoints) {
        QTimer::singleShot(0, this, [done, e = endpoints.error()] { done(e); });
        return;
    }
    resolveFrom(std::make_shared<QList<OciEndpoint>>(endpoints.value()), 0, policy,
                [ref, done](Result<OciResolution> r) {
                    if (r) {
                        r->reference = ref; // the name the user asked for, wherever the bytes came from
                    }
                    done(std::move(r));
                });
}

void OciClient::resolveFrom(std::shared_ptr<QList<OciEndpoint>> endpoints, qsizetype i, const LayerPolicy& policy,
                            std::function<void(Result<OciResolution>)> done)
{
    const OciEndpoint endpoint = endpoints->at(i);
    resolveAt(endpoint.reference, policy, [this, endpoints, i, policy, done, endpoint](Result<OciResolution> r) {
        if (!r && r.code() != ErrorCode::Cancelled && i + 1 < endpoints->size()) {
            qCInfo(lcOci).noquote() << "mirror" << endpoint.reference.registry() << "failed for"
                                    << endpoint.reference.toString() << "(" << r.message() << "); trying"
                                    << endpoints->at(i + 1).reference.registry();
            resolveFrom(endpoints, i + 1, policy, done);
            return;
        }
        done(std::move(r));
    });
}

void OciClient::resolveAt(const OciReference& ref, const LayerPolicy& policy,
                          std::function<void(Result<OciResolution>)> done)
{
    auto base = baseUrl(ref);
    const QString registryUrl = base ? base->toString() : QString();
    fetchManifest(
        ref, ref.manifestReference(), ref.digest(),
        [this, ref, policy, done, registryUrl](Result<OciFetchedManifest> top) {
            if (!top) {
                done(top.error());
                return;
            }
            OciResolution res;
            res.reference = ref;
            res.manifestDigest = top->digest;
            res.manifestMediaType = top->manifest.mediaType;
            res.manifestBytes = top->bytes;
            res.registryUrl = registryUrl;
            auto finishWith = [policy, done](OciResolution res, OciManifest image) {
                auto choice = policy.select(image);
                if (!choice) {
                    done(choice.error());
                    return;
                }
                res.manifest = std::move(image);
                res.choice = choice.value();
                done(std::move(res));
            };
            if (!top->manifest.isIndex()) {
                finishWith(std::move(res), std::move(top->manifest));
                return;
            }
            auto entry
                = selectFromIndex(top->manifest, QStringLiteral("linux"), hostOciArchitecture(), policy.platform);
            if (!entry) {
                done(makeError(entry.code(), QStringLiteral("%1: %2").arg(ref.toString(), entry.message())));
                return;
            }
            const Digest platformDigest = entry->digest;
            qCDebug(lcOci).noquote() << ref.toString() << "is an index; using" << platformDigest.toString();
            fetchManifest(
                ref, platformDigest.toString(), platformDigest,
                [res, finishWith, platformDigest, done](Result<OciFetchedManifest> image) mutable {
                    if (!image) {
                        done(image.error());
                        return;
                    }
                    if (image->manifest.isIndex()) {
                        done(makeError(ErrorCode::Protocol, QStringLiteral("nested image indexes are not supported")));
                        return;
                    }
                    res.platformManifestDigest = platformDigest;
                    res.platformManifestBytes = image->bytes;
                    finishWith(std::move(res), std::move(image->manifest));
                },
                entry->size);
        });
}

void OciClient::referrers(const OciReference& ref, const Digest& subject, const QString& artifactType,
                          std::function<void(Result<OciReferrers>)> done)
{
    auto base = baseUrl(ref);
    if (!base) {
        QTimer::singleShot(0, this, [done, e = base.error()] { done(e); });
        return;
    }
    auto keep = [artifactType](const QList<OciDescriptor>& all, bool filtered) {
        QList<OciDescriptor> kept;
        for (const OciDescriptor& d : all) {
            if (filtered || artifactType.isEmpty() || d.artifactType == artifactType) {
                kept.append(d);
            }
        }
        return kept;
    };
    HttpRequest req;
    req.url = base.value();
    req.url.setPath(QStringLiteral("/v2/%1/referrers/%2").arg(ref.repository(), subject.toString()));
    if (!artifactType.isEmpty()) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("artifactType"), artifactType);
        req.url.setQuery(query);
    }
    req.headers.append({QByteArrayLiteral("Accept"), MediaTypes::OciIndex.toLatin1()});
    req.authHost = ref.registry();
    req.authTenant = ref.authTenant();
    req.authScope = scope(ref);
    req.maxBodyBytes = 4 << 20;
    req.what = QStringLiteral("referrers of %1@%2").arg(ref.repositoryPath(), subject.toString());
    auto* exchange = new HttpExchange(m_nam, m_auth, m_options, this);
    exchange->start(req, nullptr, [this, ref, subject, keep, done, what = req.what](Result<HttpResponse> r) {
        if (r) {
            auto index = OciManifest::parse(r->body, MediaTypes::OciIndex);
            if (!index || !index->isIndex()) {
                done(makeError(ErrorCode::Protocol,
                               QStringLiteral("%1: the registry's answer is not an image index%2")
                                   .arg(what, index ? QString() : QStringLiteral(": ") + index.message())));
                return;
            }
            const bool filtered = r->header("OCI-Filters-Applied").contains("artifactType");
            done(OciReferrers{keep(index->manifests, filtered), true});
            return;
        }
        if (r.code() != ErrorCode::NotFound) {
            done(r.error());
            return;
        }
        // No referrers API: the tag schema, an index under sha256-<hex> that pushers keep current.
        const QString tag = QStringLiteral("sha256-") + subject.hex();
        fetchManifest(ref, tag, Digest(), [this, ref, keep, done](Result<OciFetchedManifest> fallback) {
            if (!fallback) {
                if (fallback.code() == ErrorCode::NotFound) {
                    done(OciReferrers{});
                } else {
                    done(fallback.error());
                }
                return;
            }
            if (!fallback->manifest.isIndex()) {
                done(OciReferrers{});
                return;
            }
            // An index written by an older tool may lack artifactType: the manifests say it.
            completeArtifactTypes(ref, std::make_shared<QList<OciDescriptor>>(fallback->manifest.manifests), 0,
                                  [keep, done](QList<OciDescriptor> all) {
                                      done(OciReferrers{keep(all, false), false});
                                  });
        });
    });
}

void OciClient::completeArtifactTypes(const OciReference& ref, std::shared_ptr<QList<OciDescriptor>> list, qsizetype i,
                                      std::function<void(QList<OciDescriptor>)> done)
{
    constexpr qsizetype kMaxLookups = 32;
    while (i < list->size() && i < kMaxLookups
           && (!list->at(i).artifactType.isEmpty() || !MediaTypes::isManifest(list->at(i).mediaType))) {
        ++i;
    }
    if (i >= list->size() || i >= kMaxLookups) {
        QTimer::singleShot(0, this, [list, done] { done(*list); });
        return;
    }
    const OciDescriptor d = list->at(i);
    fetchManifest(
        ref, d.digest.toString(), d.digest,
        [this, ref, list, i, done](Result<OciFetchedManifest> m) {
            if (m) {
                (*list)[i].artifactType
                    = m->manifest.artifactType.isEmpty() ? m->manifest.config.mediaType : m->manifest.artifactType;
            }
            completeArtifactTypes(ref, list, i + 1, done);
        },
        d.size);
}

HttpRequest OciClient::blobRequest(const QUrl& base, const OciReference& at, const OciDescriptor& blob)
{
    HttpRequest req;
    req.url = base;
    req.url.setPath(QStringLiteral("/v2/%1/blobs/%2").arg(at.repository(), blob.digest.toString()));
    req.authHost = at.registry();
    req.authTenant = at.authTenant();
    req.authScope = scope(at);
    req.expectedSize = blob.size;
    req.what = QStringLiteral("%1@%2").arg(at.repositoryPath(), blob.digest.toString());
    return req;
}

void OciClient::fetchSmallBlob(const OciReference& ref, const OciDescriptor& blob,
                               std::function<void(Result<QByteArray>)> done)
{
    auto endpoints = endpointsFor(ref, true);
    auto base = endpoints && !endpoints->isEmpty() ? baseUrl(endpoints->first().reference) : Result<QUrl>(QUrl());
    if (!endpoints || !base) {
        QTimer::singleShot(0, this, [done, e = endpoints ? base.error() : endpoints.error()] { done(e); });
        return;
    }
    const OciReference at = endpoints->first().reference;
    HttpRequest req = blobRequest(base.value(), at, blob);
    req.maxBodyBytes = 4 << 20;
    req.what = QStringLiteral("%1@%2").arg(ref.repositoryPath(), blob.digest.toString());
    auto* exchange = new HttpExchange(m_nam, m_auth, m_options, this);
    m_exchanges.removeAll(nullptr);
    m_exchanges.append(exchange);
    exchange->start(req, nullptr, [done, blob, what = req.what](Result<HttpResponse> r) {
        if (!r) {
            done(r.error());
            return;
        }
        if (Sha256::hash(r->body) != blob.digest || (blob.size >= 0 && r->body.size() != blob.size)) {
            done(makeError(
                ErrorCode::Integrity,
                QStringLiteral("corrupt artifact `%1`: the blob's bytes do not match its descriptor").arg(what)));
            return;
        }
        done(r->body);
    });
}

void OciClient::fetchBlob(const OciReference& ref, const OciDescriptor& blob, IngestFile* sink,
                          std::function<void(Result<QString>)> done, HttpExchange::Progress progress)
{
    auto endpoints = endpointsFor(ref, true);
    if (!endpoints) {
        QTimer::singleShot(0, this, [done, e = endpoints.error()] { done(e); });
        return;
    }
    fetchBlobFrom(std::make_shared<QList<OciEndpoint>>(endpoints.value()), 0, blob, sink, std::move(done),
                  std::move(progress));
}

void OciClient::fetchBlobFrom(std::shared_ptr<QList<OciEndpoint>> endpoints, qsizetype i, const OciDescriptor& blob,
                              IngestFile* sink, std::function<void(Result<QString>)> done,
                              HttpExchange::Progress progress)
{
    const OciReference ref = endpoints->at(i).reference;
    auto base = baseUrl(ref);
    if (!base) {
        QTimer::singleShot(0, this, [done, e = base.error()] { done(e); });
        return;
    }
    const HttpRequest req = blobRequest(base.value(), ref, blob);
    const QString source = base->toString() + u'/' + ref.repository();
    HttpExchange::Finished fetched = [this, endpoints, i, blob, sink, done, progress, source](Result<HttpResponse> r) {
        if (!r && r.code() != ErrorCode::Cancelled && i + 1 < endpoints->size()) {
            qCInfo(lcOci).noquote() << "mirror" << endpoints->at(i).reference.registry() << "failed for"
                                    << blob.digest.toString() << "(" << r.message() << "); trying"
                                    << endpoints->at(i + 1).reference.registry();
            // What a mirror delivered wrongly must not be resumed elsewhere.
            if (r.code() == ErrorCode::Integrity) {
                if (auto restarted = sink->restart(); !restarted) {
                    done(restarted.error());
                    return;
                }
            }
            fetchBlobFrom(endpoints, i + 1, blob, sink, done, progress);
            return;
        }
        if (!r) {
            done(r.error());
            return;
        }
        done(source);
    };
    if (m_options.rangedConnections > 1 && blob.size - sink->size() >= m_options.rangedMinBytes) {
        auto* ranged = new RangedDownload(m_nam, m_auth, m_options, this);
        m_ranged.removeAll(nullptr);
        m_ranged.append(ranged);
        ranged->start(req, sink, std::move(fetched), std::move(progress));
        return;
    }
    auto* exchange = new HttpExchange(m_nam, m_auth, m_options, this);
    m_exchanges.removeAll(nullptr);
    m_exchanges.append(exchange);
    exchange->start(req, sink, std::move(fetched), std::move(progress));
}

} // namespace dist
