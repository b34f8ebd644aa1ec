// SPDX-License-Identifier: MIT
#include "PackRegistryClient.h"

#include "PackHttp.h"
#include "PackTokenSource.h"
#include <core/Logging.h>
#include <net/RetryPolicy.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace dist {

struct PackRegistryClient::Call
{
    QUrl url;
    QByteArray method = QByteArrayLiteral("GET");
    QList<QPair<QByteArray, QByteArray>> headers;
    qint64 maxBody = 4 << 20;
    QString what; // "pack x@1.0.0", "keys manifest", …
    QString name;
    QString version;
    int retries = 0;
    bool reauthed = false;
    std::function<void(Result<HttpResponse>)> done;
};

namespace {

// `: <error> - <message>` from a JSON error body, or a short excerpt of a text body.
QString errorDetail(const QByteArray& body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    QStringList parts;
    for (const char* key : {"error", "message"}) {
        const QString v = o.value(QLatin1String(key)).toString();
        if (!v.isEmpty()) {
            parts.append(PackHttp::excerpt(v.toUtf8()));
        }
    }
    if (parts.isEmpty() && !body.trimmed().isEmpty() && !body.trimmed().startsWith('{')) {
        parts.append(PackHttp::excerpt(body));
    }
    return parts.isEmpty() ? QString() : QStringLiteral(": ") + parts.join(QStringLiteral(" - "));
}

QString headerText(const HttpResponse& r, const QByteArray& name)
{
    const QByteArray v = r.header(name);
    for (char c : v) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
            return QString(); // assay treats non-visible-ASCII header values as absent
        }
    }
    return QString::fromLatin1(v).trimmed();
}

QString segment(const QString& s)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(s));
}

} // namespace

PackRegistryClient::PackRegistryClient(QNetworkAccessManager* nam, const PackRegistryOptions& options,
                                       const CredentialProvider* credentials, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_options(options)
    , m_tokens(new PackTokenSource(nam, options, credentials, this))
{
}

PackRegistryClient::~PackRegistryClient() = default;

QString PackRegistryClient::baseUrlText() const
{
    QString s = m_options.baseUrl.toString(QUrl::FullyEncoded | QUrl::RemoveUserInfo);
    while (s.endsWith(u'/')) {
        s.chop(1);
    }
    return s;
}

QUrl PackRegistryClient::endpoint(const QString& path) const
{
    return QUrl::fromEncoded((baseUrlText() + path).toLatin1(), QUrl::StrictMode);
}

void PackRegistryClient::cancelAll()
{
    m_cancelled = true;
    for (const auto& e : std::as_const(m_exchanges)) {
        if (e) {
            e->cancel();
        }
    }
    m_exchanges.clear();
}

void PackRegistryClient::send(std::shared_ptr<Call> call)
{
    m_cancelled = false;
    if (auto ok = PackHttp::checkScheme(m_options, m_options.baseUrl); !ok) {
        QTimer::singleShot(0, this, [call, e = ok.error()] { call->done(e); });
        return;
    }
    attempt(std::move(call));
}

void PackRegistryClient::attempt(std::shared_ptr<Call> call)
{
    m_tokens->token([this, call](Result<QByteArray> token) {
        if (!token) {
            call->done(token.error());
            return;
        }
        if (m_cancelled) {
            call->done(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")));
            return;
        }
        HttpRequest req;
        req.url = call->url;
        req.method = call->method;
        req.headers = call->headers;
        req.maxBodyBytes = call->maxBody;
        req.what = call->what;
        if (!token->isEmpty()) {
            req.basicAuthorization = "Bearer " + token.value();
        }
        m_exchanges.removeAll(nullptr);
        m_exchanges.append(PackHttp::sendOnce(
            m_nam, m_options, req, this, [this, call](Result<HttpResponse> r) { onResponse(call, std::move(r)); }));
    });
}

void PackRegistryClient::onResponse(std::shared_ptr<Call> call, Result<HttpResponse> r)
{
    if (!r) {
        if (r.code() == ErrorCode::Network) {
            transient(call, r.error(), -1);
        } else {
            call->done(r.error());
        }
        return;
    }
    const int status = r->status;
    if (status == 429) {
        const qint64 retryAfter = RetryPolicy::parseRetryAfterMs(r->header("Retry-After"));
        const QString when = retryAfter >= 0 ? QStringLiteral("retry after %1 s").arg((retryAfter + 999) / 1000)
                                             : QStringLiteral("no Retry-After given");
        transient(call,
                  makeError(ErrorCode::Network,
                            QStringLiteral("rate limited by the pack registry for %1 (%2)").arg(call->what, when)),
                  retryAfter);
        return;
    }
    if (status == 408 || status >= 500) {
        transient(call,
                  makeError(ErrorCode::Network,
                            QStringLiteral("network error: the pack registry answered HTTP %1 for %2%3")
                                .arg(status)
                                .arg(call->what, errorDetail(r->body))),
                  RetryPolicy::parseRetryAfterMs(r->header("Retry-After")));
        return;
    }
    if (status == 401 && !call->reauthed && m_tokens->invalidate()) {
        // The OIDC-issued token was refused before its announced expiry: exchange a new one, once.
        qCInfo(lcAuth).noquote() << "pack registry refused the OIDC token; exchanging a new one";
        call->reauthed = true;
        attempt(call);
        return;
    }
    call->done(std::move(r));
}

void PackRegistryClient::transient(std::shared_ptr<Call> call, const Error& why, qint64 retryAfterMs)
{
    if (m_cancelled) {
        call->done(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")));
        return;
    }
    if (call->retries >= m_options.maxRetries) {
        call->done(makeError(why.code,
                             QStringLiteral("%1 (gave up after %2 attempts)").arg(why.message).arg(call->retries + 1)));
        return;
    }
    ++call->retries;
    const int delay = PackHttp::retryDelayMs(m_options, call->retries, retryAfterMs);
    qCInfo(lcPacks).noquote() << why.message << "- retry" << call->retries << "of" << m_options.maxRetries << "in"
                              << delay << "ms";
    QTimer::singleShot(delay, this, [this, call] { attempt(call); });
}

Error PackRegistryClient::statusError(const Call& call, const HttpResponse& r) const
{
    const QString ref = call.version.isEmpty() ? call.name : call.name + u'@' + call.version;
    switch (r.status) {
    case 401:
        if (m_tokens->hasStaticToken() || m_tokens->usesOidc()) {
            return makeError(ErrorCode::AuthRequired,
                             QStringLiteral("unauthorized: the pack registry rejected the token for %1 (HTTP 401): "
                                            "invalid or expired token")
                                 .arg(call.what));
        }
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("unauthorized: %1 requires authentication; set ASSAY_REGISTRY_TOKEN, configure "
                                        "OIDC (ASSAY_REGISTRY_OIDC=1) or run `greentic-dist auth login --registry %2 "
                                        "--username token --token-stdin`")
                             .arg(call.what, m_options.baseUrl.host()));
    case 403: {
        const QString code = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("error")).toString();
        if (code == u"license_expired") {
            return makeError(ErrorCode::AuthRequired,
                             QStringLiteral("access denied: the license for pack '%1' has expired").arg(call.name));
        }
        if (code == u"pack_not_licensed") {
            return makeError(ErrorCode::AuthRequired,
                             QStringLiteral("access denied: pack '%1' is not included in your license").arg(call.name));
        }
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("access denied: HTTP 403 for %1%2").arg(call.what, errorDetail(r.body)));
    }
    case 404:
        if (call.name.isEmpty()) {
            return makeError(ErrorCode::NotFound,
                             QStringLiteral("not found: %1 at %2").arg(call.what, call.url.toString()));
        }
        return makeError(
            ErrorCode::NotFound,
            QStringLiteral("pack not found: %1 at %2 (check the pack name and version)").arg(ref, baseUrlText()));
    case 410: {
        QJsonParseError perr{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.body, &perr);
        const QString headerReason = headerText(r, "X-Revocation-Reason");
        QString reason;
        QString safeVersion;
        if (perr.error == QJsonParseError::NoError && doc.isObject()) {
            reason = doc.object().value(QStringLiteral("reason")).toString();
            safeVersion = doc.object().value(QStringLiteral("safe_version")).toString();
            if (reason.isEmpty()) {
                reason = headerReason;
            }
        } else {
            reason = !headerReason.isEmpty() ? headerReason : PackHttp::excerpt(r.body);
        }
        if (reason.isEmpty()) {
            reason = QStringLiteral("no reason provided");
        }
        QString message = QStringLiteral("pack revoked: %1 - %2").arg(ref, PackHttp::excerpt(reason.toUtf8()));
        if (!safeVersion.isEmpty()) {
            message
                += QStringLiteral(" (safe version: %1@%2)").arg(call.name, PackHttp::excerpt(safeVersion.toUtf8(), 64));
        }
        return makeError(ErrorCode::Integrity, message);
    }
    default:
        return makeError(ErrorCode::Protocol,
                         QStringLiteral("invalid response: HTTP %1 from the pack registry for %2%3")
                             .arg(r.status)
                             .arg(call.what, errorDetail(r.body)));
    }
}

template <typename Done, typename Ok>
void PackRegistryClient::sendExpectingSuccess(std::shared_ptr<Call> call, Done done, Ok ok)
{
    call->done = [this, call = call.get(), done, ok](Result<HttpResponse> r) {
        if (!r) {
            done(r.error());
            return;
        }
        if (r->status < 200 || r->status > 299) {
            done(statusError(*call, r.value()));
            return;
        }
        ok(*call, r.value());
    };
    send(call);
}

void PackRegistryClient::fetchPack(const QString& name, const QString& version, const QByteArray& etag,
                                   std::function<void(Result<PackFetch>)> done)
{
    auto call = std::make_shared<Call>();
    call->url = endpoint(QStringLiteral("/packs/") + segment(name) + u'/' + segment(version));
    call->name = name;
    call->version = version;
    call->what = QStringLiteral("pack %1@%2").arg(name, version);
    call->maxBody = m_options.maxPackBytes;
    call->headers.append(
        qMakePair(QByteArray("Accept"), QByteArray("application/x-yaml, application/yaml;q=0.9, */*;q=0.1")));
    if (!etag.isEmpty()) {
        call->headers.append(qMakePair(QByteArray("If-None-Match"), QByteArray(etag)));
    }
    call->done = [this, call = call.get(), done, conditional = !etag.isEmpty()](Result<HttpResponse> r) {
        if (!r) {
            if (r.detail() == ErrorDetail::BodyTooLarge) {
                done(makeError(ErrorCode::Protocol,
                               QStringLiteral("invalid response: %1 is larger than the %2-byte pack size limit")
                                   .arg(call->what)
                                   .arg(m_options.maxPackBytes)));
                return;
            }
            done(r.error());
            return;
        }
        PackFetch f;
        f.url = r->finalUrl;
        if (r->status == 304) {
            if (!conditional) {
                done(makeError(
                    ErrorCode::Protocol,
                    QStringLiteral("invalid response: HTTP 304 for %1 without a conditional request").arg(call->what)));
                return;
            }
            f.notModified = true;
            f.etag = r->header("ETag");
            f.cacheControl = headerText(r.value(), "Cache-Control");
            done(f);
            return;
        }
        if (r->status < 200 || r->status > 299) {
            done(statusError(*call, r.value()));
            return;
        }
        f.content = std::move(r->body);
        f.packDigest = headerText(r.value(), "X-Pack-Digest");
        f.signatureHeader = headerText(r.value(), "X-Pack-Signature").toLatin1();
        f.keyId = headerText(r.value(), "X-Pack-Key-Id");
        f.etag = r->header("ETag");
        f.cacheControl = headerText(r.value(), "Cache-Control");
        f.policy = headerText(r.value(), "X-Pack-Policy").toLower();
        bool ok = false;
        f.contentLength = r->header("Content-Length").toLongLong(&ok);
        if (!ok) {
            f.contentLength = -1;
        }
        done(std::move(f));
    };
    send(call);
}

void PackRegistryClient::packMeta(const QString& name, const QString& version,
                                  std::function<void(Result<PackMeta>)> done)
{
    auto call = std::make_shared<Call>();
    call->url = endpoint(QStringLiteral("/packs/") + segment(name) + u'/' + segment(version));
    call->method = "HEAD";
    call->name = name;
    call->version = version;
    call->what = QStringLiteral("pack %1@%2").arg(name, version);
    sendExpectingSuccess(call, done, [done](const Call& call, const HttpResponse& r) {
        PackMeta m;
        m.name = call.name;
        m.version = call.version;
        m.digest = headerText(r, "X-Pack-Digest");
        bool ok = false;
        m.size = r.header("Content-Length").toLongLong(&ok);
        if (!ok) {
            m.size = -1;
        }
        m.signedPack = !r.header("X-Pack-Signature").isEmpty();
        m.keyId = headerText(r, "X-Pack-Key-Id");
        m.etag = r.header("ETag");
        done(m);
    });
}

void PackRegistryClient::versions(const QString& name, std::function<void(Result<PackVersions>)> done)
{
    auto call = std::make_shared<Call>();
    call->url = endpoint(QStringLiteral("/packs/") + segment(name) + QStringLiteral("/versions"));
    call->name = name;
    call->what = QStringLiteral("versions of %1").arg(name);
    call->headers.append(qMakePair(QByteArray("Accept"), QByteArray("application/json")));
    sendExpectingSuccess(call, done, [done](const Call& call, const HttpResponse& r) {
        QJsonParseError perr{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.body, &perr);
        const QJsonValue list = doc.object().value(QStringLiteral("versions"));
        if (perr.error != QJsonParseError::NoError || !doc.isObject() || !list.isArray()) {
            done(
                makeError(ErrorCode::Protocol,
                          QStringLiteral("invalid response: failed to parse versions response for %1").arg(call.name)));
            return;
        }
        PackVersions v;
        v.name = doc.object().value(QStringLiteral("name")).toString(call.name);
        for (const QJsonValue& item : list.toArray()) {
            const QJsonObject o = item.toObject();
            PackVersionInfo info;
            info.version = o.value(QStringLiteral("version")).toString();
            if (info.version.isEmpty()) {
                done(makeError(
                    ErrorCode::Protocol,
                    QStringLiteral("invalid response: a version entry for %1 has no version").arg(call.name)));
                return;
            }
            info.digest = o.value(QStringLiteral("digest")).toString();
            info.publishedAt
                = o.value(QStringLiteral("published_at")).toString(o.value(QStringLiteral("released")).toString());
            info.deprecated = o.value(QStringLiteral("deprecated")).toBool();
            info.deprecationMessage = o.value(QStringLiteral("deprecation_message")).toString();
            v.versions.append(info);
        }
        done(v);
    });
}

void PackRegistryClient::signature(const QString& name, const QString& version,
                                   std::function<void(Result<std::optional<QByteArray>>)> done)
{
    auto call = std::make_shared<Call>();
    call->url = endpoint(QStringLiteral("/packs/") + segment(name) + u'/' + segment(version) + QStringLiteral(".sig"));
    call->name = name;
    call->version = version;
    call->what = QStringLiteral("signature of %1@%2").arg(name, version);
    call->maxBody = 2 << 20; // a 1 MiB payload, base64, plus the envelope
    call->headers.append(
        qMakePair(QByteArray("Accept"), QByteArray("application/vnd.dsse.envelope+json, application/json;q=0.9")));
    call->done = [this, call = call.get(), done](Result<HttpResponse> r) {
        if (!r) {
            done(r.error());
            return;
        }
        if (r->status == 404) {
            done(std::optional<QByteArray>());
            return;
        }
        if (r->status < 200 || r->status > 299) {
            done(statusError(*call, r.value()));
            return;
        }
        done(std::optional<QByteArray>(r->body));
    };
    send(call);
}

void PackRegistryClient::keys(std::function<void(Result<QByteArray>)> done)
{
    auto call = std::make_shared<Call>();
    call->url = endpoint(QStringLiteral("/keys"));
    call->what = QStringLiteral("keys manifest");
    call->maxBody = 1 << 20;
    call->headers.append(qMakePair(QByteArray("Accept"), QByteArray("application/json")));
    sendExpectingSuccess(call, done, [done](const Call&, const HttpResponse& r) { done(r.body); });
}

} // namespace dist
