// SPDX-License-Identifier: MIT
#pragma once

#include <credentials/CredentialStore.h>

namespace dist {

// The default credential store: the OS keychain through QtKeychain (Secret Service on Linux), under
// the service name "greentic-dist". Lives in its own library so libdist stays free of D-Bus.
// QtKeychain never falls back to plain text here; when no keychain answers, operations fail with
// an AuthRequired error that says how to fix it.
class KeychainCredentialStore final : public CredentialStore
{
public:
    explicit KeychainCredentialStore(const QString& service = QStringLiteral("greentic-dist"));

    QString backend() const override { return QStringLiteral("keychain"); }
    void read(const QString& key, QObject* context, ReadDone done) override;
    void write(const QString& key, const StoredCredential& credential, QObject* context, Done done) override;
    void remove(const QString& key, QObject* context, Done done) override;

    static QString unavailableHint();

private:
    QString m_service;
};

} // namespace dist
