// SPDX-License-Identifier: MIT
#include "UsageWidget.h"

#include <QLocale>
#include <QPainter>

namespace dist::gui {

namespace {

QColor colorFor(ArtifactType t)
{
    switch (t) {
    case ArtifactType::Component:
        return QColor(0x1f, 0x7a, 0x4d);
    case ArtifactType::Pack:
        return QColor(0x2b, 0x6c, 0xb0);
    case ArtifactType::Bundle:
        return QColor(0xb7, 0x79, 0x1f);
    }
    return Qt::gray;
}

} // namespace

UsageWidget::UsageWidget(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("usage"));
    setMinimumHeight(46);
}

void UsageWidget::setUsage(const QList<CacheEntry>& entries, qint64 capBytes)
{
    m_usage = CacheUsage::of(entries);
    m_cap = capBytes;
    const QLocale l = QLocale::system();
    QStringList parts;
    for (auto it = m_usage.byType.cbegin(); it != m_usage.byType.cend(); ++it) {
        if (it->entries > 0) {
            parts << QStringLiteral("%1 %2").arg(artifactTypeName(it.key()), l.formattedDataSize(it->bytes));
        }
    }
    m_summary = tr("%1 in %n entries", nullptr, m_usage.total.entries).arg(l.formattedDataSize(m_usage.total.bytes));
    if (m_cap > 0) {
        m_summary += tr(" of %1 (%2%)").arg(l.formattedDataSize(m_cap)).arg(m_usage.percentOf(m_cap), 0, 'f', 1);
    }
    if (!parts.isEmpty()) {
        m_summary += QStringLiteral(" — ") + parts.join(QStringLiteral(", "));
    }
    setToolTip(m_summary);
    update();
}

void UsageWidget::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF bar(4, 4, width() - 8, 16);
    p.setPen(Qt::NoPen);
    p.setBrush(palette().alternateBase());
    p.drawRoundedRect(bar, 4, 4);
    const double scale = static_cast<double>(std::max(m_cap > 0 ? m_cap : m_usage.total.bytes, qint64(1)));
    double x = bar.left();
    for (auto it = m_usage.byType.cbegin(); it != m_usage.byType.cend(); ++it) {
        const double w = bar.width() * std::min(1.0, static_cast<double>(it->bytes) / scale);
        p.setBrush(colorFor(it.key()));
        p.drawRect(QRectF(x, bar.top(), w, bar.height()));
        x += w;
    }
    if (m_cap > 0 && m_usage.total.bytes > m_cap) {
        p.setPen(QPen(QColor(0xc6, 0x28, 0x28), 2));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(bar, 4, 4);
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRectF(4, 22, width() - 8, 20), Qt::AlignLeft | Qt::AlignVCenter, m_summary);
}

} // namespace dist::gui
