// SPDX-License-Identifier: MIT
#include "RetentionRun.h"

#include <bundles/BundleStore.h>
#include <cache/Cache.h>
#include <core/Background.h>
#include <core/LockWaiter.h>

namespace dist {

void RetentionRun::start(const QString& cacheRoot, const RetentionLimits& limits, QObject* context, Done done,
                         std::function<void()> onWait, int lockWaitMs, EvictProgress progress)
{
    const Cache cache(cacheRoot);
    LockWaiter::acquire(
        cache.cacheLockPath(), context,
        [cacheRoot, limits, context, done, progress](Result<std::shared_ptr<QLockFile>> locked) {
            if (!locked) {
                done(locked.detail() == ErrorDetail::LockBusy
                         ? makeError(ErrorCode::Io,
                                     QStringLiteral("cache error at `%1`: another process is collecting garbage or "
                                                    "applying retention")
                                         .arg(cacheRoot),
                                     ErrorDetail::LockBusy)
                         : locked.error());
                return;
            }
            runInBackground<Result<RetentionApplied>>(
                context,
                [cacheRoot, limits, progress, lock = locked.value()]() -> Result<RetentionApplied> {
                    Cache cache(cacheRoot);
                    RetentionApplied out;
                    auto input = Retention::gather(cache, limits, &out.problems);
                    if (!input) {
                        lock->unlock();
                        return input.error();
                    }
                    BundleStore bundles(cacheRoot);
                    out.report = Retention::apply(cache, bundles, Retention::evaluate(input.value()), progress);
                    // Released before the result is handed over, not whenever the pool drops this
                    // job: whoever hears "done" may take the lock at once.
                    lock->unlock();
                    return out;
                },
                done);
        },
        std::move(onWait), lockWaitMs);
}

} // namespace dist
