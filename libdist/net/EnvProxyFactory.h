// SPDX-License-Identifier: MIT
#pragma once

#include <config/ProxySettings.h>

#include <QMutex>
#include <QNetworkProxyFactory>
#include <QSet>
#include <config/Settings.h>

#include <optional>

class QNetworkAccessManager;

namespace dist {

// Hands a QNetworkAccessManager the proxies of ProxySettings. (Qt's own system configuration on
// Linux reads only http_proxy.) A broken proxy variable does not stop commands that never touch
// the network: requests fail with the problem instead (HttpExchange asks for it).
class EnvProxyFactory : public QNetworkProxyFactory
{
public:
    // Builds a factory from the environment and gives it to `nam`, which owns it.
    static void install(QNetworkAccessManager* nam, const QProcessEnvironment& env = Settings().environment());
    // What is wrong with the proxy variables `nam` was given, if anything.
    static std::optional<Error> problem(QNetworkAccessManager* nam);

    // "http://host:port" of the proxy `nam` sends `url` through, or nothing when it goes direct;
    // network errors name it, or "connection refused" would point at the wrong host.
    static std::optional<QString> proxyShownFor(QNetworkAccessManager* nam, const QUrl& url);

    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override;

private:
    explicit EnvProxyFactory(Result<ProxySettings> settings);
    // The factory `nam` was given by install(), if any.
    static const EnvProxyFactory* of(QNetworkAccessManager* nam);

    std::optional<ProxySettings> m_settings;
    std::optional<Error> m_problem;
    QMutex m_mutex; // Qt may ask from its HTTP thread
    QSet<QString> m_reported;
};

} // namespace dist
