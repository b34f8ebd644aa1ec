// SPDX-License-Identifier: MIT
#pragma once

#include "CacheSnapshot.h"

#include <QAbstractTableModel>
#include <QHash>

#include <functional>

namespace dist::gui {

// One row per cache entry, in digest order (the view sorts). Sorting uses raw values (SortRole), not
// display strings, and updates are applied as row inserts, removals and changes, so selections
// survive a refresh.
class CacheEntryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheEntryModel)

public:
    // In the order shown; what decides an eviction (status, size, age, bundle) comes before detail.
    enum Column
    {
        StatusColumn, // icon only: corrupt, protected, in a bundle, evictable; the reason in the tooltip
        ReferenceColumn,
        TypeColumn,
        SizeColumn,
        LastUsedColumn,
        FetchedColumn,
        BundleStateColumn,
        DigestColumn,
        StateColumn, // hidden by default: the status column says it
        MediaTypeColumn, // hidden by default
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        DigestRole,
        FilterRole, // text the filter box matches
        StatusRole, // EntryStatus::Kind
    };

    explicit CacheEntryModel(QObject* parent = nullptr);

    // Without QAbstractTableModel's checks through rowCount() and columnCount(): a sort asks for
    // two indexes per comparison, millions at 100,000 rows.
    QModelIndex index(int row, int column, const QModelIndex& parent = QModelIndex()) const override;
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setSnapshot(const CacheSnapshot& snapshot);
    const CacheEntry* entryAt(int row) const;
    std::optional<BundleRecord> bundleFor(const Digest& digest) const;
    int rowOf(const Digest& digest) const;
    // The clock that relative ages ("3 days ago") are measured against; tests fix it.
    void setClock(std::function<qint64()> now) { m_now = std::move(now); }
    qint64 now() const { return m_now(); }
    // Rows a retention plan would evict (digest -> reason code) are struck through, with the reason
    // in the status tooltip; an empty plan clears the overlay.
    void setPlan(const QHash<Digest, QString>& evictions);
    bool hasPlan() const { return !m_plan.isEmpty(); }
    static bool hiddenByDefault(int column) { return column == StateColumn || column == MediaTypeColumn; }

    // What the filter box matches for a row (FilterRole), kept until the row changes.
    QString filterText(int row) const { return filterKey(row); }

    // The raw values the numeric columns sort by, packed beside the rows: a sort of 100,000 rows
    // compares millions of times, and reading them from the entries (488 bytes apart) misses the
    // cache and the TLB on nearly every comparison.
    struct SortKey
    {
        qint64 size = 0;
        qint64 lastUsed = 0;
        qint64 fetched = 0;
    };
    const SortKey& sortKey(int row) const { return m_sortKeys.at(row); }

private:
    QString filterKey(int row) const;

    QList<CacheEntry> m_entries; // sorted by digest
    QHash<Digest, BundleRecord> m_bundles;
    std::function<qint64()> m_now;
    QHash<Digest, QString> m_plan;
    QList<QString> m_keys; // the filter text per row, beside m_entries
    QList<SortKey> m_sortKeys; // beside m_entries too
};

} // namespace dist::gui
