// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

class QCoreApplication;
class QTranslator;

namespace dist::gui {

// Loads the UI translation for the user's languages from the built-in catalogues, falling back to
// English, whose catalogue supplies the plural forms ("1 entry", "3 entries") the source strings
// cannot spell themselves. Returns the catalogue loaded, empty if none.
class Translations
{
public:
    static QString install(QCoreApplication& app, QTranslator& translator);
};

} // namespace dist::gui
