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

void CacheEntryProxy::setUnsignedOnly(bool only)
{
    if (only == m_unsignedOnly) {
        return;
    }
    m_unsignedOnly = only;
    invalidate();
}

bool CacheEntryProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    const int rows = m_entries ? m_entries->rowCount() : 0;
    if (left.row() < 0 || right.row() < 0 || left.row() >= rows || right.row() >= rows) {
        return QSortFilterProxyModel::lessThan(left, right);
    }
    // The numeric columns from the packed keys, without touching the entries themselves.
    const CacheEntryModel::SortKey& ka = m_entries->sortKey(left.row());
    const CacheEntryModel::SortKey& kb = m_entries->sortKey(right.row());
    switch (left.column()) {
    case CacheEntryModel::SizeColumn:
        return ka.size < kb.size;
    case CacheEntryModel::FetchedColumn:
        return ka.fetched < kb.fetched;
    case CacheEntryModel::LastUsedColumn:
        return ka.lastUsed < kb.lastUsed;
    default:
        break;
    }
    const CacheEntry* a = m_entries->entryAt(left.row());
    const CacheEntry* b = m_entries->entryAt(right.row());
    switch (left.column()) {
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
    if (m_unsignedOnly && m_entries) {
        const CacheEntry* e = m_entries->entryAt(sourceRow);
        if (e && e->signatureSummary && e->signatureSummary->outcome == u"passed") {
            return false;
        }
    }
    if (m_text.isEmpty()) {
        return true;
    }
    if (!m_entries) {
        return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
    }
    return m_entries->filterText(sourceRow).contains(m_text, Qt::CaseInsensitive);
}

} // namespace dist::gui
