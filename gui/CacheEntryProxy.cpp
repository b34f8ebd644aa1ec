// SPDX-License-Identifier: MIT
#include "CacheEntryProxy.h"

#include "CacheEntryModel.h"

namespace dist::gui {

CacheEntryProxy::CacheEntryProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(CacheEntryModel::SortRole);
    setFilterRole(CacheEntryModel::FilterRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void CacheEntryProxy::setSourceModel(QAbstractItemModel* model)
{
    m_entries = qobject_cast<const CacheEntryModel*>(model);
    QSortFilterProxyModel::setSourceModel(model);
}

void CacheEntryProxy::setFilterText(const QString& text)
{
    if (text == m_text) {
        return;
    }
    m_text = text;
    // One layout change rather than invalidateFilter()'s removal per run of rows: a keystroke that
    // drops most of 100,000 rows would otherwise send thousands of signals to the view.
    invalidate();
}

bool CacheEntryProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const CacheEntry* a = m_entries ? m_entries->entryAt(left.row()) : nullptr;
    const CacheEntry* b = m_entries ? m_entries->entryAt(right.row()) : nullptr;
    if (!a || !b) {
        return QSortFilterProxyModel::lessThan(left, right);
    }
    switch (left.column()) {
    case CacheEntryModel::SizeColumn:
        return a->sizeBytes < b->sizeBytes;
    case CacheEntryModel::FetchedColumn:
        return a->fetchedAt < b->fetchedAt;
    case CacheEntryModel::LastUsedColumn:
        return a->lastAccessedAt < b->lastAccessedAt;
    case CacheEntryModel::ReferenceColumn:
        return a->rawRef < b->rawRef;
    case CacheEntryModel::DigestColumn:
        return a->digest < b->digest;
    default:
        return QSortFilterProxyModel::lessThan(left, right);
    }
}

bool CacheEntryProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_text.isEmpty()) {
        return true;
    }
    if (!m_entries) {
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    }
    return m_entries->filterText(sourceRow).contains(m_text, Qt::CaseInsensitive);
}

} // namespace dist::gui
