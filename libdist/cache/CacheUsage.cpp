// SPDX-License-Identifier: MIT
#include "CacheUsage.h"

namespace dist {

CacheUsage CacheUsage::of(const QList<CacheEntry>& entries)
{
    CacheUsage u;
    for (ArtifactType t : {ArtifactType::Component, ArtifactType::Pack, ArtifactType::Bundle}) {
        u.byType.insert(t, Count{});
    }
    for (const CacheEntry& e : entries) {
        Count& c = u.byType[e.artifactType];
        ++c.entries;
        c.bytes += e.sizeBytes;
        ++u.total.entries;
        u.total.bytes += e.sizeBytes;
        u.corrupt += e.state == EntryState::Corrupt ? 1 : 0;
    }
    return u;
}

double CacheUsage::percentOf(qint64 capBytes) const
{
    return capBytes > 0 ? static_cast<double>(total.bytes) * 100.0 / static_cast<double>(capBytes) : 0.0;
}

} // namespace dist
