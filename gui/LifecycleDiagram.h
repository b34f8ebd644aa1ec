// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>

#include <QMap>
#include <QWidget>

#include <optional>

namespace dist::gui {

// The bundle lifecycle drawn as a state diagram: every state and the 15 legal edges, the current
// state highlighted, and only its legal next states clickable.
class LifecycleDiagram final : public QWidget
{
    Q_OBJECT

public:
    explicit LifecycleDiagram(QWidget* parent = nullptr);

    void setCurrent(std::optional<BundleState> state);
    std::optional<BundleState> current() const { return m_current; }
    bool isClickable(BundleState state) const;
    static QString refusalReason(BundleState from, BundleState to);
    QRectF nodeRect(BundleState state) const;
    QSize sizeHint() const override { return QSize(620, 190); }
    QSize minimumSizeHint() const override { return QSize(420, 150); }

Q_SIGNALS:
    void transitionRequested(dist::BundleState to);
    // A click on a state the current one cannot move to, with the sentence that says why.
    void transitionRefused(dist::BundleState to, const QString& why);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    std::optional<BundleState> stateAt(const QPointF& p) const;

    std::optional<BundleState> m_current;
    std::optional<BundleState> m_hover;
};

} // namespace dist::gui
