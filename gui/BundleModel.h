// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

#include <QAbstractTableModel>
#include <QColor>
#include <QHash>

namespace dist::gui {

// The bundle records with their lifecycle state, coloured by state.
class BundleModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BundleModel)

public:
    enum Column
    {
        IdColumn,
        StateColumn,
        FetchedColumn,
        HoldsColumn, // the cache entry the bundle holds: its size, or "missing"
        ReferenceColumn,
        ColumnCount
    };
    enum Role
    {
        StateRole = Qt::UserRole + 1,
        IdRole,
        SortRole,
    };

    explicit BundleModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // `entries`: the cache as the same snapshot read it, so each bundle shows what it holds.
    void setRecords(const QList<BundleRecord>& records, const QList<CacheEntry>& entries = {});
    const BundleRecord* recordAt(int row) const;
    int rowOf(const QString& bundleId) const;

    static QColor colorFor(BundleState state);

private:
    QList<BundleRecord> m_records;
    QHash<Digest, qint64> m_entryBytes;
};

} // namespace dist::gui
