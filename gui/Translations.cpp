// SPDX-License-Identifier: MIT
#include "Translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

// Resources compiled into a static library must be registered by hand, outside any namespace.
static void initTranslations()
{
    Q_INIT_RESOURCE(dist_gui_translations);
}

namespace dist::gui {

QString Translations::install(QCoreApplication& app, QTranslator& translator)
{
    initTranslations();
    const QString dir = QStringLiteral(":/i18n");
    const QString base = QStringLiteral("greentic-dist-gui");
    if (!translator.load(QLocale(), base, QStringLiteral("_"), dir)
        && !translator.load(base + QStringLiteral("_en"), dir)) {
        return {};
    }
    app.installTranslator(&translator);
    return translator.filePath();
}

} // namespace dist::gui
