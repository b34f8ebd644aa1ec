// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <functional>

namespace dist {

// One entry of an eviction (by hand or by retention) as it is decided, for a front end's progress
// and per-entry results.
struct EvictStep
{
    int done = 0; // entries decided so far, this one included
    int total = 0;
    QString digest; // as the caller named it
    bool evicted = false;
    QString outcome; // "evicted", or the refusal's reason
    qint64 bytes = 0; // freed by this entry (0 when it stayed)
};
// Called after each entry; returning false stops the eviction before the next one.
using EvictProgress = std::function<bool(const EvictStep&)>;

} // namespace dist
