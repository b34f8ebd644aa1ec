// SPDX-License-Identifier: MIT
#include "KeychainCredentialStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <qt6keychain/keychain.h>

namespace dist {

namespace {

Error keychainError(const QKeychain::Job& job)
{
    switch (job.error()) {
    case QKeychain::AccessDeniedByUser:
        return makeError(ErrorCode::AuthRequired, QStringLiteral("access to the OS keychain was denied"));
    case QKeychain::AccessDenied:
        return makeError(
            ErrorCode::AuthRequired,
            QStringLiteral("the OS keychain refused access (%1); unlock it and try again").arg(job.errorString()));
    default:
        // On Linux "no Secret Service" arrives as OtherError with a D-Bus message.
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("no OS keychain is reachable (%1); %2")
                             .arg(job.errorString(), KeychainCredentialStore::unavailableHint()));
    }
}

} // namespace

KeychainCredentialStore::KeychainCredentialStore(const QString& service)
    : m_service(service)
{
}

QString KeychainCredentialStore::unavailableHint()
{
    return QStringLiteral("start a Secret Service in this session (for example `gnome-keyring-daemon --unlock "
                          "--components=secrets`), or choose the file store explicitly with `--credential-store file` "
                          "(or GREENTIC_DIST_CREDENTIAL_STORE=file)");
}

void KeychainCredentialStore::read(const QString& key, QObject* context, ReadDone done)
{
    auto* job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(key);
    job->setInsecureFallback(false);
    QObject::connect(job, &QKeychain::Job::finished, context, [done](QKeychain::Job* j) {
        auto* r = static_cast<QKeychain::ReadPasswordJob*>(j);
        if (r->error() == QKeychain::EntryNotFound) {
            done(std::optional<StoredCredential>());
            return;
        }
        if (r->error() != QKeychain::NoError) {
            done(keychainError(*r));
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(r->textData().toUtf8()).object();
        done(std::optional<StoredCredential>(StoredCredential{o.value(QStringLiteral("username")).toString(),
                                                              o.value(QStringLiteral("secret")).toString()}));
    });
    job->start();
}

void KeychainCredentialStore::write(const QString& key, const StoredCredential& credential, QObject* context, Done done)
{
    auto* job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(key);
    job->setInsecureFallback(false);
    job->setTextData(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("username"), credential.username},
                                                                 {QStringLiteral("secret"), credential.secret}})
                                           .toJson(QJsonDocument::Compact)));
    QObject::connect(job, &QKeychain::Job::finished, context, [done](QKeychain::Job* j) {
        if (j->error() != QKeychain::NoError) {
            done(keychainError(*j));
            return;
        }
        done({});
    });
    job->start();
}

void KeychainCredentialStore::remove(const QString& key, QObject* context, Done done)
{
    auto* job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(key);
    job->setInsecureFallback(false);
    QObject::connect(job, &QKeychain::Job::finished, context, [done](QKeychain::Job* j) {
        if (j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound) {
            done(keychainError(*j));
            return;
        }
        done({});
    });
    job->start();
}

} // namespace dist
