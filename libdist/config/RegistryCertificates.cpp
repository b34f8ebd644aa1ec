// SPDX-License-Identifier: MIT
#include "RegistryCertificates.h"

#include "Settings.h"
#include <QDir>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QStandardPaths>

namespace dist {

QStringList RegistryCertificates::searchDirectories()
{
    return Settings().certificateDirectories();
}

QString RegistryCertificates::directoryFor(const QString& hostPort)
{
    // A name that could climb out of certs.d is nobody's directory.
    if (hostPort.isEmpty() || hostPort.contains(u'/') || hostPort.startsWith(u'.')) {
        return {};
    }
    for (const QString& base : searchDirectories()) {
        QString dir = base + u'/' + hostPort;
        if (QFileInfo(dir).isDir()) {
            return dir;
        }
    }
    return {};
}

Result<std::optional<QSslConfiguration>> RegistryCertificates::configurationFor(const QString& hostPort)
{
    const QString dir = directoryFor(hostPort);
    if (dir.isEmpty()) {
        return std::optional<QSslConfiguration>();
    }
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    const QDir d(dir);
    for (const QString& name : d.entryList({QStringLiteral("*.crt")}, QDir::Files | QDir::Readable, QDir::Name)) {
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(d.filePath(name), QSsl::Pem);
        if (certs.isEmpty()) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("`%1` holds no PEM certificate").arg(d.filePath(name)));
        }
        config.addCaCertificates(certs);
    }
    for (const QString& name : d.entryList({QStringLiteral("*.cert")}, QDir::Files | QDir::Readable, QDir::Name)) {
        const QString certPath = d.filePath(name);
        const QString keyPath = certPath.chopped(5) + QStringLiteral(".key");
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(certPath, QSsl::Pem);
        QFile keyFile(keyPath);
        if (certs.isEmpty() || !keyFile.open(QIODevice::ReadOnly)) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("client certificate `%1` needs a PEM certificate and its key in `%2`")
                                 .arg(certPath, keyPath));
        }
        const QByteArray pem = keyFile.readAll();
        QSslKey key;
        for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
            key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
            if (!key.isNull()) {
                break;
            }
        }
        if (key.isNull()) {
            return makeError(
                ErrorCode::InvalidInput,
                QStringLiteral("`%1` is not an unencrypted PEM private key (RSA, EC or DSA)").arg(keyPath));
        }
        config.setLocalCertificateChain(certs);
        config.setPrivateKey(key);
        break; // one client identity per registry
    }
    return std::optional<QSslConfiguration>(config);
}

} // namespace dist
