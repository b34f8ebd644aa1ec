// SPDX-License-Identifier: MIT
#include "EnvProxyFactory.h"

#include <core/Logging.h>

#include <QNetworkAccessManager>

namespace dist {

EnvProxyFactory::EnvProxyFactory(Result<ProxySettings> settings)
{
    if (settings) {
        m_settings = std::move(settings).value();
    } else {
        m_problem = settings.error();
    }
}

void EnvProxyFactory::install(QNetworkAccessManager* nam, const QProcessEnvironment& env)
{
    nam->setProxyFactory(new EnvProxyFactory(ProxySettings::fromEnvironment(env)));
}

const EnvProxyFactory* EnvProxyFactory::of(QNetworkAccessManager* nam)
{
    return dynamic_cast<const EnvProxyFactory*>(nam->proxyFactory());
}

std::optional<Error> EnvProxyFactory::problem(QNetworkAccessManager* nam)
{
    const EnvProxyFactory* factory = of(nam);
    return factory ? factory->m_problem : std::nullopt;
}

std::optional<QString> EnvProxyFactory::proxyShownFor(QNetworkAccessManager* nam, const QUrl& url)
{
    const EnvProxyFactory* factory = of(nam);
    if (!factory || !factory->m_settings || !factory->m_settings->proxyFor(url)) {
        return std::nullopt;
    }
    return factory->m_settings->describeFor(url);
}

QList<QNetworkProxy> EnvProxyFactory::queryProxy(const QNetworkProxyQuery& query)
{
    if (!m_settings || m_settings->isEmpty()) {
        return {QNetworkProxy(QNetworkProxy::NoProxy)};
    }
    QUrl url = query.url();
    if (!url.isValid() || url.host().isEmpty()) {
        url = QUrl();
        url.setScheme(query.protocolTag().isEmpty() ? QStringLiteral("https") : query.protocolTag());
        url.setHost(query.peerHostName());
        url.setPort(query.peerPort());
    }
    {
        // Say once per origin which way it goes (-v): it decides where requests travel.
        const QString origin = url.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery).toString();
        QMutexLocker lock(&m_mutex);
        if (!m_reported.contains(origin)) {
            m_reported.insert(origin);
            qCInfo(lcHttp).noquote() << origin << "via" << m_settings->describeFor(url);
        }
    }
    return {m_settings->proxyFor(url).value_or(QNetworkProxy(QNetworkProxy::NoProxy))};
}

} // namespace dist
