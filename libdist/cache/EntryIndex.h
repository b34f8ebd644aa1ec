// SPDX-License-Identifier: MIT
#pragma once

#include "CacheEntry.h"

#include <QList>
#include <QStringList>

namespace dist {

class Cache;

// Fast summaries of every cache entry for retention and usage: digest, size, artifact type,
// fetched_at, last_accessed_at and state. A snapshot in index/entries-v1.bin remembers what each
// entry.json said; an entry is re-read only when its entry.json changed (inode, mtime or size), so
// planning over 100,000 entries costs a directory walk and a stat per entry, not 100,000 parses.
// The snapshot is only a cache of entry.json: deleting it loses nothing.
class EntryIndex
{
public:
    explicit EntryIndex(const Cache& cache);

    // Entries with only the summary fields filled in, sorted by digest. Unreadable entries are
    // described in `problems` and left out.
    QList<CacheEntry> summaries(QStringList* problems = nullptr);

    QString snapshotPath() const;

private:
    const Cache& m_cache;
};

} // namespace dist
