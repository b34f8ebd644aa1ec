// SPDX-License-Identifier: MIT
#include "RegistryAuth.h"

#include "CredentialProvider.h"
#include "HttpExchange.h"
#include "Logging.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace dist {

namespace {

QByteArray basicHeader(const RegistryCredential& c)
{
    return "Basic " + (c.username + u':' + c.secret).toUtf8().toBase64();
}

bool isLoopbackHost(const QString& host)
{
    if (host == u"localhost") {
        return true;
    }
    const QHostAddress a(host);
    return !a.isNull() && a.isLoopback();
}

} // namespace

RegistryAuth::RegistryAuth(QNetworkAccessManager* nam, const CredentialProvider* credentials,
                           const HttpOptions& options, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_credentials(credentials)
    , m_options(options)
{
}

QByteArray RegistryAuth::authorization(const QString& host, const QString& scope) const
{
    const auto it = m_tokens.constFind(key(host, scope));
    if (it != m_tokens.cend() && QDateTime::currentDateTimeUtc() < it->expires) {
        return it->header;
    }
    return m_basicHosts.value(host);
}

void RegistryAuth::forget(const QString& host, const QString& scope)
{
    m_tokens.remove(key(host, scope));
}

void RegistryAuth::respond(const QString& host, const QString& scope, const QByteArray& wwwAuthenticate,
                           std::function<void(Result<void>)> done)
{
    m_tokens.remove(key(host, scope));
    const QList<AuthChallenge> challenges = AuthChallenge::parse(wwwAuthenticate);
    const std::optional<RegistryCredential> credential
        = m_credentials ? m_credentials->credentialFor(host) : std::nullopt;
    const QString what = scope.isEmpty() ? host : host + u' ' + scope;

    for (const AuthChallenge& ch : challenges) {
        if (ch.scheme == u"bearer") {
            QUrl realm(ch.param(QStringLiteral("realm")), QUrl::StrictMode);
            if (!realm.isValid() || realm.host().isEmpty()) {
                done(makeError(ErrorCode::Protocol,
                               QStringLiteral("registry %1 sent a Bearer challenge without a usable realm").arg(host)));
                return;
            }
            if (realm.scheme() != u"https"
                && !(realm.scheme() == u"http"
                     && (isLoopbackHost(realm.host()) || m_options.insecureRegistries.contains(host)))) {
                done(makeError(ErrorCode::AuthRequired,
                               QStringLiteral("refusing token endpoint %1: only https is allowed")
                                   .arg(realm.toString(QUrl::RemoveQuery))));
                return;
            }
            QUrlQuery query(realm);
            if (const QString service = ch.param(QStringLiteral("service")); !service.isEmpty()) {
                query.addQueryItem(QStringLiteral("service"), service);
            }
            // The scope we need, not the placeholder some registries put in the challenge.
            const QString wanted = scope.isEmpty() ? ch.param(QStringLiteral("scope")) : scope;
            if (!wanted.isEmpty()) {
                query.addQueryItem(QStringLiteral("scope"), wanted);
            }
            if (credential) {
                query.addQueryItem(QStringLiteral("account"), credential->username);
            }
            realm.setQuery(query);

            HttpRequest req;
            req.url = realm;
            req.what = QStringLiteral("token for %1").arg(what);
            req.maxBodyBytes = 128 * 1024;
            if (credential) {
                req.basicAuthorization = basicHeader(*credential);
            }
            auto* exchange = new HttpExchange(m_nam, nullptr, m_options, this);
            const QString tokenKey = key(host, scope);
            exchange->start(
                req, nullptr,
                [this, tokenKey, what, hasCredential = credential.has_value(), done](Result<HttpResponse> r) {
                    if (!r) {
                        if (r.code() == ErrorCode::AuthRequired || r.code() == ErrorCode::NotFound) {
                            done(makeError(
                                ErrorCode::AuthRequired,
                                hasCredential
                                    ? QStringLiteral("unauthorized for `%1`: the registry refused the "
                                                     "stored credentials")
                                          .arg(what)
                                    : QStringLiteral("unauthorized for `%1`: credentials are required").arg(what)));
                        } else {
                            done(r.error());
                        }
                        return;
                    }
                    const QJsonObject o = QJsonDocument::fromJson(r->body).object();
                    QString token = o.value(QStringLiteral("token")).toString();
                    if (token.isEmpty()) {
                        token = o.value(QStringLiteral("access_token")).toString();
                    }
                    if (token.isEmpty()) {
                        done(makeError(ErrorCode::Protocol,
                                       QStringLiteral("the token endpoint for %1 returned no token").arg(what)));
                        return;
                    }
                    int lifetime = o.value(QStringLiteral("expires_in")).toInt(60);
                    lifetime = std::max(lifetime, 60);
                    // Renew a little early so a token never expires between check and use.
                    m_tokens.insert(
                        tokenKey,
                        Token { "Bearer " + token.toUtf8(), QDateTime::currentDateTimeUtc().addSecs(lifetime - 10) });
                    qCDebug(lcAuth).noquote() << "bearer token for" << what << "valid for" << lifetime << "s";
                    done({});
                });
            return;
        }
    }
    for (const AuthChallenge& ch : challenges) {
        if (ch.scheme == u"basic") {
            if (!credential) {
                done(makeError(
                    ErrorCode::AuthRequired,
                    QStringLiteral("unauthorized for `%1`: the registry wants a username and password").arg(host)));
                return;
            }
            if (m_basicHosts.contains(host)) {
                done(makeError(
                    ErrorCode::AuthRequired,
                    QStringLiteral("unauthorized for `%1`: the registry refused the stored credentials").arg(host)));
                return;
            }
            m_basicHosts.insert(host, basicHeader(*credential));
            done({});
            return;
        }
    }
    done(makeError(ErrorCode::AuthRequired,
                   QStringLiteral("unauthorized for `%1`: unsupported challenge `%2`")
                       .arg(what, QString::fromLatin1(wwwAuthenticate.left(100)))));
}

} // namespace dist
