// SPDX-License-Identifier: MIT
#include "CredentialIndex.h"

#include <config/Settings.h>
#include <core/AtomicFile.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace dist {

CredentialIndex::CredentialIndex(const QString& path)
    : m_path(path)
{
}

QString CredentialIndex::defaultPath()
{
    return Settings().credentialsIndexFile();
}

QList<CredentialIndexEntry> CredentialIndex::entries() const
{
    QList<CredentialIndexEntry> out;
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly)) {
        return out;
    }
    const QJsonArray list
        = QJsonDocument::fromJson(f.read(4 << 20)).object().value(QStringLiteral("entries")).toArray();
    for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        CredentialIndexEntry e{
            o.value(QStringLiteral("key")).toString(), o.value(QStringLiteral("username")).toString(),
            o.value(QStringLiteral("backend")).toString(), o.value(QStringLiteral("saved_at")).toInteger()};
        if (!e.key.isEmpty()) {
            out.append(e);
        }
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    return out;
}

std::optional<CredentialIndexEntry> CredentialIndex::find(const QString& key) const
{
    for (const CredentialIndexEntry& e : entries()) {
        if (e.key == key) {
            return e;
        }
    }
    return std::nullopt;
}

Result<void> CredentialIndex::save(const QList<CredentialIndexEntry>& entries)
{
    QJsonArray list;
    for (const CredentialIndexEntry& e : entries) {
        list.append(QJsonObject{{QStringLiteral("key"), e.key},
                                {QStringLiteral("username"), e.username},
                                {QStringLiteral("backend"), e.backend},
                                {QStringLiteral("saved_at"), e.savedAt}});
    }
    return AtomicFile::write(m_path, QJsonDocument(QJsonObject{{QStringLiteral("entries"), list}}).toJson(),
                             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

Result<void> CredentialIndex::upsert(const CredentialIndexEntry& entry)
{
    QList<CredentialIndexEntry> all = entries();
    all.removeIf([&](const CredentialIndexEntry& e) { return e.key == entry.key; });
    all.append(entry);
    return save(all);
}

Result<void> CredentialIndex::remove(const QString& key)
{
    QList<CredentialIndexEntry> all = entries();
    all.removeIf([&](const CredentialIndexEntry& e) { return e.key == key; });
    return save(all);
}

} // namespace dist
