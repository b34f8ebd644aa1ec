// SPDX-License-Identifier: MIT
#include "PullDialog.h"
#include "ReadableColor.h"

#include <client/DistClient.h>

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace dist::gui {

PullDialog::PullDialog(DistClient& client, QWidget* parent)
    : QDialog(parent)
    , m_client(client)
    , m_refs(new QPlainTextEdit(this))
    , m_list(new QTreeWidget(this))
    , m_pull(new QPushButton(tr("&Pull"), this))
    , m_cancel(new QPushButton(tr("&Cancel pulls"), this))
    , m_status(new QLabel(this))
{
    setObjectName(QStringLiteral("pullDialog"));
    setWindowTitle(tr("Pull artifacts"));
    m_refs->setPlaceholderText(tr("oci://ghcr.io/org/component:1.0\n./local.wasm\n(one reference per line)"));
    m_refs->setMaximumHeight(90);
    m_list->setObjectName(QStringLiteral("pullProgress"));
    m_list->setColumnCount(3);
    m_list->setHeaderLabels({tr("Reference"), tr("Progress"), tr("Result")});
    m_list->setRootIsDecorated(false);
    m_list->header()->setStretchLastSection(true);
    m_list->setColumnWidth(0, 300);
    m_list->setColumnWidth(1, 160);
    m_cancel->setEnabled(false);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    close->addButton(m_pull, QDialogButtonBox::ActionRole);
    close->addButton(m_cancel, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("References:"), this));
    layout->addWidget(m_refs);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_status);
    layout->addWidget(close);
    resize(720, 420);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_pull, &QPushButton::clicked, this, &PullDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &PullDialog::cancel);
    connect(&m_client, &DistClient::progress, this, &PullDialog::onProgress);
}

void PullDialog::setReferences(const QStringList& references)
{
    m_refs->setPlainText(references.join(u'\n'));
}

void PullDialog::start()
{
    const QStringList refs = m_refs->toPlainText().split(u'\n', Qt::SkipEmptyParts);
    for (const QString& line : refs) {
        const QString ref = line.trimmed();
        if (ref.isEmpty() || m_items.contains(ref)) {
            continue;
        }
        auto* item = new QTreeWidgetItem(m_list, {ref, QString(), tr("pulling…")});
        auto* bar = new QProgressBar(m_list);
        bar->setRange(0, 0);
        bar->setTextVisible(true);
        m_list->setItemWidget(item, 1, bar);
        m_items.insert(ref, item);
        ++m_running;
        m_client.pull(ref, Digest(), [this, item, ref](Result<PullResult> r) {
            m_items.remove(ref);
            finishOne(item, r.ok(),
                      r ? (r->fetched ? tr("fetched %1").arg(r->digest.toString().left(19))
                                      : tr("already cached %1").arg(r->digest.toString().left(19)))
                        : r.message());
        });
    }
    m_cancel->setEnabled(m_running > 0);
    m_status->setText(m_running > 0 ? tr("%n pulls running", nullptr, m_running) : QString());
}

void PullDialog::cancel()
{
    m_client.cancelAll();
}

void PullDialog::onProgress(const QString& reference, qint64 received, qint64 total)
{
    QTreeWidgetItem* item = m_items.value(reference);
    if (!item) {
        return;
    }
    auto* bar = qobject_cast<QProgressBar*>(m_list->itemWidget(item, 1));
    if (!bar) {
        return;
    }
    if (total > 0) {
        // Scaled to KiB so gigabyte blobs fit an int.
        bar->setRange(0, static_cast<int>(total / 1024));
        bar->setValue(static_cast<int>(received / 1024));
        bar->setFormat(QStringLiteral("%p% of %1").arg(QLocale::system().formattedDataSize(total)));
    } else {
        bar->setRange(0, 0);
    }
}

void PullDialog::finishOne(QTreeWidgetItem* item, bool ok, const QString& text)
{
    --m_running;
    if (auto* bar = qobject_cast<QProgressBar*>(m_list->itemWidget(item, 1))) {
        bar->setRange(0, 1);
        bar->setValue(ok ? 1 : 0);
        bar->setFormat(ok ? tr("done") : tr("failed"));
    }
    item->setText(2, text);
    item->setForeground(2,
                        ok ? palette().color(QPalette::Text)
                           : ReadableColor::on(QColor(0xc6, 0x28, 0x28), palette().color(QPalette::Base)));
    m_cancel->setEnabled(m_running > 0);
    m_status->setText(m_running > 0 ? tr("%n pulls running", nullptr, m_running) : tr("Finished"));
    if (ok) {
        Q_EMIT pulled();
    }
}

} // namespace dist::gui
