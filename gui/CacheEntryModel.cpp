// SPDX-License-Identifier: MIT
#include "CacheEntryModel.h"

#include "EntryStatus.h"
#include "RelativeTime.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QLocale>

namespace dist::gui {

namespace {

QString humanBytes(qint64 bytes)
{
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

bool sameRow(const CacheEntry& a, const CacheEntry& b)
{
    return a.sizeBytes == b.sizeBytes && a.lastAccessedAt == b.lastAccessedAt && a.state == b.state
        && a.rawRef == b.rawRef && a.mediaType == b.mediaType && a.fetchedAt == b.fetchedAt
        && a.lastVerifiedAt == b.lastVerifiedAt;
}

} // namespace

CacheEntryModel::CacheEntryModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_now([] { return QDateTime::currentSecsSinceEpoch(); })
{
}

int CacheEntryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int CacheEntryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const CacheEntry* CacheEntryModel::entryAt(int row) const
{
    return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr;
}

std::optional<BundleRecord> CacheEntryModel::bundleFor(const Digest& digest) const
{
    const auto it = m_bundles.constFind(digest);
    return it == m_bundles.cend() ? std::nullopt : std::optional<BundleRecord>(*it);
}

int CacheEntryModel::rowOf(const Digest& digest) const
{
    return m_rows.value(digest, -1);
}

QVariant CacheEntryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size()) {
        return {};
    }
    const CacheEntry& e = m_entries.at(index.row());
    // Sorting and filtering ask for every row many times: answer those without any lookup.
    if (role == SortRole) {
        switch (index.column()) {
        case SizeColumn:
            return e.sizeBytes;
        case FetchedColumn:
            return e.fetchedAt;
        case LastUsedColumn:
            return e.lastAccessedAt;
        default:
            break;
        }
    } else if (role == FilterRole) {
        return filterKey(index.row());
    }
    const auto found = m_bundles.constFind(e.digest);
    const bool hasBundle = found != m_bundles.cend();
    const BundleRecord* bundle = hasBundle ? &*found : nullptr;
    switch (role) {
    case DigestRole:
        return e.digest.toString();
    case StatusRole:
        return static_cast<int>(EntryStatus::of(e, bundle));
    case Qt::FontRole:
        if (m_plan.contains(e.digest)) {
            QFont struck;
            struck.setStrikeOut(true);
            return struck;
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == StatusColumn) {
            return EntryStatus::icon(EntryStatus::of(e, bundle));
        }
        break;
    case Qt::AccessibleTextRole:
        if (index.column() == StatusColumn) {
            return EntryStatus::name(EntryStatus::of(e, bundle));
        }
        break;
    case Qt::ToolTipRole:
        switch (index.column()) {
        case StatusColumn:
            if (m_plan.contains(e.digest)) {
                return QString(EntryStatus::explain(e, bundle) + u'\n'
                               + tr("The retention plan evicts it (%1)").arg(m_plan.value(e.digest)));
            }
            return EntryStatus::explain(e, bundle);
        case DigestColumn:
            return e.digest.toString();
        case ReferenceColumn:
            return e.canonicalRef.isEmpty() ? e.rawRef : e.canonicalRef;
        case SizeColumn:
            return tr("%1 bytes").arg(QLocale::system().toString(e.sizeBytes));
        case FetchedColumn:
            return RelativeTime::exact(e.fetchedAt);
        case LastUsedColumn:
            return RelativeTime::exact(e.lastAccessedAt);
        default:
            break;
        }
        break;
    case Qt::ForegroundRole:
        if (e.state == EntryState::Corrupt) {
            return QBrush(QColor(0xc6, 0x28, 0x28));
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn) {
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        break;
    case SortRole: // the raw-valued columns were answered above
        return index.column() == StatusColumn ? QVariant(static_cast<int>(EntryStatus::of(e, bundle)))
                                              : data(index, Qt::DisplayRole);
    case Qt::DisplayRole:
        switch (index.column()) {
        case DigestColumn:
            return e.digest.toString().left(19);
        case ReferenceColumn:
            return e.rawRef;
        case TypeColumn:
            return artifactTypeName(e.artifactType);
        case MediaTypeColumn:
            return e.mediaType;
        case SizeColumn:
            return humanBytes(e.sizeBytes);
        case FetchedColumn:
            return RelativeTime::ago(e.fetchedAt, m_now());
        case LastUsedColumn:
            return RelativeTime::ago(e.lastAccessedAt, m_now());
        case StateColumn:
            return entryStateName(e.state);
        case BundleStateColumn:
            return hasBundle ? bundleStateName(bundle->state) : QString();
        default:
            break;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant CacheEntryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::ToolTipRole && section == StatusColumn) {
        return tr("Status: corrupt, protected by a bundle, in a bundle, or evictable");
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case StatusColumn:
        return QString();
    case DigestColumn:
        return tr("Digest");
    case ReferenceColumn:
        return tr("Reference");
    case TypeColumn:
        return tr("Type");
    case MediaTypeColumn:
        return tr("Media type");
    case SizeColumn:
        return tr("Size");
    case FetchedColumn:
        return tr("Fetched");
    case LastUsedColumn:
        return tr("Last used");
    case StateColumn:
        return tr("State");
    case BundleStateColumn:
        return tr("Bundle");
    default:
        return {};
    }
}

QString CacheEntryModel::filterKey(int row) const
{
    const CacheEntry& e = m_entries.at(row);
    const auto planned = m_plan.constFind(e.digest);
    return planned == m_plan.cend() ? m_keys.at(row) : m_keys.at(row) + QStringLiteral(" planned-evict ") + *planned;
}

void CacheEntryModel::setPlan(const QHash<Digest, QString>& evictions)
{
    if (evictions == m_plan) {
        return;
    }
    m_plan = evictions;
    if (!m_entries.isEmpty()) {
        Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(m_entries.size()) - 1, ColumnCount - 1),
                           {Qt::FontRole, Qt::ToolTipRole, FilterRole});
    }
}

void CacheEntryModel::setSnapshot(const CacheSnapshot& snapshot)
{
    // What the filter matches, read off the UI thread with the snapshot (computed here if not).
    const bool keysRead = snapshot.filterTexts.size() == snapshot.entries.size();
    const auto keyAt = [&](int i) {
        if (keysRead) {
            return snapshot.filterTexts.at(i);
        }
        const CacheEntry& e = snapshot.entries.at(i);
        const auto b = snapshot.bundles.constFind(e.digest);
        return CacheSnapshot::filterTextFor(e, b == snapshot.bundles.cend() ? nullptr : &*b);
    };
    QHash<Digest, int> incoming;
    incoming.reserve(snapshot.entries.size());
    for (int i = 0; i < snapshot.entries.size(); ++i) {
        incoming.insert(snapshot.entries.at(i).digest, i);
    }
    // A first load, or a change to most rows, is one reset; anything smaller is applied row by row.
    qsizetype removedCount = 0;
    for (const CacheEntry& e : std::as_const(m_entries)) {
        removedCount += incoming.contains(e.digest) ? 0 : 1;
    }
    if (m_entries.isEmpty() || removedCount > m_entries.size() / 2) {
        beginResetModel();
        m_entries = snapshot.entries;
        m_bundles = snapshot.bundles;
        m_rows = incoming;
        m_keys.clear();
        m_keys.reserve(m_entries.size());
        for (int i = 0; i < m_entries.size(); ++i) {
            m_keys.append(keyAt(i));
        }
        endResetModel();
        return;
    }
    // Removals, from the bottom so row numbers stay valid.
    for (int row = static_cast<int>(m_entries.size()) - 1; row >= 0; --row) {
        if (!incoming.contains(m_entries.at(row).digest)) {
            int first = row;
            while (first > 0 && !incoming.contains(m_entries.at(first - 1).digest)) {
                --first;
            }
            beginRemoveRows(QModelIndex(), first, row);
            m_entries.remove(first, row - first + 1);
            m_keys.remove(first, row - first + 1);
            endRemoveRows();
            row = first;
        }
    }
    m_rows.clear();
    for (int i = 0; i < m_entries.size(); ++i) {
        m_rows.insert(m_entries.at(i).digest, i);
    }
    // Changes in place.
    const QHash<Digest, BundleRecord> oldBundles = m_bundles;
    m_bundles = snapshot.bundles;
    for (int row = 0; row < m_entries.size(); ++row) {
        const int at = incoming.value(m_entries.at(row).digest);
        const CacheEntry& fresh = snapshot.entries.at(at);
        const Digest d = fresh.digest;
        const bool bundleChanged
            = oldBundles.value(d).state != m_bundles.value(d).state || oldBundles.contains(d) != m_bundles.contains(d);
        if (!sameRow(m_entries.at(row), fresh) || bundleChanged) {
            m_entries[row] = fresh;
            m_keys[row] = keyAt(at);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    // Additions at the end (the view sorts).
    QList<int> added;
    for (int i = 0; i < snapshot.entries.size(); ++i) {
        if (!m_rows.contains(snapshot.entries.at(i).digest)) {
            added.append(i);
        }
    }
    if (!added.isEmpty()) {
        const int first = static_cast<int>(m_entries.size());
        beginInsertRows(QModelIndex(), first, first + static_cast<int>(added.size()) - 1);
        for (int i : std::as_const(added)) {
            const CacheEntry& e = snapshot.entries.at(i);
            m_rows.insert(e.digest, static_cast<int>(m_entries.size()));
            m_entries.append(e);
            m_keys.append(keyAt(i));
        }
        endInsertRows();
    }
}

} // namespace dist::gui
