// SPDX-License-Identifier: MIT
#pragma once

#include <cache/EvictStep.h>

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace dist::gui {

// The words after an eviction, by hand or by retention: what went, what it freed, what stayed and
// whether it was cancelled; and each entry's result, for a tooltip.
class EvictionSummary
{
    Q_DECLARE_TR_FUNCTIONS(EvictionSummary)

public:
    static QString text(int evicted, qint64 bytesReclaimed, qsizetype refused, bool cancelled);
    static QString perEntry(const QList<EvictStep>& steps);
};

} // namespace dist::gui
