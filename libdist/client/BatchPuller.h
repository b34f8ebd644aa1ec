// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>
#include <pull/PullSource.h>
#include <ref/Lockfile.h>

#include <QList>

#include <functional>

class QObject;

namespace dist {

// Pulls a lockfile's entries, at most `jobs` at a time. Stops starting new ones at the first failure
// and reports it (the earliest failed entry) once the running ones finish. Results keep the lockfile
// order.
class BatchPuller
{
public:
    using PullOne = std::function<void(const QString& reference, const Digest& pin, PullDone done)>;
    using Done = std::function<void(Result<QList<PullResult>>)>;

    static void run(QObject* context, PullOne pull, const QList<LockEntry>& entries, int jobs, Done done);
};

} // namespace dist
