// SPDX-License-Identifier: MIT
#include "LifecycleDiagram.h"

#include "BundleModel.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QtMath>

namespace dist::gui {

namespace {

// Grid position (column, row) of each state: the happy path on top, the exits below.
QPointF cell(BundleState s)
{
    switch (s) {
    case BundleState::Inactive:
        return {0, 0};
    case BundleState::Staged:
        return {1, 0};
    case BundleState::Warming:
        return {2, 0};
    case BundleState::Ready:
        return {3, 0};
    case BundleState::Draining:
        return {4, 0};
    case BundleState::Failed:
        return {1.5, 1};
    case BundleState::Archived:
        return {3, 1};
    }
    return {0, 0};
}

void arrow(QPainter& p, QPointF from, QPointF to)
{
    p.drawLine(from, to);
    const double angle = std::atan2(to.y() - from.y(), to.x() - from.x());
    const double size = 7;
    QPolygonF head;
    head << to << to - QPointF(size * std::cos(angle - M_PI / 7), size * std::sin(angle - M_PI / 7))
         << to - QPointF(size * std::cos(angle + M_PI / 7), size * std::sin(angle + M_PI / 7));
    p.setBrush(p.pen().color());
    p.drawPolygon(head);
}

// Where the segment from the centre of r towards `towards` leaves r.
QPointF border(const QRectF& r, QPointF towards)
{
    const QPointF c = r.center();
    const QPointF d = towards - c;
    const double sx = d.x() != 0 ? (r.width() / 2) / std::abs(d.x()) : 1e9;
    const double sy = d.y() != 0 ? (r.height() / 2) / std::abs(d.y()) : 1e9;
    return c + d * std::min(sx, sy);
}

} // namespace

LifecycleDiagram::LifecycleDiagram(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("lifecycleDiagram"));
    setMouseTracking(true);
}

void LifecycleDiagram::setCurrent(std::optional<BundleState> state)
{
    m_current = state;
    update();
}

bool LifecycleDiagram::isClickable(BundleState state) const
{
    return m_current && isLegalTransition(*m_current, state);
}

QRectF LifecycleDiagram::nodeRect(BundleState state) const
{
    const double cw = width() / 5.0;
    const double rh = height() / 2.0;
    const QPointF c = cell(state);
    // The top row sits a little low to leave room for the arc back to Inactive.
    const QPointF centre(cw * (c.x() + 0.5), rh * (c.y() + 0.5) + (c.y() == 0 ? 14 : 0));
    const QSizeF size(std::min(cw - 16, 110.0), 34);
    return QRectF(centre - QPointF(size.width() / 2, size.height() / 2), size);
}

std::optional<BundleState> LifecycleDiagram::stateAt(const QPointF& p) const
{
    for (BundleState s : allBundleStates()) {
        if (nodeRect(s).contains(p)) {
            return s;
        }
    }
    return std::nullopt;
}

void LifecycleDiagram::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor faint = palette().color(QPalette::Mid);
    for (BundleState from : allBundleStates()) {
        for (BundleState to : legalTargets(from)) {
            const QRectF a = nodeRect(from);
            const QRectF b = nodeRect(to);
            const bool live = m_current && *m_current == from;
            p.setPen(QPen(live ? BundleModel::colorFor(to) : faint, live ? 2.0 : 1.0));
            // Offset the two directions of a pair (Failed <-> Staged) so both stay visible.
            if (cell(from).y() == cell(to).y() && cell(from).x() > cell(to).x() + 1) {
                // A long edge back along the top row (Draining -> Inactive) arcs over the nodes.
                const QPointF start(a.center().x(), a.top());
                const QPointF end(b.center().x(), b.top());
                QPainterPath path(start);
                path.cubicTo(start + QPointF(0, -a.height()), end + QPointF(0, -a.height()), end);
                p.setBrush(Qt::NoBrush);
                p.drawPath(path);
                arrow(p, end + QPointF(0, -6), end);
                continue;
            }
            const QPointF offset = isLegalTransition(to, from) ? QPointF(0, from < to ? -5 : 5) : QPointF();
            arrow(p, border(a, b.center()) + offset, border(b, a.center()) + offset);
        }
    }
    for (BundleState s : allBundleStates()) {
        const QRectF r = nodeRect(s);
        const bool isCurrent = m_current && *m_current == s;
        const bool clickable = isClickable(s);
        const QColor c = BundleModel::colorFor(s);
        p.setPen(QPen(clickable || isCurrent ? c : faint, isCurrent ? 3 : (clickable ? 2 : 1)));
        p.setBrush(isCurrent ? c : (clickable && m_hover == s ? c.lighter(170) : palette().color(QPalette::Base)));
        p.drawRoundedRect(r, 8, 8);
        QFont f = font();
        f.setBold(isCurrent || clickable);
        p.setFont(f);
        p.setPen(isCurrent ? Qt::white : (clickable ? palette().color(QPalette::Text) : faint));
        p.drawText(r, Qt::AlignCenter, bundleStateName(s));
    }
}

void LifecycleDiagram::mouseMoveEvent(QMouseEvent* event)
{
    const auto s = stateAt(event->position());
    m_hover = s && isClickable(*s) ? s : std::nullopt;
    setCursor(m_hover ? Qt::PointingHandCursor : Qt::ArrowCursor);
    update();
}

void LifecycleDiagram::mousePressEvent(QMouseEvent* event)
{
    const auto s = stateAt(event->position());
    if (s && isClickable(*s)) {
        Q_EMIT transitionRequested(*s);
    } else if (s && m_current && *s != *m_current) {
        Q_EMIT transitionRefused(*s, refusalReason(*m_current, *s));
    }
}

QString LifecycleDiagram::refusalReason(BundleState from, BundleState to)
{
    QStringList targets;
    for (BundleState t : legalTargets(from)) {
        targets << bundleStateName(t);
    }
    return targets.isEmpty() ? tr("%1 to %2 is not a lifecycle transition: nothing follows %1")
                                   .arg(bundleStateName(from), bundleStateName(to))
                             : tr("%1 to %2 is not a lifecycle transition; from %1 a bundle can go to %3")
                                   .arg(bundleStateName(from), bundleStateName(to), targets.join(QStringLiteral(", ")));
}

} // namespace dist::gui
