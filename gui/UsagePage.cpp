// SPDX-License-Identifier: MIT
#include "UsagePage.h"

#include "EntryStatus.h"
#include "UsageTreemap.h"

#include <cache/CacheUsage.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QTextDocument>

namespace dist::gui {

UsagePage::UsagePage(QWidget* parent)
    : QWidget(parent)
    , m_treemap(new UsageTreemap(this))
    , m_totals(new QLabel(this))
{
    m_totals->setObjectName(QStringLiteral("usageTotals"));
    m_totals->setTextFormat(Qt::RichText);
    m_totals->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_totals->setMinimumWidth(220);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_treemap, 1);
    layout->addWidget(m_totals);
    connect(m_treemap, &UsageTreemap::entriesActivated, this, &UsagePage::entriesActivated);
}

void UsagePage::setEntries(const QList<CacheEntry>& entries, const QHash<Digest, BundleRecord>& bundles,
                           qint64 capBytes)
{
    m_entries = entries;
    m_bundles = bundles;
    m_capBytes = capBytes;
    m_stale = true;
    if (isVisible()) {
        refresh();
    }
}

UsageTreemap* UsagePage::treemap()
{
    if (m_stale) {
        refresh();
    }
    return m_treemap;
}

void UsagePage::showEvent(QShowEvent* event)
{
    // Laid out when the tab is shown: at 100,000 entries the map is a good part of a snapshot's
    // cost, and nobody sees it while the cache table is in front.
    if (m_stale) {
        refresh();
    }
    QWidget::showEvent(event);
}

void UsagePage::refresh()
{
    m_stale = false;
    const QList<CacheEntry>& entries = m_entries;
    const qint64 capBytes = m_capBytes;
    m_treemap->setEntries(entries, m_bundles, capBytes);
    const CacheUsage usage = CacheUsage::of(entries);
    struct Count
    {
        int entries = 0;
        qint64 bytes = 0;
    };
    Count byKind[4];
    for (const UsageTreemap::Tile& t : m_treemap->tiles()) {
        ++byKind[t.kind].entries;
        byKind[t.kind].bytes += t.bytes;
    }
    QString html = QStringLiteral("<p><b>%1</b> in %2<br>")
                       .arg(UsageTreemap::formatBytes(usage.total.bytes))
                       .arg(usage.total.entries);
    html += capBytes > 0
        ? tr("cap %1 (%2%)").arg(UsageTreemap::formatBytes(capBytes)).arg(usage.percentOf(capBytes), 0, 'f', 0)
        : tr("no cap");
    html += QStringLiteral("</p><p><b>%1</b><br>").arg(tr("By status"));
    for (EntryStatus::Kind k :
         {EntryStatus::Protected, EntryStatus::InBundle, EntryStatus::Evictable, EntryStatus::Corrupt}) {
        html += QStringLiteral("<span style=\"color:%1\">&#9632;</span> %2: %3 in %4<br>")
                    .arg(UsageTreemap::colorFor(k).name(), EntryStatus::name(k).toHtmlEscaped(),
                         UsageTreemap::formatBytes(byKind[k].bytes))
                    .arg(byKind[k].entries);
    }
    html += QStringLiteral("</p><p><b>%1</b><br>").arg(tr("By type"));
    for (auto it = usage.byType.cbegin(); it != usage.byType.cend(); ++it) {
        html += QStringLiteral("%1: %2 in %3<br>")
                    .arg(artifactTypeName(it.key()).toHtmlEscaped(), UsageTreemap::formatBytes(it->bytes))
                    .arg(it->entries);
    }
    html += QStringLiteral("</p>");
    m_totals->setText(html);
}

QString UsagePage::totalsText() const
{
    QTextDocument doc;
    doc.setHtml(m_totals->text());
    return doc.toPlainText();
}

} // namespace dist::gui
