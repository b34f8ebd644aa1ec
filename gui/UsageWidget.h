// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheUsage.h>

#include <QMap>
#include <QWidget>

namespace dist::gui {

// Usage at a glance: one bar for the cap, split by artifact type, with the totals as text.
class UsageWidget final : public QWidget
{
    Q_OBJECT

public:
    explicit UsageWidget(QWidget* parent = nullptr);

    void setUsage(const QList<CacheEntry>& entries, qint64 capBytes);
    QString summary() const { return m_summary; }
    QSize sizeHint() const override { return QSize(600, 46); }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    CacheUsage m_usage;
    qint64 m_cap = 0;
    QString m_summary;
};

} // namespace dist::gui
