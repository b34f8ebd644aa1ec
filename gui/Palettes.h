// SPDX-License-Identifier: MIT
#pragma once

#include <QPalette>

namespace dist::gui {

// A light and a dark palette of our own, for the screenshots (`--palette`, as Xvfb has no system
// colour scheme) and for the tests that draw the window both ways; normally the app takes the
// system's palette.
class Palettes
{
public:
    static QPalette light();
    static QPalette dark();
};

} // namespace dist::gui
