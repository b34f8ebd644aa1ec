// SPDX-License-Identifier: MIT
#include "CacheSnapshot.h"

#include "EntryStatus.h"

#include <bundles/BundleStore.h>
#include <cache/Cache.h>

#include <QElapsedTimer>

namespace dist::gui {

CacheSnapshot CacheSnapshot::read(const QString& root)
{
    QElapsedTimer timer;
    timer.start();
    CacheSnapshot s;
    const Cache cache(root);
    s.root = cache.root();
    s.entries = cache.entries(&s.problems);
    auto records = BundleStore(root).list();
    if (records) {
        s.bundleList = records.value();
        for (const BundleRecord& r : s.bundleList) {
            s.bundles.insert(r.cacheKey, r);
        }
    } else {
        s.bundleError = records.message();
    }
    s.filterTexts.reserve(s.entries.size());
    for (const CacheEntry& e : std::as_const(s.entries)) {
        const auto b = s.bundles.constFind(e.digest);
        s.filterTexts.append(filterTextFor(e, b == s.bundles.cend() ? nullptr : &*b));
    }
    s.scanMs = timer.elapsed();
    return s;
}

QString CacheSnapshot::filterTextFor(const CacheEntry& e, const BundleRecord* bundle)
{
    return e.digest.toString() + u' ' + e.rawRef + u' ' + e.mediaType + u' ' + artifactTypeName(e.artifactType) + u' '
        + EntryStatus::name(EntryStatus::of(e, bundle)) + u' ' + (bundle ? bundleStateName(bundle->state) : QString());
}

} // namespace dist::gui
