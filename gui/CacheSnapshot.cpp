// SPDX-License-Identifier: MIT
#include "CacheSnapshot.h"

#include "EntryStatus.h"

#include <bundles/BundleStore.h>
#include <cache/Cache.h>
#include <cache/EntryIndex.h>

#include <QElapsedTimer>
#include <QtConcurrent/QtConcurrentMap>

namespace dist::gui {

namespace {

// Bundle records and the filter texts, for the entries already in `s`.
void complete(CacheSnapshot& s)
{
    auto records = BundleStore(s.root).list();
    if (records) {
        s.bundleList = records.value();
        for (const BundleRecord& r : std::as_const(s.bundleList)) {
            s.bundles.insert(r.cacheKey, r);
        }
    } else {
        s.bundleError = records.message();
    }
    // In slices on the pool: at 100,000 entries this is a good part of the scan.
    constexpr qsizetype kSlice = 8192;
    QList<qsizetype> starts;
    for (qsizetype at = 0; at < s.entries.size(); at += kSlice) {
        starts.append(at);
    }
    const QList<QStringList> slices = QtConcurrent::blockingMapped(starts, [&s](qsizetype first) {
        QStringList texts;
        const qsizetype end = std::min(s.entries.size(), first + kSlice);
        texts.reserve(end - first);
        for (qsizetype i = first; i < end; ++i) {
            const CacheEntry& e = s.entries.at(i);
            const auto b = s.bundles.constFind(e.digest);
            texts.append(CacheSnapshot::filterTextFor(e, b == s.bundles.cend() ? nullptr : &*b));
        }
        return texts;
    });
    s.filterTexts.reserve(s.entries.size());
    for (const QStringList& slice : slices) {
        s.filterTexts.append(slice);
    }
}

} // namespace

CacheSnapshot CacheSnapshot::read(const QString& root)
{
    QElapsedTimer timer;
    timer.start();
    CacheSnapshot s;
    const Cache cache(root);
    s.root = cache.root();
    s.entries = EntryIndex(cache).summaries(&s.problems);
    complete(s);
    s.scanMs = timer.elapsed();
    return s;
}

std::optional<CacheSnapshot> CacheSnapshot::remembered(const QString& root)
{
    QElapsedTimer timer;
    timer.start();
    const Cache cache(root);
    auto entries = EntryIndex(cache).remembered();
    if (!entries) {
        return std::nullopt;
    }
    CacheSnapshot s;
    s.root = cache.root();
    s.entries = std::move(*entries);
    s.checked = false;
    complete(s);
    s.scanMs = timer.elapsed();
    return s;
}

QString CacheSnapshot::filterTextFor(const CacheEntry& e, const BundleRecord* bundle)
{
    return e.digest.toString() + u' ' + e.rawRef + u' ' + e.mediaType + u' ' + artifactTypeName(e.artifactType) + u' '
        + EntryStatus::name(EntryStatus::of(e, bundle)) + u' ' + (bundle ? bundleStateName(bundle->state) : QString());
}

} // namespace dist::gui
