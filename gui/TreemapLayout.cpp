// SPDX-License-Identifier: MIT
#include "TreemapLayout.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace dist::gui {

namespace {

// The worst aspect ratio in a row of areas laid along a side of length `side`.
qreal worst(qreal sum, qreal smallest, qreal largest, qreal side)
{
    if (sum <= 0 || smallest <= 0) {
        return std::numeric_limits<qreal>::max();
    }
    const qreal s2 = sum * sum;
    const qreal w2 = side * side;
    return std::max(w2 * largest / s2, s2 / (w2 * smallest));
}

} // namespace

QList<QRectF> TreemapLayout::squarify(const QList<qreal>& weights, const QRectF& bounds)
{
    QList<QRectF> out(weights.size());
    QList<qsizetype> order;
    for (qsizetype i = 0; i < weights.size(); ++i) {
        if (weights.at(i) > 0) {
            order.append(i);
        }
    }
    const qreal total = std::accumulate(order.cbegin(), order.cend(), qreal(0),
                                        [&](qreal s, qsizetype i) { return s + weights.at(i); });
    if (order.isEmpty() || bounds.isEmpty() || total <= 0) {
        return out;
    }
    // Largest first; ties in input order so that the layout is stable from one refresh to the next.
    std::stable_sort(order.begin(), order.end(),
                     [&](qsizetype a, qsizetype b) { return weights.at(a) > weights.at(b); });
    const qreal scale = bounds.width() * bounds.height() / total;

    QRectF free = bounds;
    qsizetype start = 0;
    while (start < order.size()) {
        const bool horizontal = free.width() >= free.height(); // the row runs along the shorter side
        const qreal side = horizontal ? free.height() : free.width();
        qreal sum = 0;
        qreal smallest = 0;
        qreal largest = 0;
        qsizetype end = start;
        while (end < order.size()) {
            const qreal a = weights.at(order.at(end)) * scale;
            const qreal nextSum = sum + a;
            const qreal nextSmallest = end == start ? a : std::min(smallest, a);
            const qreal nextLargest = end == start ? a : std::max(largest, a);
            if (end > start && worst(nextSum, nextSmallest, nextLargest, side) > worst(sum, smallest, largest, side)) {
                break;
            }
            sum = nextSum;
            smallest = nextSmallest;
            largest = nextLargest;
            ++end;
        }
        const bool last = end == order.size();
        // The row's thickness; the last row takes what is left, so rounding never leaves a gap.
        const qreal thickness = last ? (horizontal ? free.width() : free.height()) : sum / side;
        qreal offset = 0;
        for (qsizetype k = start; k < end; ++k) {
            const qreal a = weights.at(order.at(k)) * scale;
            const qreal length = k + 1 == end ? side - offset : a / thickness;
            out[order.at(k)] = horizontal ? QRectF(free.left(), free.top() + offset, thickness, length)
                                          : QRectF(free.left() + offset, free.top(), length, thickness);
            offset += length;
        }
        if (horizontal) {
            free.setLeft(free.left() + thickness);
        } else {
            free.setTop(free.top() + thickness);
        }
        start = end;
    }
    return out;
}

} // namespace dist::gui
