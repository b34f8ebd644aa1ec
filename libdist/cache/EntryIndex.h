// SPDX-License-Identifier: MIT
#pragma once

#include "CacheEntry.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace dist {

class Cache;

// Fast summaries of every cache entry for retention, usage and the window's cache table: digest,
// size, artifact type, fetched_at, last_accessed_at, last_verified_at, state, raw and canonical
// reference and media type. A snapshot in index/entries-v2.bin remembers what each
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

    // What the snapshot says, without looking at the entries: the cache as of the last call to
    // summaries(), for showing something at once while summaries() checks it. Nothing when there is
    // no snapshot (or it is of another version).
    std::optional<QList<CacheEntry>> remembered() const;
    // The entries under the given two-hex-digit prefix directories only, read from their entry.json
    // (the snapshot is neither used nor written): what changed when a watcher names those
    // directories, at the cost of a few hundred entries rather than all of them.
    QList<CacheEntry> summariesIn(const QStringList& prefixes, QStringList* problems = nullptr) const;

    QString snapshotPath() const;

private:
    const Cache& m_cache;
};

} // namespace dist
