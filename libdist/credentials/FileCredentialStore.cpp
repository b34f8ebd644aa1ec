// SPDX-License-Identifier: MIT
#include "FileCredentialStore.h"

#include <config/Settings.h>
#include <core/AtomicFile.h>
#include <core/LockWaiter.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <QTimer>

#include <sys/stat.h>
#include <unistd.h>

namespace dist {

namespace CredentialKey {
QString tenant(const QString& name)
{
    return QStringLiteral("tenant/") + name;
}
QString registry(const QString& host)
{
    return QStringLiteral("registry/") + host.toLower();
}
} // namespace CredentialKey

namespace {

QString modeString(const QString& path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        return QStringLiteral("?");
    }
    return QStringLiteral("%1").arg(st.st_mode & 07777, 4, 8, QLatin1Char('0'));
}

} // namespace

FileCredentialStore::FileCredentialStore(const QString& path)
    : m_path(path)
{
}

QString FileCredentialStore::defaultPath()
{
    return Settings().credentialsFile();
}

Result<void> FileCredentialStore::checkPermissions() const
{
    const QFileInfo file(m_path);
    if (!file.exists()) {
        return {};
    }
    const QFileDevice::Permissions p = file.permissions();
    if (p & (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther)) {
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("refusing to use credentials file `%1`: group or others can access it "
                                        "(mode %2); run `chmod 600 %1`")
                             .arg(m_path, modeString(m_path)));
    }
    const uint me = ::geteuid();
    if (file.ownerId() != me) {
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("refusing to use credentials file `%1`: it belongs to uid %2, not to you "
                                        "(uid %3)")
                             .arg(m_path)
                             .arg(file.ownerId())
                             .arg(me));
    }
    const QString dir = file.absolutePath();
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(dir).constData(), &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH))
        && !(st.st_mode & S_ISVTX)) {
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("refusing to use credentials file `%1`: its directory `%2` is writable by "
                                        "others (mode %3); run `chmod 700 %2`")
                             .arg(m_path, dir, modeString(dir)));
    }
    return {};
}

Result<QJsonObject> FileCredentialStore::load() const
{
    QFile f(m_path);
    if (!f.exists()) {
        return QJsonObject();
    }
    if (auto ok = checkPermissions(); !ok) {
        return ok.error();
    }
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("cannot read credentials from `%1`: %2").arg(m_path, f.errorString()));
    }
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(4 << 20), &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("credentials file `%1` is not valid JSON").arg(m_path));
    }
    return doc.object().value(QStringLiteral("credentials")).toObject();
}

Result<std::optional<StoredCredential>> FileCredentialStore::readNow(const QString& key) const
{
    auto all = load();
    if (!all) {
        return all.error();
    }
    const QJsonObject o = all->value(key).toObject();
    if (o.isEmpty()) {
        return std::optional<StoredCredential>();
    }
    return std::optional<StoredCredential>(
        StoredCredential{o.value(QStringLiteral("username")).toString(), o.value(QStringLiteral("secret")).toString()});
}

Result<void> FileCredentialStore::writeNow(const QString& key, const std::optional<StoredCredential>& credential)
{
    const QString dir = QFileInfo(m_path).absolutePath();
    if (!QDir().mkpath(dir)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create `%1`").arg(dir));
    }
    QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    auto lock = LockWaiter::acquireBrief(m_path + QStringLiteral(".lock"));
    if (!lock) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot lock `%1`").arg(m_path), lock.detail());
    }
    auto all = load();
    if (!all) {
        return all.error();
    }
    QJsonObject credentials = all.value();
    if (credential) {
        credentials.insert(key,
                           QJsonObject{{QStringLiteral("username"), credential->username},
                                       {QStringLiteral("secret"), credential->secret}});
    } else {
        credentials.remove(key);
    }
    const QByteArray json
        = QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("credentials"), credentials}})
              .toJson(QJsonDocument::Indented);
    return AtomicFile::write(m_path, json, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

void FileCredentialStore::read(const QString& key, QObject* context, ReadDone done)
{
    auto r = readNow(key);
    QTimer::singleShot(0, context, [done, r] { done(r); });
}

void FileCredentialStore::write(const QString& key, const StoredCredential& credential, QObject* context, Done done)
{
    auto r = writeNow(key, credential);
    QTimer::singleShot(0, context, [done, r] { done(r); });
}

void FileCredentialStore::remove(const QString& key, QObject* context, Done done)
{
    auto r = writeNow(key, std::nullopt);
    QTimer::singleShot(0, context, [done, r] { done(r); });
}

} // namespace dist
