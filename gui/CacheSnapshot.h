// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QStringList>

namespace dist::gui {

// Everything the window shows about the cache, read in one go off the UI thread.
struct CacheSnapshot
{
    QString root;
    QList<CacheEntry> entries; // sorted by digest
    QHash<Digest, BundleRecord> bundles; // by cache key
    QList<BundleRecord> bundleList; // sorted by bundle id
    QStringList problems; // unreadable entries
    QString bundleError; // a malformed bundle record (the strict index refuses them)
    qint64 scanMs = 0;

    // Reads entry.json files and bundle records. Safe to call from any thread.
    static CacheSnapshot read(const QString& root);
};

} // namespace dist::gui

Q_DECLARE_METATYPE(dist::gui::CacheSnapshot)
