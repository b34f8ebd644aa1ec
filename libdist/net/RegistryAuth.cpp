// SPDX-License-Identifier: MIT
#include "RegistryAuth.h"

#include "HttpExchange.h"
#include <core/Logging.h>

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
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

QByteArray RegistryAuth::authorization(const CredentialQuery& who, const QString& scope) const
{
    const auto it = m_tokens.constFind(key(who, scope));
    if (it != m_tokens.cend() && QDateTime::currentDateTimeUtc() < it->expires) {
        return it->header;
    }
    return m_basic.value(who.identity());
}

void RegistryAuth::forget(const CredentialQuery& who, const QString& scope)
{
    m_tokens.remove(key(who, scope));
}

void RegistryAuth::respond(const CredentialQuery& who, const QString& scope, const QByteArray& wwwAuthenticate,
                           std::function<void(Result<void>)> done)
{
    m_tokens.remove(key(who, scope));
    const QList<AuthChallenge> challenges = AuthChallenge::parse(wwwAuthenticate);
    if (!m_credentials) {
        respondWith(who, scope, challenges, std::nullopt, std::move(done));
        return;
    }
    QPointer<RegistryAuth> self(this);
    m_credentials->lookup(who, this,
                          [self, who, scope, challenges, done](Result<std::optional<RegistryCredential>> credential) {
                              if (!self) {
                                  return;
                              }
                              if (!credential) {
                                  done(credential.error());
                                  return;
                              }
                              self->respondWith(who, scope, challenges, credential.value(), done);
                          });
}

void RegistryAuth::respondWith(const CredentialQuery& who, const QString& scope, const QList<AuthChallenge>& challenges,
                               const std::optional<RegistryCredential>& credential,
                               std::function<void(Result<void>)> done)
{
    const QString host = who.registryHost;
    const QString what = scope.isEmpty() ? host : host + u' ' + scope;
    for (const AuthChallenge& ch : challenges) {
        if (ch.scheme != u"bearer") {
            continue;
        }
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
        realm.setQuery(query);
        requestToken(who, scope, realm, credential, std::move(done));
        return;
    }
    for (const AuthChallenge& ch : challenges) {
        if (ch.scheme != u"basic") {
            continue;
        }
        if (!credential) {
            done(makeError(
                ErrorCode::AuthRequired,
                QStringLiteral("unauthorized for `%1`: the registry wants a username and password; save them "
                               "with `greentic-dist auth login --registry %1 --username <user> --token-stdin`")
                    .arg(host)));
            return;
        }
        if (m_basic.contains(who.identity())) {
            done(makeError(
                ErrorCode::AuthRequired,
                QStringLiteral("unauthorized for `%1`: the registry refused the stored credentials").arg(host)));
            return;
        }
        m_basic.insert(who.identity(), basicHeader(*credential));
        done({});
        return;
    }
    done(makeError(ErrorCode::AuthRequired,
                   QStringLiteral("unauthorized for `%1`: unsupported challenge `%2`")
                       .arg(what,
                            QString::fromLatin1(challenges.isEmpty() ? QByteArray("(none)")
                                                                     : challenges.first().scheme.toLatin1()))));
}

void RegistryAuth::requestToken(const CredentialQuery& who, const QString& scope, QUrl realm,
                                const std::optional<RegistryCredential>& credential,
                                std::function<void(Result<void>)> done)
{
    const QString host = who.registryHost;
    const QString what = scope.isEmpty() ? host : host + u' ' + scope;
    HttpRequest req;
    req.url = realm;
    if (credential) {
        QUrlQuery q(realm);
        q.addQueryItem(QStringLiteral("account"), credential->username);
        req.url.setQuery(q);
        req.basicAuthorization = basicHeader(*credential);
    }
    req.what = QStringLiteral("token for %1").arg(what);
    req.maxBodyBytes = 128 * 1024;
    auto* exchange = new HttpExchange(m_nam, nullptr, m_options, this);
    const QString tokenKey = key(who, scope);
    QPointer<RegistryAuth> self(this);
    exchange->start(req, nullptr, [self, who, scope, realm, credential, tokenKey, what, done](Result<HttpResponse> r) {
        if (!self) {
            return;
        }
        if (!r) {
            const bool refused = r.code() == ErrorCode::AuthRequired || r.code() == ErrorCode::NotFound;
            if (refused && credential && who.tenant.isEmpty()) {
                // Stale or wrong credentials for a registry that also serves public repositories
                // (an expired GHCR token fails even public pulls): ask again without them.
                qCInfo(lcAuth).noquote() << "token endpoint refused the stored credentials for" << what
                                         << "; retrying anonymously";
                self->requestToken(who, scope, realm, std::nullopt, done);
                return;
            }
            if (refused) {
                done(makeError(ErrorCode::AuthRequired,
                               credential
                                   ? QStringLiteral("unauthorized for `%1`: the registry refused the stored "
                                                    "credentials")
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
        // Tokens "should never" live less than 60 s; the spec's default is 60 s when none is given.
        const int lifetime = std::max(o.value(QStringLiteral("expires_in")).toInt(60), 60);
        // Renew a little early so a token never expires between check and use.
        self->m_tokens.insert(
            tokenKey, Token{"Bearer " + token.toUtf8(), QDateTime::currentDateTimeUtc().addSecs(lifetime - 10)});
        qCDebug(lcAuth).noquote() << "bearer token for" << what << "valid for" << lifetime << "s";
        done({});
    });
}

} // namespace dist
