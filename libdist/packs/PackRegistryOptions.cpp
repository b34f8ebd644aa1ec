// SPDX-License-Identifier: MIT
#include "PackRegistryOptions.h"

#include <config/Settings.h>
#include <core/Sha256.h>

namespace dist {

namespace {

QString trimmedBase(const QUrl& url)
{
    QString s = url.toString(QUrl::FullyEncoded);
    while (s.endsWith(u'/')) {
        s.chop(1);
    }
    return s;
}

} // namespace

PackRegistryOptions PackRegistryOptions::fromEnvironment(const HttpOptions& http)
{
    const Settings settings;
    PackRegistryOptions o;
    o.http = http;
    if (const QString url = settings.packRegistryUrl(); !url.isEmpty()) {
        o.baseUrl = QUrl(url, QUrl::StrictMode);
    }
    o.token = settings.packRegistryToken();
    if (const auto timeout = settings.packRegistryTimeoutSecs()) {
        o.timeoutSecs = *timeout;
    }
    if (const auto retries = settings.packRegistryMaxRetries()) {
        o.maxRetries = *retries;
    }
    o.oidc = settings.packRegistryOidc();
    o.oidcRequestUrl = QUrl(settings.oidcRequestUrl(), QUrl::StrictMode);
    o.oidcRequestToken = settings.oidcRequestToken();
    return o;
}

QUrl PackRegistryOptions::oidcExchangeUrl() const
{
    return QUrl(trimmedBase(baseUrl) + QStringLiteral("/auth/oidc/exchange"), QUrl::StrictMode);
}

QString PackRegistryOptions::registryKey() const
{
    QString host = baseUrl.host().toLower();
    if (baseUrl.port() > 0) {
        host += u'_' + QString::number(baseUrl.port());
    }
    if (host.isEmpty()) {
        host = QStringLiteral("registry");
    }
    return host + u'-' + Sha256::hash(trimmedBase(baseUrl).toUtf8()).hex().left(12);
}

} // namespace dist
