// SPDX-License-Identifier: MIT
#include "CacheSnapshot.h"

#include "EntryStatus.h"

#include <bundles/BundleStore.h>
#include <cache/Cache.h>
#include <cache/EntryIndex.h>

#include <QElapsedTimer>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

namespace dist::gui {

namespace {

// The bundle records of `s.root`, listed and by cache key (or why they could not be read).
void readBundles(CacheSnapshot& s)
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
}

// Bundle records and the filter texts, for the entries already in `s`.
void complete(CacheSnapshot& s)
{
    readBundles(s);
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

CacheSnapshot CacheSnapshot::refreshed(const CacheSnapshot& base, const QStringList& prefixes)
{
    QElapsedTimer timer;
    timer.start();
    CacheSnapshot s;
    s.root = base.root;
    s.partial = true;
    s.refreshedPrefixes = prefixes;
    const Cache cache(base.root);
    QStringList problems;
    const QList<CacheEntry> fresh = EntryIndex(cache).summariesIn(prefixes, &problems);
    readBundles(s);
    // An entry's filter text names its bundle's state: made again for the entries whose bundle
    // appeared, went or moved.
    QSet<Digest> bundleMoved;
    for (auto it = base.bundles.cbegin(); it != base.bundles.cend(); ++it) {
        const auto now = s.bundles.constFind(it.key());
        if (now == s.bundles.cend() || now->state != it->state) {
            bundleMoved.insert(it.key());
        }
    }
    for (auto it = s.bundles.cbegin(); it != s.bundles.cend(); ++it) {
        if (!base.bundles.contains(it.key())) {
            bundleMoved.insert(it.key());
        }
    }
    const auto textOf = [&s](const CacheEntry& e) {
        const auto b = s.bundles.constFind(e.digest);
        return filterTextFor(e, b == s.bundles.cend() ? nullptr : &*b);
    };
    const bool textsKnown = base.filterTexts.size() == base.entries.size();
    // Both lists are in digest order, and a prefix's entries are one run of it: merge them.
    qsizetype j = 0;
    s.entries.reserve(base.entries.size() + fresh.size());
    s.filterTexts.reserve(base.entries.size() + fresh.size());
    for (qsizetype i = 0; i < base.entries.size(); ++i) {
        const CacheEntry& e = base.entries.at(i);
        if (prefixes.contains(e.digest.hex().left(2))) {
            continue; // read again: it is in `fresh` if it is still there
        }
        while (j < fresh.size() && fresh.at(j).digest < e.digest) {
            s.entries.append(fresh.at(j));
            s.filterTexts.append(textOf(fresh.at(j)));
            ++j;
        }
        s.entries.append(e);
        s.filterTexts.append(textsKnown && !bundleMoved.contains(e.digest) ? base.filterTexts.at(i) : textOf(e));
    }
    for (; j < fresh.size(); ++j) {
        s.entries.append(fresh.at(j));
        s.filterTexts.append(textOf(fresh.at(j)));
    }
    for (const QString& problem : base.problems) {
        bool under = false;
        for (const QString& prefix : prefixes) {
            under = under || problem.contains(u'/' + prefix + u'/');
        }
        if (!under) {
            s.problems.append(problem);
        }
    }
    s.problems.append(problems);
    s.scanMs = timer.elapsed();
    return s;
}

QString CacheSnapshot::filterTextFor(const CacheEntry& e, const BundleRecord* bundle)
{
    return e.digest.toString() + u' ' + e.rawRef + u' ' + e.mediaType + u' ' + artifactTypeName(e.artifactType) + u' '
        + EntryStatus::name(EntryStatus::of(e, bundle)) + u' ' + (bundle ? bundleStateName(bundle->state) : QString());
}

} // namespace dist::gui
