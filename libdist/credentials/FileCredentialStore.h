// SPDX-License-Identifier: MIT
#pragma once

#include "CredentialStore.h"

#include <QJsonObject>

namespace dist {

// The explicit opt-in plain-file store: a 0600 JSON file in a 0700 directory. It refuses to read a
// file that group or others can read, as ssh does. Unencrypted: for hosts without a keychain.
class FileCredentialStore final : public CredentialStore
{
public:
    explicit FileCredentialStore(const QString& path = defaultPath());

    // GREENTIC_DIST_CREDENTIALS_FILE, else ${XDG_CONFIG_HOME:-~/.config}/greentic/dist/credentials.json
    static QString defaultPath();
    const QString& path() const { return m_path; }

    QString backend() const override { return QStringLiteral("file"); }
    void read(const QString& key, QObject* context, ReadDone done) override;
    void write(const QString& key, const StoredCredential& credential, QObject* context, Done done) override;
    void remove(const QString& key, QObject* context, Done done) override;

    // Refuses, as ssh does, a file that group or others can read or write, a file owned by another
    // user, and a directory that others can write without the sticky bit (they could swap the
    // file). An absent file passes: there is nothing to leak yet.
    Result<void> checkPermissions() const;

    // The synchronous core (the async API defers these to the event loop).
    Result<std::optional<StoredCredential>> readNow(const QString& key) const;
    Result<void> writeNow(const QString& key, const std::optional<StoredCredential>& credential);

private:
    Result<QJsonObject> load() const;

    QString m_path;
};

} // namespace dist
