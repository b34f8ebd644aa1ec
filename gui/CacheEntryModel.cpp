// SPDX-License-Identifier: MIT
#include "CacheEntryModel.h"
#include "ByteSize.h"
#include "ReadableColor.h"

#include "EntryStatus.h"
#include "RelativeTime.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <numeric>

namespace dist::gui {

namespace {

QString humanBytes(qint64 bytes)
{
    return ByteSize::text(bytes);
}

// What the table and the Unsigned filter read of a signature check: its outcome.
QString signatureOf(const CacheEntry& e)
{
    return e.signatureSummary ? e.signatureSummary->outcome : QString();
}

bool sameRow(const CacheEntry& a, const CacheEntry& b)
{
    return a.sizeBytes == b.sizeBytes && a.lastAccessedAt == b.lastAccessedAt && a.state == b.state
        && a.rawRef == b.rawRef && a.mediaType == b.mediaType && a.fetchedAt == b.fetchedAt
        && a.lastVerifiedAt == b.lastVerifiedAt && signatureOf(a) == signatureOf(b);
}

CacheEntryModel::SortKey sortKeyOf(const CacheEntry& e)
{
    return {e.sizeBytes, e.lastAccessedAt, e.fetchedAt};
}

bool byDigest(const CacheEntry& a, const CacheEntry& b)
{
    return a.digest < b.digest;
}

} // namespace

CacheEntryModel::CacheEntryModel(QObject* parent)
    : QAbstractTableModel(parent)
    , m_now([] { return QDateTime::currentSecsSinceEpoch(); })
{
}

QModelIndex CacheEntryModel::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= m_entries.size() || column >= ColumnCount) {
        return {};
    }
    return createIndex(row, column);
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
    const auto it = std::lower_bound(m_entries.cbegin(), m_entries.cend(), digest,
                                     [](const CacheEntry& e, const Digest& d) { return e.digest < d; });
    return it != m_entries.cend() && it->digest == digest ? static_cast<int>(it - m_entries.cbegin()) : -1;
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
            return QBrush(ReadableColor::onBase(QColor(0xc6, 0x28, 0x28)));
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
    // The rows are kept sorted by digest (as snapshots come), so a refresh is one merge of two
    // sorted lists: no hashing of 100,000 digests on the UI thread.
    QList<CacheEntry> entries = snapshot.entries;
    QList<QString> keys = snapshot.filterTexts;
    if (keys.size() != entries.size()) {
        keys.clear();
        keys.reserve(entries.size());
        for (const CacheEntry& e : std::as_const(entries)) {
            const auto b = snapshot.bundles.constFind(e.digest);
            keys.append(CacheSnapshot::filterTextFor(e, b == snapshot.bundles.cend() ? nullptr : &*b));
        }
    }
    if (!std::is_sorted(entries.cbegin(), entries.cend(), byDigest)) {
        QList<qsizetype> order(entries.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&entries](qsizetype a, qsizetype b) { return byDigest(entries.at(a), entries.at(b)); });
        QList<CacheEntry> sortedEntries;
        QList<QString> sortedKeys;
        sortedEntries.reserve(entries.size());
        sortedKeys.reserve(entries.size());
        for (qsizetype i : std::as_const(order)) {
            sortedEntries.append(entries.at(i));
            sortedKeys.append(keys.at(i));
        }
        entries = std::move(sortedEntries);
        keys = std::move(sortedKeys);
    }

    // Entries whose bundle appeared, went or moved: their rows change even if the entry did not.
    QSet<Digest> bundleMoved;
    for (auto it = m_bundles.cbegin(); it != m_bundles.cend(); ++it) {
        const auto now = snapshot.bundles.constFind(it.key());
        if (now == snapshot.bundles.cend() || now->state != it->state) {
            bundleMoved.insert(it.key());
        }
    }
    for (auto it = snapshot.bundles.cbegin(); it != snapshot.bundles.cend(); ++it) {
        if (!m_bundles.contains(it.key())) {
            bundleMoved.insert(it.key());
        }
    }

    // The merge, as runs of operations on the current rows (positions before any is applied).
    enum class Op
    {
        Remove,
        Insert,
        Change
    };
    struct Run
    {
        Op op;
        qsizetype oldRow; // Remove, Change: the first row; Insert: the row it goes before
        qsizetype fresh; // Insert, Change: the first index in `entries`
        qsizetype count;
    };
    QList<Run> runs;
    qsizetype removed = 0;
    qsizetype moves = 0; // removals and insertions, each of which shifts the rows after it
    {
        qsizetype i = 0;
        qsizetype j = 0;
        const qsizetype oldCount = m_entries.size();
        const qsizetype newCount = entries.size();
        while (i < oldCount || j < newCount) {
            if (j == newCount || (i < oldCount && byDigest(m_entries.at(i), entries.at(j)))) {
                const qsizetype first = i;
                while (i < oldCount && (j == newCount || byDigest(m_entries.at(i), entries.at(j)))) {
                    ++i;
                }
                runs.append({Op::Remove, first, 0, i - first});
                removed += i - first;
                ++moves;
            } else if (i == oldCount || byDigest(entries.at(j), m_entries.at(i))) {
                const qsizetype first = j;
                while (j < newCount && (i == oldCount || byDigest(entries.at(j), m_entries.at(i)))) {
                    ++j;
                }
                runs.append({Op::Insert, i, first, j - first});
                ++moves;
            } else {
                const CacheEntry& was = m_entries.at(i);
                if (!sameRow(was, entries.at(j)) || bundleMoved.contains(was.digest)) {
                    if (!runs.isEmpty() && runs.last().op == Op::Change
                        && runs.last().oldRow + runs.last().count == i) {
                        ++runs.last().count;
                    } else {
                        runs.append({Op::Change, i, j, 1});
                    }
                }
                ++i;
                ++j;
            }
        }
    }

    // A first load, a change to most rows or one scattered over many places is one reset (each
    // insertion or removal moves the rows after it); anything smaller is applied run by run.
    const qsizetype budget = std::max<qsizetype>(1, 2'000'000 / std::max<qsizetype>(1, m_entries.size()));
    if (m_entries.isEmpty() || removed > m_entries.size() / 2 || moves > budget) {
        beginResetModel();
        m_entries = std::move(entries);
        m_keys = std::move(keys);
        m_sortKeys.resize(m_entries.size());
        for (qsizetype i = 0; i < m_entries.size(); ++i) {
            m_sortKeys[i] = sortKeyOf(m_entries.at(i));
        }
        m_bundles = snapshot.bundles;
        endResetModel();
        return;
    }
    m_bundles = snapshot.bundles;
    qsizetype shift = 0;
    for (const Run& run : std::as_const(runs)) {
        const int row = static_cast<int>(run.oldRow + shift);
        const int last = static_cast<int>(row + run.count - 1);
        switch (run.op) {
        case Op::Remove:
            beginRemoveRows(QModelIndex(), row, last);
            m_entries.remove(row, run.count);
            m_keys.remove(row, run.count);
            m_sortKeys.remove(row, run.count);
            endRemoveRows();
            shift -= run.count;
            break;
        case Op::Insert:
            beginInsertRows(QModelIndex(), row, last);
            m_entries.insert(row, run.count, CacheEntry());
            m_keys.insert(row, run.count, QString());
            m_sortKeys.insert(row, run.count, SortKey());
            for (qsizetype k = 0; k < run.count; ++k) {
                m_entries[row + k] = entries.at(run.fresh + k);
                m_keys[row + k] = keys.at(run.fresh + k);
                m_sortKeys[row + k] = sortKeyOf(m_entries.at(row + k));
            }
            endInsertRows();
            shift += run.count;
            break;
        case Op::Change:
            for (qsizetype k = 0; k < run.count; ++k) {
                m_entries[row + k] = entries.at(run.fresh + k);
                m_keys[row + k] = keys.at(run.fresh + k);
                m_sortKeys[row + k] = sortKeyOf(m_entries.at(row + k));
            }
            Q_EMIT dataChanged(index(row, 0), index(last, ColumnCount - 1));
            break;
        }
    }
}

} // namespace dist::gui
