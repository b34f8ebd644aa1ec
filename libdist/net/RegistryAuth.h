// SPDX-License-Identifier: MIT
#pragma once

#include "AuthChallenge.h"
#include "HttpOptions.h"
#include <core/Result.h>
#include <credentials/CredentialProvider.h>

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace dist {

// Reactive registry auth: a 401 carries a challenge; Bearer challenges are answered at the token
// endpoint (anonymously, or with Basic credentials when we have them), Basic challenges with the
// credentials directly. Bearer tokens are cached per host and scope until they expire (60 s when
// the server gives no lifetime).
class RegistryAuth final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryAuth)

public:
    RegistryAuth(QNetworkAccessManager* nam, const CredentialProvider* credentials, const HttpOptions& options,
                 QObject* parent = nullptr);

    // The Authorization header to send, or empty.
    QByteArray authorization(const CredentialQuery& who, const QString& scope) const;
    // Called with the challenges of a 401; calls back when a retry is worth it. Stored credentials
    // a token endpoint refuses are retried anonymously, which is what a public repository needs.
    void respond(const CredentialQuery& who, const QString& scope, const QByteArray& wwwAuthenticate,
                 std::function<void(Result<void>)> done);
    void forget(const CredentialQuery& who, const QString& scope);

private:
    struct Token
    {
        QByteArray header;
        QDateTime expires;
    };
    static QString key(const CredentialQuery& who, const QString& scope)
    {
        return who.registryHost + u'|' + who.identity() + u'|' + scope;
    }
    void respondWith(const CredentialQuery& who, const QString& scope, const QList<AuthChallenge>& challenges,
                     const std::optional<RegistryCredential>& credential, std::function<void(Result<void>)> done);
    void requestToken(const CredentialQuery& who, const QString& scope, QUrl realm,
                      const std::optional<RegistryCredential>& credential, std::function<void(Result<void>)> done);

    QNetworkAccessManager* m_nam;
    const CredentialProvider* m_credentials;
    HttpOptions m_options;
    QHash<QString, Token> m_tokens;
    QHash<QString, QByteArray> m_basic; // identities whose host asked for Basic auth
};

} // namespace dist
