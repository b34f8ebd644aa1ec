// SPDX-License-Identifier: MIT
#pragma once

#include "ScriptedServer.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTemporaryDir>

namespace dist::test {

// A Docker/OCI token server for a real docker-registry configured with token auth: it checks
// Basic credentials and issues RS256 JWTs (x5c header) that the registry trusts through the
// test certificate. Scopes asked for are granted to known users; anonymous requests get pull
// access to repositories marked public.
class TokenServer final : public QObject
{
    Q_OBJECT

public:
    TokenServer();

    QString start(); // empty on success
    QString realm() const;
    QString registryAuthConfig() const; // the `auth:` YAML for the registry's config.yml

    void addUser(const QString& user, const QString& password) { m_users.insert(user, password); }
    void setPublicRepository(const QString& repository) { m_public.append(repository); }
    // The next token issued is already expired (exp an hour ago) although the response says it
    // lives 300 s: the client must notice the registry's 401 and renew.
    void expireNextToken() { m_expireAt = m_issued + 1; }
    // Expire the n-th token from now (1 = the next one).
    void expireTokenAfter(int n) { m_expireAt = m_issued + n; }

    int tokensIssued() const { return m_issued; }
    int refusals() const { return m_refusals; }
    QStringList accounts() const { return m_accounts; } // Basic users seen, "" for anonymous

private:
    ScriptedReply handle(const RecordedRequest& request);
    QByteArray jwt(const QString& subject, const QList<QPair<QString, QStringList>>& access, qint64 exp) const;

    ScriptedServer m_server;
    QTemporaryDir m_dir;
    QHash<QString, QString> m_users;
    QStringList m_public;
    QStringList m_accounts;
    QByteArray m_certDer;
    int m_expireAt = -1;
    int m_issued = 0;
    int m_refusals = 0;
};

} // namespace dist::test
