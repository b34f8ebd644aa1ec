// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

#include <QHash>
#include <QWidget>

class QLabel;

namespace dist::gui {

class UsageTreemap;

// The Usage tab: the treemap of what takes the space, and beside it the totals by artifact type and
// by status (the legend of the map's colours), against the cap.
class UsagePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsagePage)

public:
    explicit UsagePage(QWidget* parent = nullptr);

    void setEntries(const QList<CacheEntry>& entries, const QHash<Digest, BundleRecord>& bundles, qint64 capBytes);
    UsageTreemap* treemap(); // laid out for the latest entries
    QString totalsText() const; // the totals as plain text (as of the last time the page was shown)

Q_SIGNALS:
    void entriesActivated(const QList<Digest>& digests);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh();

    UsageTreemap* m_treemap;
    QLabel* m_totals;
    QList<CacheEntry> m_entries;
    QHash<Digest, BundleRecord> m_bundles;
    qint64 m_capBytes = 0;
    bool m_stale = false;
};

} // namespace dist::gui
