// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include "Settings.h"
#include <QHostAddress>
#include <QList>
#include <QNetworkProxy>
#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

#include <optional>

namespace dist {

// Proxies from the environment, read the way Go tools (skopeo, crane, ORAS) read them, so one
// set of variables serves all of them: HTTPS_PROXY / https_proxy for https URLs, HTTP_PROXY /
// http_proxy for http URLs (upper case first), ALL_PROXY / all_proxy as the fallback for both,
// and NO_PROXY / no_proxy for exceptions. localhost and loopback addresses are always direct.
//
// A proxy is `[http://|socks5://|socks5h://][user:password@]host[:port]` (no scheme means http://;
// the port defaults to 80 for http and 1080 for socks5). HTTPS requests go through an http proxy
// as a CONNECT tunnel. NO_PROXY entries: `*`, an IP, a CIDR range, or a domain that matches itself
// and its subdomains (`.example.com` and `*.example.com`: subdomains only), each with an
// optional `:port`.
class ProxySettings
{
public:
    // InvalidInput when a variable holds something that is not a usable proxy; the message names
    // the variable and never repeats credentials.
    static Result<ProxySettings> fromEnvironment(const QProcessEnvironment& env = Settings().environment());

    // The proxy to use for `url`, or nothing for a direct connection.
    std::optional<QNetworkProxy> proxyFor(const QUrl& url) const;
    // `http://host:port` of that proxy (credentials left out), or "direct"; for -v output.
    QString describeFor(const QUrl& url) const;
    bool isEmpty() const { return !m_http && !m_https; }

private:
    struct Endpoint
    {
        QNetworkProxy proxy;
        QString display; // scheme://host:port, never the credentials
    };
    struct Exception
    {
        QString domain; // lower case, no leading dot
        bool subdomainsOnly = false;
        std::optional<QHostAddress> address;
        std::optional<QPair<QHostAddress, int>> subnet;
        int port = -1; // -1: any
    };

    static Result<std::optional<Endpoint>> parseProxy(const QString& variable, const QString& value);
    static std::optional<Exception> parseException(QString entry);
    const Endpoint* endpointFor(const QUrl& url) const;
    bool bypasses(const QUrl& url) const;

    std::optional<Endpoint> m_http;
    std::optional<Endpoint> m_https;
    QList<Exception> m_exceptions;
    bool m_bypassAll = false;
};

} // namespace dist
