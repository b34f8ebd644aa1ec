// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QRectF>

namespace dist::gui {

// Squarified treemap layout (Bruls, Huizing and van Wijk): rectangles whose areas are in
// proportion to their weights, tiling `bounds` without overlap and kept close to square so that
// small items stay clickable. Pure, so the chart's geometry is tested without painting.
class TreemapLayout
{
public:
    // One rectangle per weight, in input order; a weight <= 0 gets an empty rectangle.
    static QList<QRectF> squarify(const QList<qreal>& weights, const QRectF& bounds);
};

} // namespace dist::gui
