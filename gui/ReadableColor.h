// SPDX-License-Identifier: MIT
#pragma once

#include <QColor>

namespace dist::gui {

// Status colours (corrupt red, protected blue, …) are chosen once, but text in them must read on
// a light and on a dark palette alike: each is adjusted in lightness, keeping its hue, until it
// meets WCAG's 4.5:1 contrast against the background it is drawn on.
class ReadableColor
{
public:
    static double contrast(const QColor& a, const QColor& b); // WCAG 2 contrast ratio, 1 to 21
    static QColor on(const QColor& wanted, const QColor& background, double ratio = 4.5);
    // Against the application palette's Base, where item views draw their text.
    static QColor onBase(const QColor& wanted);
};

} // namespace dist::gui
