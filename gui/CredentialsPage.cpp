// SPDX-License-Identifier: MIT
#include "CredentialsPage.h"

#include <credentials/CredentialIndex.h>
#include <credentials/CredentialStore.h>
#include <credentials/SavedCredentials.h>

#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace dist::gui {

CredentialsPage::CredentialsPage(CredentialStore* store, CredentialStore* keychain, CredentialStore* file,
                                 const QString& why, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_keychain(keychain)
    , m_file(file)
    , m_backend(new QLabel(this))
    , m_status(new QLabel(this))
    , m_table(new QTableWidget(this))
{
    setObjectName(QStringLiteral("credentialsPage"));
    m_backend->setObjectName(QStringLiteral("credentialBackend"));
    m_backend->setWordWrap(true);
    m_backend->setText(
        store ? tr("<b>Tokens are saved in the %1 store.</b> %2").arg(store->backend(), why.toHtmlEscaped())
              : tr("<b>No token can be saved.</b> %1").arg(why.toHtmlEscaped()));
    m_why = why;
    m_status->setObjectName(QStringLiteral("credentialStatus"));
    m_status->setWordWrap(true);
    m_table->setObjectName(QStringLiteral("credentialTable"));
    m_table->setColumnCount(4);
    m_table->setHorizontalHeaderLabels({tr("Tenant / registry"), tr("User"), tr("Saved in"), tr("Saved")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();

    auto* add = new QPushButton(tr("&Save tenant token…"), this);
    auto* testButton = new QPushButton(tr("&Test"), this);
    auto* removeButton = new QPushButton(tr("Re&move"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(testButton);
    buttons->addWidget(removeButton);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_backend);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    layout->addWidget(m_status);

    connect(add, &QPushButton::clicked, this, [this] {
        QDialog dialog(this);
        dialog.setWindowTitle(tr("Save a GHCR tenant token"));
        auto* tenant = new QLineEdit(&dialog);
        auto* token = new QLineEdit(&dialog);
        token->setEchoMode(QLineEdit::Password);
        auto* form = new QFormLayout(&dialog);
        form->addRow(tr("Tenant:"), tenant);
        form->addRow(tr("Token:"), token);
        auto* box = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, &dialog);
        form->addRow(box);
        connect(box, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
        connect(box, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        if (dialog.exec() == QDialog::Accepted) {
            save(tenant->text(), token->text());
        }
    });
    connect(testButton, &QPushButton::clicked, this, [this] { test(selectedKey()); });
    connect(removeButton, &QPushButton::clicked, this, [this] { remove(selectedKey()); });
    refresh();
}

QString CredentialsPage::status() const
{
    return m_status->text();
}

void CredentialsPage::report(const QString& text)
{
    m_status->setText(text);
    Q_EMIT message(text);
}

CredentialStore* CredentialsPage::storeFor(const QString& backend) const
{
    return backend == u"file" ? m_file : m_keychain;
}

QString CredentialsPage::selectedKey() const
{
    const auto rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_table->item(rows.first().row(), 0)->data(Qt::UserRole).toString();
}

void CredentialsPage::refresh()
{
    const QList<CredentialIndexEntry> entries = CredentialIndex().entries();
    m_table->setRowCount(static_cast<int>(entries.size()));
    for (int i = 0; i < entries.size(); ++i) {
        const CredentialIndexEntry& e = entries.at(i);
        auto* name
            = new QTableWidgetItem(QStringLiteral("%1 %2").arg(e.key.section(u'/', 0, 0), e.key.section(u'/', 1)));
        name->setData(Qt::UserRole, e.key);
        m_table->setItem(i, 0, name);
        m_table->setItem(i, 1, new QTableWidgetItem(e.username));
        m_table->setItem(i, 2, new QTableWidgetItem(e.backend));
        m_table->setItem(i, 3,
                         new QTableWidgetItem(
                             QDateTime::fromSecsSinceEpoch(e.savedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    }
}

void CredentialsPage::save(const QString& tenantText, const QString& tokenText)
{
    const QString tenant = tenantText.trimmed();
    const QString token = tokenText.trimmed();
    if (tenant.isEmpty() || token.isEmpty()) {
        report(tr("A tenant and a token are both needed."));
        return;
    }
    CredentialStore* store = m_store;
    if (!store) {
        report(m_why);
        return;
    }
    const QString key = CredentialKey::tenant(tenant);
    SavedCredentials::save(
        *store, CredentialIndex(), key, StoredCredential{tenant, token}, this, [this, tenant, store](Result<void> r) {
            if (!r) {
                report(r.message());
                refresh();
                return;
            }
            refresh();
            report(tr("Saved the token for tenant %1 in the %2 store.").arg(tenant, store->backend()));
        });
}

void CredentialsPage::test(const QString& key)
{
    const auto entry = CredentialIndex().find(key);
    if (!entry) {
        report(tr("Select a saved token first."));
        return;
    }
    CredentialStore* store = storeFor(entry->backend);
    store->read(key, this, [this, key](Result<std::optional<StoredCredential>> r) {
        if (!r) {
            report(r.message());
        } else if (!r->has_value() || (*r)->secret.isEmpty()) {
            report(tr("%1: nothing is stored any more (log in again).").arg(key));
        } else {
            report(tr("%1: the token reads back from the store (%n characters).", nullptr,
                      static_cast<int>((*r)->secret.size()))
                       .arg(key));
        }
    });
}

void CredentialsPage::remove(const QString& key)
{
    const auto entry = CredentialIndex().find(key);
    if (!entry) {
        report(tr("Select a saved token first."));
        return;
    }
    SavedCredentials::remove(*storeFor(entry->backend), CredentialIndex(), key, this, [this, key](Result<void> r) {
        if (!r) {
            report(r.message());
            refresh();
            return;
        }
        refresh();
        report(tr("Removed %1.").arg(key));
    });
}

} // namespace dist::gui
