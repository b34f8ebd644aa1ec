// SPDX-License-Identifier: MIT
#include "ProxySettings.h"

namespace dist {

namespace {

// The first of the names that is set and not empty, with the name it was found under.
QPair<QString, QString> firstSet(const QProcessEnvironment& env, std::initializer_list<const char*> names)
{
    for (const char* name : names) {
        const QString value = env.value(QLatin1String(name)).trimmed();
        if (!value.isEmpty()) {
            return {QLatin1String(name), value};
        }
    }
    return {};
}

int defaultPort(const QUrl& url)
{
    return url.port(url.scheme() == u"https" ? 443 : 80);
}

} // namespace

Result<ProxySettings> ProxySettings::fromEnvironment(const QProcessEnvironment& env)
{
    ProxySettings s;
    const auto all = firstSet(env, {"ALL_PROXY", "all_proxy"});
    auto https = firstSet(env, {"HTTPS_PROXY", "https_proxy"});
    auto http = firstSet(env, {"HTTP_PROXY", "http_proxy"});
    if (https.first.isEmpty()) {
        https = all;
    }
    if (http.first.isEmpty()) {
        http = all;
    }
    auto parsedHttps = parseProxy(https.first, https.second);
    if (!parsedHttps) {
        return parsedHttps.error();
    }
    auto parsedHttp = parseProxy(http.first, http.second);
    if (!parsedHttp) {
        return parsedHttp.error();
    }
    s.m_https = std::move(parsedHttps).value();
    s.m_http = std::move(parsedHttp).value();

    const QString noProxy = firstSet(env, {"NO_PROXY", "no_proxy"}).second;
    for (const QString& raw : noProxy.split(u',', Qt::SkipEmptyParts)) {
        const QString entry = raw.trimmed().toLower();
        if (entry == u"*") {
            s.m_bypassAll = true;
        } else if (auto e = parseException(entry)) {
            s.m_exceptions.append(*e);
        }
    }
    return s;
}

Result<std::optional<ProxySettings::Endpoint>> ProxySettings::parseProxy(const QString& variable, const QString& value)
{
    if (value.isEmpty()) {
        return std::optional<Endpoint>();
    }
    const QString withScheme = value.contains(QLatin1String("://")) ? value : QStringLiteral("http://") + value;
    const QUrl url(withScheme, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    // Never echo the value itself: it may carry a password.
    if (!url.isValid() || url.host().isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1 is not a proxy URL (expected http://host:port)").arg(variable));
    }
    const QString shown = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery).toString();
    QNetworkProxy::ProxyType type = QNetworkProxy::HttpProxy;
    int port = 80;
    if (scheme == u"socks5" || scheme == u"socks5h") {
        type = QNetworkProxy::Socks5Proxy;
        port = 1080;
    } else if (scheme == u"https") {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1=%2: proxies spoken to over TLS are not supported; use http://%3 (https "
                                        "requests still travel encrypted through a CONNECT tunnel)")
                             .arg(variable, shown, shown.mid(shown.indexOf(u':') + 3)));
    } else if (scheme != u"http") {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1=%2: unsupported proxy scheme `%3` (use http:// or socks5://)")
                             .arg(variable, shown, scheme));
    }
    Endpoint e;
    e.proxy = QNetworkProxy(type, url.host(), static_cast<quint16>(url.port(port)), url.userName(), url.password());
    e.display = QStringLiteral("%1://%2:%3")
                    .arg(scheme, url.host().contains(u':') ? u'[' + url.host() + u']' : url.host())
                    .arg(url.port(port));
    return std::optional<Endpoint>(std::move(e));
}

std::optional<ProxySettings::Exception> ProxySettings::parseException(QString entry)
{
    Exception e;
    if (entry.contains(u'/')) {
        const auto subnet = QHostAddress::parseSubnet(entry);
        if (subnet.first.isNull()) {
            return std::nullopt;
        }
        e.subnet = subnet;
        return e;
    }
    // host, host:port, IPv4, IPv4:port, IPv6, [IPv6]:port
    if (entry.startsWith(u'[')) {
        const qsizetype close = entry.indexOf(u']');
        if (close < 0) {
            return std::nullopt;
        }
        if (entry.mid(close + 1).startsWith(u':')) {
            e.port = entry.mid(close + 2).toInt();
        }
        entry = entry.mid(1, close - 1);
    } else if (entry.count(u':') == 1) {
        bool ok = false;
        e.port = entry.section(u':', 1).toInt(&ok);
        if (!ok) {
            return std::nullopt;
        }
        entry = entry.section(u':', 0, 0);
    }
    const QHostAddress address(entry);
    if (!address.isNull()) {
        e.address = address;
        return e;
    }
    if (entry.startsWith(QLatin1String("*."))) {
        entry = entry.mid(1);
    }
    if (entry.startsWith(u'.')) {
        e.subdomainsOnly = true;
        entry = entry.mid(1);
    }
    while (entry.endsWith(u'.')) {
        entry.chop(1);
    }
    if (entry.isEmpty()) {
        return std::nullopt;
    }
    e.domain = entry;
    return e;
}

bool ProxySettings::bypasses(const QUrl& url) const
{
    QString host = url.host().toLower();
    while (host.endsWith(u'.')) {
        host.chop(1);
    }
    const QHostAddress address(host);
    if (host == u"localhost" || host.endsWith(QLatin1String(".localhost"))
        || (!address.isNull() && address.isLoopback())) {
        return true;
    }
    if (m_bypassAll) {
        return true;
    }
    const int port = defaultPort(url);
    for (const Exception& e : m_exceptions) {
        if (e.port >= 0 && e.port != port) {
            continue;
        }
        if (e.subnet) {
            if (!address.isNull() && address.isInSubnet(*e.subnet)) {
                return true;
            }
        } else if (e.address) {
            if (!address.isNull() && address.isEqual(*e.address)) {
                return true;
            }
        } else if (host.endsWith(u'.' + e.domain) || (!e.subdomainsOnly && host == e.domain)) {
            return true;
        }
    }
    return false;
}

const ProxySettings::Endpoint* ProxySettings::endpointFor(const QUrl& url) const
{
    const QString scheme = url.scheme().toLower();
    const std::optional<Endpoint>& endpoint = scheme == u"https" ? m_https : m_http;
    if (!endpoint || (scheme != u"https" && scheme != u"http") || bypasses(url)) {
        return nullptr;
    }
    return &*endpoint;
}

std::optional<QNetworkProxy> ProxySettings::proxyFor(const QUrl& url) const
{
    if (const Endpoint* e = endpointFor(url)) {
        return e->proxy;
    }
    return std::nullopt;
}

QString ProxySettings::describeFor(const QUrl& url) const
{
    const Endpoint* e = endpointFor(url);
    return e ? e->display : QStringLiteral("direct");
}

} // namespace dist
