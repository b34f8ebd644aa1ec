// SPDX-License-Identifier: MIT
#pragma once

#include "AuthChallenge.h"
#include "HttpOptions.h"
#include "Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>

#include <functional>

class QNetworkAccessManager;

namespace dist {

class CredentialProvider;

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
    QByteArray authorization(const QString& host, const QString& scope) const;
    // Called with the challenges of a 401; calls back when a retry is worth it.
    void respond(const QString& host, const QString& scope, const QByteArray& wwwAuthenticate,
                 std::function<void(Result<void>)> done);
    void forget(const QString& host, const QString& scope);

private:
    struct Token
    {
        QByteArray header;
        QDateTime expires;
    };
    static QString key(const QString& host, const QString& scope) { return host + u'|' + scope; }

    QNetworkAccessManager* m_nam;
    const CredentialProvider* m_credentials;
    HttpOptions m_options;
    QHash<QString, Token> m_tokens;
    QHash<QString, QByteArray> m_basicHosts; // hosts that asked for Basic auth
};

} // namespace dist
