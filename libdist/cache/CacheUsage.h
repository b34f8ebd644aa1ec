// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheEntry.h>

#include <QList>
#include <QMap>

namespace dist {

// What the cache holds, counted once for `cache du`, `cache ls`, `doctor` and the GUI's usage bar.
struct CacheUsage
{
    struct Count
    {
        int entries = 0;
        qint64 bytes = 0;
    };

    Count total;
    int corrupt = 0;
    QMap<ArtifactType, Count> byType; // every artifact type, zero counts included

    static CacheUsage of(const QList<CacheEntry>& entries);
    // total.bytes as a percentage of cap; 0 without a cap
    double percentOf(qint64 capBytes) const;
};

} // namespace dist
