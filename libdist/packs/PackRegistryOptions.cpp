// SPDX-License-Identifier: MIT
#include "PackRegistryOptions.h"

#include <core/Sha256.h>

#include <QProcessEnvironment>

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
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    PackRegistryOptions o;
    o.http = http;
    const QString url = env.value(QStringLiteral("ASSAY_REGISTRY_URL"));
    if (!url.isEmpty()) {
        o.baseUrl = QUrl(url, QUrl::StrictMode);
    }
    o.token = env.value(QStringLiteral("ASSAY_REGISTRY_TOKEN")).toUtf8();
    bool ok = false;
    const int timeout = env.value(QStringLiteral("ASSAY_REGISTRY_TIMEOUT")).toInt(&ok);
    if (ok && timeout > 0) {
        o.timeoutSecs = timeout;
    }
    const int retries = env.value(QStringLiteral("ASSAY_REGISTRY_MAX_RETRIES")).toInt(&ok);
    if (ok && retries >= 0) {
        o.maxRetries = retries;
    }
    const QString oidc = env.value(QStringLiteral("ASSAY_REGISTRY_OIDC"));
    o.oidc = oidc == u"1" || oidc.compare(u"true", Qt::CaseInsensitive) == 0;
    o.oidcRequestUrl = QUrl(env.value(QStringLiteral("ACTIONS_ID_TOKEN_REQUEST_URL")), QUrl::StrictMode);
    o.oidcRequestToken = env.value(QStringLiteral("ACTIONS_ID_TOKEN_REQUEST_TOKEN")).toUtf8();
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
