// SPDX-License-Identifier: MIT
#include "CacheGroupModel.h"
#include "ByteSize.h"

#include "CacheEntryModel.h"
#include "EntryStatus.h"
#include "RelativeTime.h"
#include "UsageTreemap.h"

#include <QLocale>
#include <QMap>

namespace dist::gui {

namespace {

// Entry rows carry their group + 1 as internal id; repository rows carry 0.
constexpr quintptr kGroupRow = 0;

} // namespace

CacheGroupModel::CacheGroupModel(QObject* parent)
    : QAbstractItemModel(parent)
{
}

void CacheGroupModel::setSourceModel(CacheEntryModel* source)
{
    if (source == m_source) {
        return;
    }
    for (const QMetaObject::Connection& c : std::as_const(m_connections)) {
        disconnect(c);
    }
    m_connections.clear();
    m_source = source;
    if (source) {
        const auto regroup = [this] { rebuild(); };
        m_connections << connect(source, &QAbstractItemModel::modelReset, this, regroup)
                      << connect(source, &QAbstractItemModel::rowsInserted, this, regroup)
                      << connect(source, &QAbstractItemModel::rowsRemoved, this, regroup)
                      << connect(source, &QAbstractItemModel::dataChanged, this, &CacheGroupModel::sourceChanged);
    }
    rebuild();
}

void CacheGroupModel::rebuild()
{
    beginResetModel();
    m_groups.clear();
    m_groupOf.clear();
    m_positionOf.clear();
    if (m_source) {
        const int rows = m_source->rowCount();
        QMap<QString, QList<int>> byName; // sorted: repositories in name order
        for (int r = 0; r < rows; ++r) {
            byName[UsageTreemap::repositoryOf(*m_source->entryAt(r))].append(r);
        }
        m_groupOf.resize(rows);
        m_positionOf.resize(rows);
        for (auto it = byName.cbegin(); it != byName.cend(); ++it) {
            Group g;
            g.name = it.key();
            g.rows = it.value();
            for (int i = 0; i < g.rows.size(); ++i) {
                m_groupOf[g.rows.at(i)] = static_cast<int>(m_groups.size());
                m_positionOf[g.rows.at(i)] = i;
            }
            summarize(g);
            m_groups.append(g);
        }
    }
    endResetModel();
}

void CacheGroupModel::summarize(Group& g) const
{
    g.bytes = 0;
    g.lastUsed = 0;
    g.fetched = 0;
    std::fill(std::begin(g.counts), std::end(g.counts), 0);
    for (int r : std::as_const(g.rows)) {
        const CacheEntry* e = m_source->entryAt(r);
        g.bytes += e->sizeBytes;
        g.lastUsed = std::max(g.lastUsed, e->lastAccessedAt);
        g.fetched = std::max(g.fetched, e->fetchedAt);
        const int kind = m_source->index(r, 0).data(CacheEntryModel::StatusRole).toInt();
        if (kind >= 0 && kind < 4) {
            ++g.counts[kind];
        }
    }
}

void CacheGroupModel::sourceChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles)
{
    if (m_groupOf.size() != m_source->rowCount()) {
        rebuild();
        return;
    }
    QList<int> touched;
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        const int g = m_groupOf.at(r);
        // A changed reference can move an entry to another repository.
        if (UsageTreemap::repositoryOf(*m_source->entryAt(r)) != m_groups.at(g).name) {
            rebuild();
            return;
        }
        const QModelIndex first = createIndex(m_positionOf.at(r), topLeft.column(), quintptr(g + 1));
        const QModelIndex last = createIndex(m_positionOf.at(r), bottomRight.column(), quintptr(g + 1));
        Q_EMIT dataChanged(first, last, roles);
        if (!touched.contains(g)) {
            touched.append(g);
        }
    }
    for (int g : std::as_const(touched)) {
        summarize(m_groups[g]);
        Q_EMIT dataChanged(createIndex(g, 0, kGroupRow), createIndex(g, CacheEntryModel::ColumnCount - 1, kGroupRow));
    }
}

QModelIndex CacheGroupModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= CacheEntryModel::ColumnCount) {
        return {};
    }
    if (!parent.isValid()) {
        return row < m_groups.size() ? createIndex(row, column, kGroupRow) : QModelIndex();
    }
    if (parent.internalId() != kGroupRow || parent.column() != 0 || parent.row() >= m_groups.size()) {
        return {};
    }
    return row < m_groups.at(parent.row()).rows.size() ? createIndex(row, column, quintptr(parent.row() + 1))
                                                       : QModelIndex();
}

QModelIndex CacheGroupModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kGroupRow) {
        return {};
    }
    return createIndex(static_cast<int>(child.internalId() - 1), 0, kGroupRow);
}

int CacheGroupModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid()) {
        return static_cast<int>(m_groups.size());
    }
    if (parent.internalId() == kGroupRow && parent.column() == 0 && parent.row() < m_groups.size()) {
        return static_cast<int>(m_groups.at(parent.row()).rows.size());
    }
    return 0;
}

int CacheGroupModel::columnCount(const QModelIndex&) const
{
    return CacheEntryModel::ColumnCount;
}

int CacheGroupModel::sourceRow(const QModelIndex& index) const
{
    if (!index.isValid() || index.internalId() == kGroupRow) {
        return -1;
    }
    return m_groups.at(static_cast<qsizetype>(index.internalId() - 1)).rows.at(index.row());
}

QModelIndex CacheGroupModel::indexOfSourceRow(int sourceRow, int column) const
{
    if (sourceRow < 0 || sourceRow >= m_groupOf.size()) {
        return {};
    }
    return createIndex(m_positionOf.at(sourceRow), column, quintptr(m_groupOf.at(sourceRow) + 1));
}

QString CacheGroupModel::repositoryAt(int groupRow) const
{
    return groupRow >= 0 && groupRow < m_groups.size() ? m_groups.at(groupRow).name : QString();
}

QVariant CacheGroupModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !m_source) {
        return {};
    }
    if (index.internalId() != kGroupRow) {
        return m_source->index(sourceRow(index), index.column()).data(role);
    }
    return index.row() < m_groups.size() ? groupData(m_groups.at(index.row()), index.column(), role) : QVariant();
}

QVariant CacheGroupModel::groupData(const Group& g, int column, int role) const
{
    const auto statusText = [&g] {
        QStringList parts;
        for (int k = EntryStatus::Corrupt; k >= EntryStatus::Evictable; --k) {
            if (g.counts[k] > 0) {
                parts << QStringLiteral("%1 %2").arg(g.counts[k]).arg(EntryStatus::name(EntryStatus::Kind(k)));
            }
        }
        return parts.join(QStringLiteral(", "));
    };
    // The most pressing status in the group: corrupt, then protected, in a bundle, evictable.
    const auto worst = [&g] {
        for (int k = EntryStatus::Corrupt; k > EntryStatus::Evictable; --k) {
            if (g.counts[k] > 0) {
                return EntryStatus::Kind(k);
            }
        }
        return EntryStatus::Evictable;
    };
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case CacheEntryModel::ReferenceColumn:
            return g.name;
        case CacheEntryModel::TypeColumn:
            return tr("%n entries", nullptr, static_cast<int>(g.rows.size()));
        case CacheEntryModel::SizeColumn:
            return ByteSize::text(g.bytes);
        case CacheEntryModel::LastUsedColumn:
            return RelativeTime::ago(g.lastUsed, m_source->now());
        case CacheEntryModel::FetchedColumn:
            return RelativeTime::ago(g.fetched, m_source->now());
        default:
            return {};
        }
    case CacheEntryModel::SortRole:
        switch (column) {
        case CacheEntryModel::SizeColumn:
            return g.bytes;
        case CacheEntryModel::LastUsedColumn:
            return g.lastUsed;
        case CacheEntryModel::FetchedColumn:
            return g.fetched;
        case CacheEntryModel::StatusColumn:
            return static_cast<int>(worst());
        case CacheEntryModel::TypeColumn:
            return static_cast<int>(g.rows.size());
        default:
            return g.name;
        }
    case CacheEntryModel::FilterRole:
        return g.name;
    case CacheEntryModel::StatusRole:
        return static_cast<int>(worst());
    case Qt::DecorationRole:
        return column == CacheEntryModel::StatusColumn ? QVariant(EntryStatus::icon(worst())) : QVariant();
    case Qt::AccessibleTextRole:
    case Qt::ToolTipRole:
        if (column == CacheEntryModel::StatusColumn || column == CacheEntryModel::ReferenceColumn) {
            return QString(g.name + QStringLiteral(": ") + statusText());
        }
        if (column == CacheEntryModel::SizeColumn) {
            return tr("%1 bytes").arg(QLocale::system().toString(g.bytes));
        }
        return {};
    case Qt::TextAlignmentRole:
        return column == CacheEntryModel::SizeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::FontRole: {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    default:
        return {};
    }
}

QVariant CacheGroupModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return m_source ? m_source->headerData(section, orientation, role) : QVariant();
}

} // namespace dist::gui
