// SPDX-License-Identifier: MIT
#pragma once

#include <retention/Retention.h>

#include <QObject>
#include <QStringList>

#include <functional>

namespace dist {

struct RetentionApplied
{
    RetentionReport report;
    QStringList problems; // entries that could not be read while planning
};

// `retention apply` for both front ends, in the one order that is safe: take the cache lock
// (waiting without blocking the caller's event loop, up to lockWaitMs), plan against the cache
// as it is at that moment rather than an earlier preview, evict each entry under its own lock,
// report. The plan and the deletes run on a pool thread; `done` runs on the context's thread.
class RetentionRun
{
public:
    using Done = std::function<void(Result<RetentionApplied>)>;

    // `onWait` runs once if another process holds the cache lock.
    // `progress` runs on the pool thread for each eviction (Retention::apply); false cancels.
    static void start(const QString& cacheRoot, const RetentionLimits& limits, QObject* context, Done done,
                      std::function<void()> onWait = {}, int lockWaitMs = 10000, EvictProgress progress = {});
};

} // namespace dist
