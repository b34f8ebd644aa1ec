// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>

namespace dist::gui {

class CacheEntryModel;

// Sorting and filtering for the cache table that read the entries directly: at 100,000 rows a
// sort makes millions of comparisons and a keystroke tests every row, and going through QVariant
// for each (what QSortFilterProxyModel does by itself) costs several times the work.
class CacheEntryProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheEntryProxy)

public:
    explicit CacheEntryProxy(QObject* parent = nullptr);
    void setSourceModel(QAbstractItemModel* model) override;
    // Rows whose filter text (digest, reference, media type, type, status, bundle state) contains
    // `text`, ignoring case; empty shows every row.
    void setFilterText(const QString& text);
    // Only entries no signature check has passed for (never checked, or failed).
    void setUnsignedOnly(bool only);
    bool unsignedOnly() const { return m_unsignedOnly; }

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    const CacheEntryModel* m_entries = nullptr;
    QString m_text;
    bool m_unsignedOnly = false;
};

} // namespace dist::gui
