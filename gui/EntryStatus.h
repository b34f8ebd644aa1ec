// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

#include <QCoreApplication>
#include <QIcon>
#include <QString>

namespace dist::gui {

// What an operator must know before evicting an entry, in the order that decides it: a corrupt
// entry goes first whatever holds it, a bundle in a protected state keeps its entry, any other
// bundle merely uses it, and the rest is free to go.
class EntryStatus
{
    Q_DECLARE_TR_FUNCTIONS(EntryStatus)

public:
    enum Kind
    {
        Evictable,
        InBundle,
        Protected,
        Corrupt,
    };

    static Kind of(const CacheEntry& entry, const BundleRecord* bundle); // bundle: the record holding it, if any
    static QString name(Kind kind); // one word, for the filter and the chart legend
    static QIcon icon(Kind kind);
    // A sentence: what it is and why, naming the bundle and its state.
    static QString explain(const CacheEntry& entry, const BundleRecord* bundle);
};

} // namespace dist::gui
