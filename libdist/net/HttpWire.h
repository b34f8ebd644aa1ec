// SPDX-License-Identifier: MIT
#pragma once

#include "HttpOptions.h"

#include <core/Result.h>

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace dist {

struct HttpRequest;

// What an HTTP exchange puts on the wire and reads back from it, apart from the exchange's state
// machine: the request as sent, the method dispatch, and the header and body formats it parses.
class HttpWire
{
public:
    // File bodies up to this size, and every in-memory body, may travel over HTTP/2.
    static constexpr qint32 kHttp2BodyLimit = 4 << 20;
    static constexpr qint32 kHttp2SessionWindow = 64 << 20;

    // The QNetworkRequest for one attempt at `url` (the request's own or a redirect target).
    // `authorization` goes out only when non-empty; `resumeFrom` > 0 asks for the rest of a body.
    static Result<QNetworkRequest> build(const HttpRequest& request, const QUrl& url, const HttpOptions& options,
                                         bool toFile, const QByteArray& authorization, qint64 resumeFrom);
    static QNetworkReply* send(QNetworkAccessManager* nam, const QNetworkRequest& req, const HttpRequest& request);

    // Authorization goes only where the request was addressed: same scheme, host and port.
    static bool sameOrigin(const QUrl& a, const QUrl& b);
    // https anywhere; plain http only to the host the caller already chose to reach over http.
    static bool redirectAllowed(const QUrl& from, const QUrl& to);

    // `host[:port]` as containers-certs.d names registry directories.
    static QString hostPort(const QUrl& url);
    // For messages and logs: signed blob URLs carry credentials in the query string.
    static QString safeUrl(const QUrl& url);
    // " (CODE: message)" from an OCI distribution error body, or empty.
    static QString registryErrorDetail(const QByteArray& body);
    // The first byte of a `Content-Range: bytes a-b/n` value.
    static bool parseContentRange(const QByteArray& value, qint64* first, qint64* last = nullptr,
                                  qint64* total = nullptr);
};

} // namespace dist
