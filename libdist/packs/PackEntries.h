// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheEntry.h>
#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QString>

namespace dist {

struct PackFetch;
struct PackRecord;

// The cache entries PackResolver writes for packs, and the bounded read of a pack file: what a
// cached pack says about itself (type, media type, annotations, signature summary) in one place.
class PackEntries
{
public:
    // A pack file's bytes, refused past the canonicalizer's total-size limit.
    static Result<QByteArray> readBounded(const QString& path, const QString& what);

    // A new pack entry keyed by the sha256 of `content`, not authoritative: a pack is named by
    // name@version, never by its digest.
    static CacheEntry fresh(const QByteArray& content, const QString& raw, const QString& kind,
                            const QString& canonical);

    // The entry for a pack the registry sent, with its assay.pack.* annotations, from the index
    // record written beside it (no envelope: an unsigned pack admitted by --allow-unsigned).
    static CacheEntry fromRegistry(const QString& ref, const PackFetch& fetch, const PackRecord& record);
};

} // namespace dist
