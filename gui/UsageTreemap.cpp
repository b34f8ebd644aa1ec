// SPDX-License-Identifier: MIT
#include "UsageTreemap.h"
#include "ByteSize.h"

#include "TreemapLayout.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMap>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QUrl>

namespace dist::gui {

namespace {

constexpr qreal kHeader = 16; // the repository label strip
constexpr qreal kGap = 2;

QString lastPart(const QString& ref)
{
    QString s = ref;
    while (s.endsWith(u'/')) {
        s.chop(1);
    }
    return s.section(u'/', -1);
}

} // namespace

UsageTreemap::UsageTreemap(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("usageTreemap"));
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setAccessibleName(tr("Cache usage by repository"));
}

QString UsageTreemap::formatBytes(qint64 bytes)
{
    return ByteSize::text(bytes);
}

QString UsageTreemap::repositoryOf(const CacheEntry& entry)
{
    if (entry.artifactType == ArtifactType::Pack) {
        return QStringLiteral("packs");
    }
    const QString raw = entry.rawRef;
    for (const char* scheme : {"oci://", "repo://", "store://"}) {
        const QLatin1String prefix(scheme);
        if (raw.startsWith(prefix)) {
            QString rest = raw.mid(prefix.size()).section(u'@', 0, 0);
            const qsizetype slash = rest.lastIndexOf(u'/');
            const qsizetype colon = rest.lastIndexOf(u':');
            if (colon > slash && slash >= 0) {
                rest.truncate(colon); // the tag, not a registry port
            }
            return rest;
        }
    }
    if (raw.startsWith(QLatin1String("https://")) || raw.startsWith(QLatin1String("http://"))) {
        const QUrl url(raw);
        return url.scheme() + QStringLiteral("://") + url.host();
    }
    return QStringLiteral("files");
}

QColor UsageTreemap::colorFor(EntryStatus::Kind kind)
{
    // Hues that stay apart on light and dark backgrounds and for the common colour deficiencies.
    switch (kind) {
    case EntryStatus::Corrupt:
        return QColor(0xd3, 0x2f, 0x2f);
    case EntryStatus::Protected:
        return QColor(0x38, 0x8e, 0x3c);
    case EntryStatus::InBundle:
        return QColor(0x1e, 0x88, 0xe5);
    case EntryStatus::Evictable:
        break;
    }
    return QColor(0x90, 0xa4, 0xae);
}

void UsageTreemap::setEntries(const QList<CacheEntry>& entries, const QHash<Digest, BundleRecord>& bundles,
                              qint64 capBytes)
{
    const Digest focused = m_focus >= 0 && m_focus < m_tiles.size() ? m_tiles.at(m_focus).digest : Digest();
    m_tiles.clear();
    m_groups.clear();
    m_total = 0;
    m_cap = capBytes;
    QMap<QString, int> groupOf; // sorted by name, so equal sizes keep their places
    for (const CacheEntry& e : entries) {
        Tile t;
        t.digest = e.digest;
        t.repository = repositoryOf(e);
        t.label = lastPart(e.rawRef);
        t.bytes = std::max<qint64>(e.sizeBytes, 1);
        const auto b = bundles.constFind(e.digest);
        t.kind = EntryStatus::of(e, b == bundles.cend() ? nullptr : &*b);
        m_total += t.bytes;
        m_tiles.append(t);
        groupOf.insert(t.repository, 0);
    }
    for (auto it = groupOf.begin(); it != groupOf.end(); ++it) {
        it.value() = static_cast<int>(m_groups.size());
        m_groups.append(Group{it.key(), 0, {}, {}, {}});
    }
    for (int i = 0; i < m_tiles.size(); ++i) {
        Group& g = m_groups[groupOf.value(m_tiles.at(i).repository)];
        g.bytes += m_tiles.at(i).bytes;
        g.tiles.append(i);
    }
    m_focus = -1;
    for (int i = 0; i < m_tiles.size(); ++i) {
        if (m_tiles.at(i).digest == focused) {
            m_focus = i;
        }
    }
    relayout();
    update();
}

void UsageTreemap::relayout()
{
    const QRectF area = QRectF(rect()).adjusted(1, 1, -1, -1);
    m_map = area;
    m_capX = -1;
    // The map always fills the area (a small cache under a large cap would otherwise be a sliver);
    // over the cap, a line marks where it falls, so what lies beyond it is what retention must take.
    if (m_cap > 0 && m_total > m_cap) {
        m_capX = area.left() + area.width() * qreal(m_cap) / qreal(m_total);
    }
    QList<qreal> groupWeights;
    for (const Group& g : std::as_const(m_groups)) {
        groupWeights.append(qreal(g.bytes));
    }
    const QList<QRectF> groupRects = TreemapLayout::squarify(groupWeights, m_map);
    for (int gi = 0; gi < m_groups.size(); ++gi) {
        Group& g = m_groups[gi];
        g.rect = groupRects.at(gi);
        QRectF inner = g.rect.adjusted(kGap / 2, kGap / 2, -kGap / 2, -kGap / 2);
        g.header = QRectF();
        if (inner.height() > 3 * kHeader && inner.width() > 48) {
            g.header = QRectF(inner.left(), inner.top(), inner.width(), kHeader);
            inner.setTop(inner.top() + kHeader);
        }
        QList<qreal> weights;
        for (int ti : std::as_const(g.tiles)) {
            weights.append(qreal(m_tiles.at(ti).bytes));
        }
        const QList<QRectF> tileRects = TreemapLayout::squarify(weights, inner);
        for (int k = 0; k < g.tiles.size(); ++k) {
            m_tiles[g.tiles.at(k)].rect = tileRects.at(k);
        }
    }
}

QList<Digest> UsageTreemap::digestsAt(const QPointF& pos) const
{
    for (const Group& g : m_groups) {
        if (g.header.contains(pos)) {
            QList<Digest> all;
            for (int ti : g.tiles) {
                all.append(m_tiles.at(ti).digest);
            }
            return all;
        }
    }
    for (const Tile& t : m_tiles) {
        if (t.rect.contains(pos)) {
            return {t.digest};
        }
    }
    return {};
}

void UsageTreemap::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    if (m_tiles.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("The cache is empty"));
        return;
    }
    const QFontMetrics fm(font());
    for (const Group& g : std::as_const(m_groups)) {
        if (!g.header.isEmpty()) {
            p.setPen(pal.color(QPalette::Text));
            p.drawText(g.header.adjusted(3, 0, -3, 0), Qt::AlignLeft | Qt::AlignVCenter,
                       fm.elidedText(QStringLiteral("%1  %2").arg(g.repository, formatBytes(g.bytes)), Qt::ElideMiddle,
                                     int(g.header.width()) - 6));
        }
    }
    for (int i = 0; i < m_tiles.size(); ++i) {
        const Tile& t = m_tiles.at(i);
        const QRectF r = t.rect.adjusted(0.5, 0.5, -0.5, -0.5);
        if (r.isEmpty()) {
            continue;
        }
        const QColor fill = colorFor(t.kind);
        p.fillRect(r, fill);
        p.setPen(pal.color(QPalette::Base));
        p.drawRect(r);
        if (r.width() > 40 && r.height() > fm.height() + 2) {
            p.setPen(fill.lightnessF() > 0.6 ? Qt::black : Qt::white);
            p.drawText(r.adjusted(3, 1, -3, -1), Qt::AlignLeft | Qt::AlignTop,
                       fm.elidedText(t.label, Qt::ElideMiddle, int(r.width()) - 6));
        }
        if (i == m_focus && hasFocus()) {
            p.setPen(QPen(pal.color(QPalette::Highlight), 2));
            p.drawRect(r.adjusted(1, 1, -1, -1));
        }
    }
    if (m_capX >= 0) {
        const QRectF area = QRectF(rect()).adjusted(1, 1, -1, -1);
        p.setPen(QPen(colorFor(EntryStatus::Corrupt), 2, Qt::DashLine));
        p.drawLine(QPointF(m_capX, area.top()), QPointF(m_capX, area.bottom()));
        // The label sits on a plate at the foot of the line, over the tiles rather than mixed into
        // their text.
        const QString label = tr("cap %1").arg(formatBytes(m_cap));
        const qreal width = fm.horizontalAdvance(label) + 8;
        const qreal x = m_capX + width + 2 <= area.right() ? m_capX + 2 : m_capX - width - 2;
        const QRectF plate(x, area.bottom() - fm.height() - 4, width, fm.height() + 2);
        p.fillRect(plate, pal.color(QPalette::ToolTipBase));
        p.setPen(pal.color(QPalette::ToolTipText));
        p.drawText(plate, Qt::AlignCenter, label);
    }
}

void UsageTreemap::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    relayout();
}

void UsageTreemap::mousePressEvent(QMouseEvent* event)
{
    const QList<Digest> hit = digestsAt(event->position());
    if (hit.isEmpty()) {
        QWidget::mousePressEvent(event);
        return;
    }
    if (hit.size() == 1) {
        for (int i = 0; i < m_tiles.size(); ++i) {
            if (m_tiles.at(i).digest == hit.first()) {
                m_focus = i;
            }
        }
        update();
    }
    Q_EMIT entriesActivated(hit);
}

void UsageTreemap::keyPressEvent(QKeyEvent* event)
{
    if (m_tiles.isEmpty()) {
        QWidget::keyPressEvent(event);
        return;
    }
    // Largest first, as the layout places them, is the order the arrow keys walk.
    QList<int> order;
    for (const Group& g : std::as_const(m_groups)) {
        order.append(g.tiles);
    }
    const qsizetype at = order.indexOf(m_focus);
    switch (event->key()) {
    case Qt::Key_Right:
    case Qt::Key_Down:
        m_focus = order.at(at < 0 ? 0 : (at + 1) % order.size());
        break;
    case Qt::Key_Left:
    case Qt::Key_Up:
        m_focus = order.at(at <= 0 ? order.size() - 1 : at - 1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        if (m_focus >= 0) {
            Q_EMIT entriesActivated({m_tiles.at(m_focus).digest});
        }
        return;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    update();
}

bool UsageTreemap::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        for (const Tile& t : std::as_const(m_tiles)) {
            if (t.rect.contains(help->pos())) {
                QToolTip::showText(
                    help->globalPos(),
                    tr("%1\n%2 — %3\n%4").arg(t.label, formatBytes(t.bytes), EntryStatus::name(t.kind), t.repository),
                    this);
                return true;
            }
        }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}

} // namespace dist::gui
