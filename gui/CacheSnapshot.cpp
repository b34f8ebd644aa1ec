// SPDX-License-Identifier: MIT
#include "CacheSnapshot.h"

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
    s.scanMs = timer.elapsed();
    return s;
}

} // namespace dist::gui
