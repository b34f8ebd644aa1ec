// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QList>
#include <QString>

#include <optional>

namespace dist {

// What has been saved where, without the secrets: lets `auth ls` answer without unlocking a
// keychain, and lets pulls skip the keychain entirely for hosts nobody logged in to (so anonymous
// pulls work on machines without a Secret Service).
struct CredentialIndexEntry
{
    QString key; // tenant/<name> | registry/<host>
    QString username;
    QString backend; // keychain | file
    qint64 savedAt = 0;
};

class CredentialIndex
{
public:
    // ${XDG_CONFIG_HOME:-~/.config}/greentic/dist/credentials-index.json (GREENTIC_DIST_CREDENTIALS_INDEX)
    explicit CredentialIndex(const QString& path = defaultPath());
    static QString defaultPath();

    QList<CredentialIndexEntry> entries() const;
    std::optional<CredentialIndexEntry> find(const QString& key) const;
    Result<void> upsert(const CredentialIndexEntry& entry);
    Result<void> remove(const QString& key);

private:
    Result<void> save(const QList<CredentialIndexEntry>& entries);

    QString m_path;
};

} // namespace dist
