// SPDX-License-Identifier: MIT
#include "RelativeTime.h"

#include <QDateTime>

namespace dist::gui {

namespace {

QString count(qint64 n, const QString& one, const QString& many)
{
    return n == 1 ? one : many.arg(n);
}

} // namespace

QString RelativeTime::ago(qint64 secs, qint64 now)
{
    if (secs <= 0) {
        return {};
    }
    const qint64 d = now - secs;
    constexpr qint64 kMinute = 60, kHour = 3600, kDay = 86400;
    if (d < kMinute) {
        return tr("just now");
    }
    if (d < kHour) {
        return count(d / kMinute, tr("1 minute ago"), tr("%1 minutes ago"));
    }
    if (d < kDay) {
        return count(d / kHour, tr("1 hour ago"), tr("%1 hours ago"));
    }
    if (d < 2 * kDay) {
        return tr("yesterday");
    }
    if (d < 60 * kDay) {
        return count(d / kDay, tr("1 day ago"), tr("%1 days ago"));
    }
    if (d < 730 * kDay) {
        return count(d / (30 * kDay), tr("1 month ago"), tr("%1 months ago"));
    }
    return count(d / (365 * kDay), tr("1 year ago"), tr("%1 years ago"));
}

QString RelativeTime::exact(qint64 secs)
{
    if (secs <= 0) {
        return {};
    }
    return QDateTime::fromSecsSinceEpoch(secs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}

} // namespace dist::gui
