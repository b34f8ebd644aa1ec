// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractItemModel>
#include <QList>
#include <QPointer>

namespace dist::gui {

class CacheEntryModel;

// The cache table grouped by repository (UsageTreemap::repositoryOf): one expandable row per
// repository with its entry count, total size and latest use, and the entries beneath it with the
// same columns and roles as CacheEntryModel (the data is the flat model's). It follows the flat
// model: a change to a row is passed on as a change, a row added or removed regroups.
class CacheGroupModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheGroupModel)

public:
    explicit CacheGroupModel(QObject* parent = nullptr);

    // Null detaches it (and empties it): grouping costs a pass over every entry, so it follows the
    // flat model only while the grouped view is shown.
    void setSourceModel(CacheEntryModel* source);
    CacheEntryModel* sourceModel() const { return m_source; }

    QModelIndex index(int row, int column, const QModelIndex& parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The flat model's row behind an entry row; -1 for a repository row.
    int sourceRow(const QModelIndex& index) const;
    QModelIndex indexOfSourceRow(int sourceRow, int column = 0) const;
    QString repositoryAt(int groupRow) const;

private:
    struct Group
    {
        QString name;
        QList<int> rows; // flat model rows
        qint64 bytes = 0;
        qint64 lastUsed = 0;
        qint64 fetched = 0;
        int counts[4] = {0, 0, 0, 0}; // by EntryStatus::Kind
    };

    void rebuild();
    void sourceChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles);
    void summarize(Group& g) const;
    QVariant groupData(const Group& g, int column, int role) const;

    QPointer<CacheEntryModel> m_source;
    QList<Group> m_groups; // sorted by name
    QList<int> m_groupOf; // per flat row: its group
    QList<int> m_positionOf; // per flat row: its row within the group
    QList<QMetaObject::Connection> m_connections;
};

} // namespace dist::gui
