// SPDX-License-Identifier: MIT
#include "BundleModel.h"
#include "ByteSize.h"
#include "ReadableColor.h"

#include <QBrush>
#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace dist::gui {

BundleModel::BundleModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

QColor BundleModel::colorFor(BundleState state)
{
    switch (state) {
    case BundleState::Inactive:
        return QColor(0x9e, 0x9e, 0x9e);
    case BundleState::Staged:
        return QColor(0x2b, 0x6c, 0xb0);
    case BundleState::Warming:
        return QColor(0xe0, 0x8e, 0x0b);
    case BundleState::Ready:
        return QColor(0x1f, 0x7a, 0x4d);
    case BundleState::Draining:
        return QColor(0x8e, 0x44, 0xad);
    case BundleState::Failed:
        return QColor(0xc6, 0x28, 0x28);
    case BundleState::Archived:
        return QColor(0x5d, 0x40, 0x37);
    }
    return Qt::gray;
}

int BundleModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_records.size());
}

int BundleModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const BundleRecord* BundleModel::recordAt(int row) const
{
    return row >= 0 && row < m_records.size() ? &m_records.at(row) : nullptr;
}

int BundleModel::rowOf(const QString& bundleId) const
{
    for (int i = 0; i < m_records.size(); ++i) {
        if (m_records.at(i).bundleId == bundleId) {
            return i;
        }
    }
    return -1;
}

QVariant BundleModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_records.size()) {
        return {};
    }
    const BundleRecord& r = m_records.at(index.row());
    switch (role) {
    case StateRole:
        return static_cast<int>(r.state);
    case IdRole:
        return r.bundleId;
    case SortRole:
        return index.column() == FetchedColumn ? QVariant(r.fetchedAt)
            : index.column() == StateColumn    ? QVariant(static_cast<int>(r.state))
            : index.column() == HoldsColumn    ? QVariant(m_entryBytes.value(r.cacheKey, -1))
                                               : data(index, Qt::DisplayRole);
    case Qt::DecorationRole:
        return index.column() == StateColumn ? QVariant(colorFor(r.state)) : QVariant();
    case Qt::ForegroundRole:
        return index.column() == StateColumn ? QVariant(QBrush(ReadableColor::onBase(colorFor(r.state)))) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == HoldsColumn) {
            return m_entryBytes.contains(r.cacheKey)
                ? tr("Holds cache entry %1 (%2 bytes)")
                      .arg(r.cacheKey.toString(), QLocale::system().toString(m_entryBytes.value(r.cacheKey)))
                : tr("Its cache entry %1 is missing: warm or rollback fails until it is pulled again")
                      .arg(r.cacheKey.toString());
        }
        return r.bundleId;
    case Qt::TextAlignmentRole:
        return index.column() == HoldsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return r.bundleId;
        case StateColumn:
            return bundleStateName(r.state);
        case ReferenceColumn:
            return r.canonicalRef;
        case FetchedColumn:
            return QDateTime::fromSecsSinceEpoch(r.fetchedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case HoldsColumn:
            return m_entryBytes.contains(r.cacheKey) ? ByteSize::text(m_entryBytes.value(r.cacheKey)) : tr("missing");
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant BundleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case IdColumn:
        return tr("Bundle");
    case StateColumn:
        return tr("State");
    case ReferenceColumn:
        return tr("Canonical reference");
    case FetchedColumn:
        return tr("Fetched");
    case HoldsColumn:
        return tr("Holds");
    default:
        return {};
    }
}

void BundleModel::setRecords(const QList<BundleRecord>& records, const QList<CacheEntry>& entries)
{
    // Few records, rarely changing: a reset keeps it simple; the page restores the selection.
    beginResetModel();
    m_records = records;
    m_entryBytes.clear();
    // Only the entries the records hold: a handful of lookups, not a pass over 100,000 entries
    // (which come sorted by digest; anything else is searched in full).
    const bool sorted = std::is_sorted(entries.cbegin(), entries.cend(),
                                       [](const CacheEntry& a, const CacheEntry& b) { return a.digest < b.digest; });
    for (const BundleRecord& r : records) {
        const auto it = sorted ? std::lower_bound(entries.cbegin(), entries.cend(), r.cacheKey,
                                                  [](const CacheEntry& e, const Digest& d) { return e.digest < d; })
                               : std::find_if(entries.cbegin(), entries.cend(),
                                              [&r](const CacheEntry& e) { return e.digest == r.cacheKey; });
        if (it != entries.cend() && it->digest == r.cacheKey) {
            m_entryBytes.insert(r.cacheKey, it->sizeBytes);
        }
    }
    endResetModel();
}

} // namespace dist::gui
