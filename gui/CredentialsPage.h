// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QLabel;
class QTableWidget;

namespace dist {
class CredentialStore;
}

namespace dist::gui {

// GHCR tenant tokens in the OS keychain: save, test (read back), remove; shows which backend is in
// use and why. Secrets are only ever typed into a password field and never shown.
class CredentialsPage final : public QWidget
{
    Q_OBJECT

public:
    // `store` is where new tokens go; `file` is the plain-file store, used when chosen explicitly.
    CredentialsPage(CredentialStore* store, CredentialStore* keychain, CredentialStore* file, const QString& why,
                    QWidget* parent = nullptr);

    void refresh();
    void save(const QString& tenant, const QString& token);
    void test(const QString& key);
    void remove(const QString& key);
    QTableWidget* table() const { return m_table; }
    QString status() const;

Q_SIGNALS:
    void message(const QString& text);

private:
    CredentialStore* storeFor(const QString& backend) const;
    QString selectedKey() const;
    void report(const QString& text);

    CredentialStore* m_store; // null when the configured choice is invalid (m_why says so)
    QString m_why;
    CredentialStore* m_keychain;
    CredentialStore* m_file;
    QLabel* m_backend;
    QLabel* m_status;
    QTableWidget* m_table;
};

} // namespace dist::gui
