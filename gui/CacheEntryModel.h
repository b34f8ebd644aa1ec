// SPDX-License-Identifier: MIT
#pragma once

#include "CacheSnapshot.h"

#include <QAbstractTableModel>
#include <QHash>

namespace dist::gui {

// One row per cache entry. Sorting uses raw values (SortRole), not display strings, and updates
// are applied as row inserts, removals and changes, so selections survive a refresh.
class CacheEntryModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheEntryModel)

public:
    enum Column
    {
        DigestColumn,
        ReferenceColumn,
        TypeColumn,
        MediaTypeColumn,
        SizeColumn,
        FetchedColumn,
        LastUsedColumn,
        StateColumn,
        BundleStateColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
        DigestRole,
        FilterRole, // text the filter box matches
    };

    explicit CacheEntryModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setSnapshot(const CacheSnapshot& snapshot);
    const CacheEntry* entryAt(int row) const;
    std::optional<BundleRecord> bundleFor(const Digest& digest) const;
    int rowOf(const Digest& digest) const;

private:
    QList<CacheEntry> m_entries;
    QHash<Digest, int> m_rows;
    QHash<Digest, BundleRecord> m_bundles;
};

} // namespace dist::gui
