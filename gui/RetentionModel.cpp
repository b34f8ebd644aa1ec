// SPDX-License-Identifier: MIT
#include "RetentionModel.h"
#include "ReadableColor.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace dist::gui {

RetentionModel::RetentionModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

int RetentionModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_outcome.decisions.size());
}

int RetentionModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RetentionModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_outcome.decisions.size()) {
        return {};
    }
    const RetentionDecision& d = m_outcome.decisions.at(index.row());
    if (role == Qt::ForegroundRole && index.column() == DecisionColumn) {
        switch (d.decision) {
        case RetentionDecisionKind::Evict:
            return QBrush(ReadableColor::onBase(QColor(0xc6, 0x28, 0x28)));
        case RetentionDecisionKind::Protect:
            return QBrush(ReadableColor::onBase(QColor(0x2b, 0x6c, 0xb0)));
        case RetentionDecisionKind::Keep:
            return QBrush(ReadableColor::onBase(QColor(0x1f, 0x7a, 0x4d)));
        }
    }
    if (role == SortRole && index.column() == SizeColumn) {
        return d.sizeBytes;
    }
    if (role == Qt::ToolTipRole && index.column() == DigestColumn) {
        return d.cacheKey.toString();
    }
    if (role != Qt::DisplayRole && role != SortRole) {
        return {};
    }
    switch (index.column()) {
    case DecisionColumn:
        return retentionDecisionName(d.decision);
    case DigestColumn:
        return d.cacheKey.toString();
    case SizeColumn:
        return QLocale::system().formattedDataSize(d.sizeBytes);
    case ReasonColumn:
        return d.reasonCode;
    case DetailColumn:
        return d.reasonDetail;
    default:
        return {};
    }
}

QVariant RetentionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    static const char* names[] = {QT_TR_NOOP("Decision"), QT_TR_NOOP("Cache key"), QT_TR_NOOP("Size"),
                                  QT_TR_NOOP("Reason"), QT_TR_NOOP("Detail")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void RetentionModel::setOutcome(const RetentionOutcome& outcome)
{
    beginResetModel();
    m_outcome = outcome;
    endResetModel();
}

} // namespace dist::gui
