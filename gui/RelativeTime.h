// SPDX-License-Identifier: MIT
#pragma once

#include <QCoreApplication>
#include <QString>

namespace dist::gui {

// "3 days ago" for the tables; the exact time goes in the tooltip.
class RelativeTime
{
    Q_DECLARE_TR_FUNCTIONS(RelativeTime)

public:
    // Both in unix seconds; an unknown time (0) is empty, a time ahead of `now` reads "just now".
    static QString ago(qint64 secs, qint64 now);
    static QString exact(qint64 secs); // local time, ISO-like, with the zone
};

} // namespace dist::gui
