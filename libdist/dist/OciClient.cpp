// SPDX-License-Identifier: MIT
#include "OciClient.h"

#include "IngestFile.h"
#include "Logging.h"
#include "Sha256.h"

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
                              std::function<void(Result<std::pair<OciManifest, Digest>>)> done)
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
    exchange->start(req, nullptr, [done, expected, what = req.what](Result<HttpResponse> r) {
        if (!r) {
            done(r.error());
            return;
        }
        const Digest actual = Sha256::hash(r->body);
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
        done(std::make_pair(std::move(manifest).value(), actual));
    });
}

void OciClient::resolve(const OciReference& ref, const LayerPolicy& policy,
                        std::function<void(Result<OciResolution>)> done)
{
    auto base = baseUrl(ref);
    const QString registryUrl = base ? base->toString() : QString();
    fetchManifest(
        ref, ref.manifestReference(), ref.digest(),
        [this, ref, policy, done, registryUrl](Result<std::pair<OciManifest, Digest>> top) {
            if (!top) {
                done(top.error());
                return;
            }
            OciResolution res;
            res.reference = ref;
            res.manifestDigest = top->second;
            res.manifestMediaType = top->first.mediaType;
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
            if (!top->first.isIndex()) {
                finishWith(std::move(res), std::move(top->first));
                return;
            }
            auto entry = selectFromIndex(top->first, QStringLiteral("linux"), hostOciArchitecture());
            if (!entry) {
                done(makeError(entry.code(), QStringLiteral("%1: %2").arg(ref.toString(), entry.message())));
                return;
            }
            const Digest platformDigest = entry->digest;
            qCDebug(lcOci).noquote() << ref.toString() << "is an index; using" << platformDigest.toString();
            fetchManifest(
                ref, platformDigest.toString(), platformDigest,
                [res, finishWith, platformDigest, done](Result<std::pair<OciManifest, Digest>> image) mutable {
                    if (!image) {
                        done(image.error());
                        return;
                    }
                    if (image->first.isIndex()) {
                        done(makeError(ErrorCode::Protocol, QStringLiteral("nested image indexes are not supported")));
                        return;
                    }
                    res.platformManifestDigest = platformDigest;
                    finishWith(std::move(res), std::move(image->first));
                });
        });
}

HttpExchange* OciClient::fetchBlob(const OciReference& ref, const OciDescriptor& blob, IngestFile* sink,
                                   std::function<void(Result<void>)> done, HttpExchange::Progress progress)
{
    auto* exchange = new HttpExchange(m_nam, m_auth, m_options, this);
    auto base = baseUrl(ref);
    if (!base) {
        QTimer::singleShot(0, this, [done, e = base.error()] { done(e); });
        exchange->deleteLater();
        return nullptr;
    }
    HttpRequest req;
    req.url = base.value();
    req.url.setPath(QStringLiteral("/v2/%1/blobs/%2").arg(ref.repository(), blob.digest.toString()));
    req.authHost = ref.registry();
    req.authTenant = ref.authTenant();
    req.authScope = scope(ref);
    req.expectedSize = blob.size;
    req.what = QStringLiteral("%1@%2").arg(ref.repositoryPath(), blob.digest.toString());
    exchange->start(
        req, sink,
        [done](Result<HttpResponse> r) {
            if (!r) {
                done(r.error());
                return;
            }
            done({});
        },
        std::move(progress));
    return exchange;
}

} // namespace dist
