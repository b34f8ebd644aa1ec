// SPDX-License-Identifier: MIT
#pragma once

#include <retention/Retention.h>

#include <QAbstractTableModel>

namespace dist::gui {

// The decisions of a retention plan: keep, evict or protect, each with its reason.
class RetentionModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetentionModel)

public:
    enum Column
    {
        DecisionColumn,
        DigestColumn,
        SizeColumn,
        ReasonColumn,
        DetailColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1,
    };

    explicit RetentionModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setOutcome(const RetentionOutcome& outcome);
    const RetentionOutcome& outcome() const { return m_outcome; }

private:
    RetentionOutcome m_outcome;
};

} // namespace dist::gui
