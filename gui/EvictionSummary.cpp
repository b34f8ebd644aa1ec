// SPDX-License-Identifier: MIT
#include "EvictionSummary.h"

#include <QLocale>
#include <QStringList>

namespace dist::gui {

QString EvictionSummary::text(int evicted, qint64 bytesReclaimed, qsizetype refused, bool cancelled)
{
    QString text
        = tr("Evicted %1 entries, reclaimed %2").arg(evicted).arg(QLocale::system().formattedDataSize(bytesReclaimed));
    if (refused > 0) {
        text += tr("; %n not evicted (details in the tooltip)", nullptr, static_cast<int>(refused));
    }
    if (cancelled) {
        text += tr("; cancelled, the rest left as they were");
    }
    return text;
}

QString EvictionSummary::perEntry(const QList<EvictStep>& steps)
{
    constexpr qsizetype kShown = 40;
    QStringList lines;
    for (qsizetype i = 0; i < steps.size() && i < kShown; ++i) {
        lines << QStringLiteral("%1: %2").arg(steps.at(i).digest.left(19), steps.at(i).outcome);
    }
    if (steps.size() > kShown) {
        lines << tr("… and %1 more").arg(steps.size() - kShown);
    }
    return lines.join(u'\n');
}

} // namespace dist::gui
