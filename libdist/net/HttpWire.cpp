// SPDX-License-Identifier: MIT
#include "HttpWire.h"

#include "HttpExchange.h"
#include <config/RegistryCertificates.h>

#include <QHttp2Configuration>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

namespace dist {

Result<QNetworkRequest> HttpWire::build(const HttpRequest& request, const QUrl& url, const HttpOptions& options,
                                        bool toFile, const QByteArray& authorization, qint64 resumeFrom)
{
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    req.setTransferTimeout(options.transferTimeoutMs);
    req.setHeader(QNetworkRequest::UserAgentHeader, options.userAgent);
    if (request.http1Only || (toFile && (request.expectedSize < 0 || request.expectedSize > kHttp2BodyLimit))) {
        // Qt buffers without bound under HTTP/2 even with a read buffer size; big blobs use
        // HTTP/1.1 (and its connections carry parallel ranges, where each connection is capped).
        req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    } else {
        // Small bodies share one HTTP/2 connection where the registry offers it: a lockfile of
        // small components is then bound by round trips, not by Qt's six HTTP/1.1 connections per
        // host. Qt's default windows (64 KiB for the whole session) would let a 50 ms round trip
        // carry about 1.3 MB/s across all streams; these let every stream carry its whole body.
        // Over plain HTTP/1.1 the same requests may be pipelined (Qt sends up to three on a
        // connection before the first answer, GET and HEAD only).
        if (request.method == "GET" || request.method == "HEAD") {
            req.setAttribute(QNetworkRequest::HttpPipeliningAllowedAttribute, true);
        }
        QHttp2Configuration h2;
        h2.setSessionReceiveWindowSize(kHttp2SessionWindow);
        h2.setStreamReceiveWindowSize(kHttp2BodyLimit);
        req.setHttp2Configuration(h2);
    }
    for (const auto& h : request.headers) {
        req.setRawHeader(h.first, h.second);
    }
    if (url.scheme() == u"https") {
        auto tls = options.certificates ? options.certificates->configurationFor(hostPort(url))
                                        : RegistryCertificates::configurationFor(hostPort(url));
        if (!tls) {
            return tls.error();
        }
        if (*tls) {
            req.setSslConfiguration(**tls);
        }
    }
    if (!authorization.isEmpty()) {
        req.setRawHeader("Authorization", authorization);
    }
    if (resumeFrom > 0) {
        req.setRawHeader("Range", "bytes=" + QByteArray::number(resumeFrom) + '-');
    }
    return req;
}

QNetworkReply* HttpWire::send(QNetworkAccessManager* nam, const QNetworkRequest& req, const HttpRequest& request)
{
    // The dedicated calls, not sendCustomRequest(): QNAM knows a HEAD has no body only when it is
    // sent as one, and a "custom" GET ignores setReadBufferSize (a 1 GiB pull then peaked at 348 MiB).
    if (request.method == "GET" && request.body.isEmpty()) {
        return nam->get(req);
    }
    if (request.method == "HEAD") {
        return nam->head(req);
    }
    if (request.method == "POST") {
        return nam->post(req, request.body);
    }
    return nam->sendCustomRequest(req, request.method, request.body);
}

bool HttpWire::sameOrigin(const QUrl& a, const QUrl& b)
{
    return a.scheme() == b.scheme() && a.host() == b.host() && a.port(-1) == b.port(-1);
}

bool HttpWire::redirectAllowed(const QUrl& from, const QUrl& to)
{
    if (to.scheme() == u"https") {
        return true;
    }
    return to.scheme() == u"http" && from.scheme() == u"http" && to.host() == from.host();
}

QString HttpWire::hostPort(const QUrl& url)
{
    return url.port() >= 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

QString HttpWire::safeUrl(const QUrl& url)
{
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment);
}

QString HttpWire::registryErrorDetail(const QByteArray& body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonArray errors = doc.object().value(QStringLiteral("errors")).toArray();
    if (!errors.isEmpty()) {
        const QJsonObject e = errors.first().toObject();
        const QString code = e.value(QStringLiteral("code")).toString();
        const QString message = e.value(QStringLiteral("message")).toString();
        if (!code.isEmpty() || !message.isEmpty()) {
            return QStringLiteral(" (%1: %2)").arg(code, message.left(200));
        }
    }
    return {};
}

bool HttpWire::parseContentRange(const QByteArray& value, qint64* first, qint64* last, qint64* total)
{
    static const QRegularExpression re(QStringLiteral(R"(^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$)"));
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(value));
    if (!m.hasMatch()) {
        return false;
    }
    *first = m.captured(1).toLongLong();
    if (last) {
        *last = m.captured(2).toLongLong();
    }
    if (total) {
        *total = m.captured(3) == u"*" ? -1 : m.captured(3).toLongLong();
    }
    return true;
}

} // namespace dist
