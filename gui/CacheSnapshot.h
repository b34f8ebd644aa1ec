// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QStringList>

#include <optional>

namespace dist::gui {

// Everything the window shows about the cache, read in one go off the UI thread.
struct CacheSnapshot
{
    QString root;
    QList<CacheEntry> entries; // sorted by digest
    QHash<Digest, BundleRecord> bundles; // by cache key
    QList<BundleRecord> bundleList; // sorted by bundle id
    QStringList filterTexts; // per entry, what the filter box matches (built off the UI thread)
    QStringList problems; // unreadable entries
    QString bundleError; // a malformed bundle record (the strict index refuses them)
    qint64 scanMs = 0;
    // False for a remembered snapshot: the entries as the last scan left them, shown at once while
    // the scan that checks them runs.
    bool checked = true;
    int generation = 0; // which scan of its CacheScanner read it
    QStringList refreshedPrefixes; // set by refreshed(): the prefix directories read again
    bool partial = false; // refreshed(): the rest is carried over from an earlier snapshot

    // Entry summaries (EntryIndex: only changed entry.json files are parsed) and bundle records.
    // Safe to call from any thread.
    static CacheSnapshot read(const QString& root);
    // The entries as EntryIndex remembers them (no entry is looked at) and the bundle records;
    // nothing when the cache has no index yet.
    static std::optional<CacheSnapshot> remembered(const QString& root);
    // `base` with the entries under the given prefix directories read again (EntryIndex::summariesIn)
    // and the bundle records re-read: what a watcher reports changed, without a pass over the rest.
    static CacheSnapshot refreshed(const CacheSnapshot& base, const QStringList& prefixes);
    // Digest, reference, media type, type, status and bundle state: the text the filter matches.
    static QString filterTextFor(const CacheEntry& entry, const BundleRecord* bundle);
};

} // namespace dist::gui

Q_DECLARE_METATYPE(dist::gui::CacheSnapshot)
