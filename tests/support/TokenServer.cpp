// SPDX-License-Identifier: MIT
#include "TokenServer.h"
#include "TestWaits.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QUrlQuery>
#include <QUuid>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace dist::test {

namespace {

QByteArray b64url(const QByteArray& data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace

TokenServer::TokenServer()
{
    m_server.setHandler([this](const RecordedRequest& r) { return handle(r); });
}

QString TokenServer::start()
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   m_dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"),
                   m_dir.filePath(QStringLiteral("cert.pem")), QStringLiteral("-days"), QStringLiteral("2"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=greentic-test-token")});
    if (!openssl.waitForFinished(scaled(60000)) || openssl.exitCode() != 0) {
        return QStringLiteral("openssl could not make a test certificate: ")
            + QString::fromUtf8(openssl.readAllStandardError());
    }
    QFile cert(m_dir.filePath(QStringLiteral("cert.pem")));
    cert.open(QIODevice::ReadOnly);
    const QByteArray pem = cert.readAll();
    BIO* bio = BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size()));
    X509* x509 = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    unsigned char* der = nullptr;
    const int len = i2d_X509(x509, &der);
    m_certDer = QByteArray(reinterpret_cast<const char*>(der), len);
    OPENSSL_free(der);
    X509_free(x509);
    if (!m_server.start()) {
        return QStringLiteral("token server did not start");
    }
    return {};
}

QString TokenServer::realm() const
{
    return m_server.origin() + QStringLiteral("/token");
}

QString TokenServer::registryAuthConfig() const
{
    return QStringLiteral(
               "auth:\n  token:\n    realm: %1\n    service: greentic-test\n    issuer: greentic-test-issuer\n"
               "    rootcertbundle: %2\n")
        .arg(realm(), m_dir.filePath(QStringLiteral("cert.pem")));
}

QByteArray TokenServer::jwt(const QString& subject, const QList<QPair<QString, QStringList>>& access, qint64 exp) const
{
    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("RS256")},
                             {QStringLiteral("typ"), QStringLiteral("JWT")},
                             {QStringLiteral("x5c"), QJsonArray{QString::fromLatin1(m_certDer.toBase64())}}};
    QJsonArray grants;
    for (const auto& a : access) {
        grants.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("repository")},
                                  {QStringLiteral("name"), a.first},
                                  {QStringLiteral("actions"), QJsonArray::fromStringList(a.second)}});
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject claims{{QStringLiteral("iss"), QStringLiteral("greentic-test-issuer")},
                             {QStringLiteral("sub"), subject},
                             {QStringLiteral("aud"), QStringLiteral("greentic-test")},
                             {QStringLiteral("exp"), exp},
                             {QStringLiteral("nbf"), now - 7200},
                             {QStringLiteral("iat"), now - 7200},
                             {QStringLiteral("jti"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                             {QStringLiteral("access"), grants}};
    const QByteArray signingInput = b64url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + b64url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    QFile keyFile(m_dir.filePath(QStringLiteral("key.pem")));
    keyFile.open(QIODevice::ReadOnly);
    const QByteArray keyPem = keyFile.readAll();
    BIO* bio = BIO_new_mem_buf(keyPem.constData(), static_cast<int>(keyPem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
    size_t sigLen = 0;
    EVP_DigestSign(ctx, nullptr, &sigLen, reinterpret_cast<const unsigned char*>(signingInput.constData()),
                   static_cast<size_t>(signingInput.size()));
    QByteArray sig(static_cast<qsizetype>(sigLen), Qt::Uninitialized);
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &sigLen,
                   reinterpret_cast<const unsigned char*>(signingInput.constData()),
                   static_cast<size_t>(signingInput.size()));
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    return signingInput + '.' + b64url(sig.left(static_cast<qsizetype>(sigLen)));
}

ScriptedReply TokenServer::handle(const RecordedRequest& r)
{
    if (r.path != u"/token") {
        return {404, {}, "not found", -1};
    }
    QString account;
    const QByteArray authz = r.header("Authorization");
    if (!authz.isEmpty()) {
        const QByteArray decoded = QByteArray::fromBase64(authz.mid(6));
        const QString user = QString::fromUtf8(decoded.left(decoded.indexOf(':')));
        const QString password = QString::fromUtf8(decoded.mid(decoded.indexOf(':') + 1));
        if (!authz.startsWith("Basic ") || !m_users.contains(user) || m_users.value(user) != password) {
            ++m_refusals;
            m_accounts.append(user);
            return {401,
                    {{"Content-Type", "application/json"}},
                    R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})",
                    -1};
        }
        account = user;
    }
    m_accounts.append(account);
    QList<QPair<QString, QStringList>> access;
    const QUrlQuery query(r.query);
    for (const QString& scope : query.allQueryItemValues(QStringLiteral("scope"), QUrl::FullyDecoded)) {
        const QStringList parts = scope.split(u':');
        if (parts.size() != 3 || parts.at(0) != u"repository") {
            continue;
        }
        if (account.isEmpty() && !m_public.contains(parts.at(1))) {
            continue; // anonymous: public repositories only
        }
        access.append({parts.at(1), parts.at(2).split(u',')});
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    ++m_issued;
    const qint64 exp = m_issued == m_expireAt ? now - 3600 : now + 600;
    const QByteArray token = jwt(account.isEmpty() ? QStringLiteral("anonymous") : account, access, exp);
    return {200,
            {{"Content-Type", "application/json"}},
            QJsonDocument(
                QJsonObject{{QStringLiteral("token"), QString::fromLatin1(token)}, {QStringLiteral("expires_in"), 300}})
                .toJson(QJsonDocument::Compact),
            -1};
}

} // namespace dist::test
