// SPDX-License-Identifier: MIT
#include "BundlesPage.h"
#include "MainWindow.h"
#include "MallocTuning.h"
#include "Palettes.h"
#include "Translations.h"

#include <cache/Cache.h>
#include <net/EnvProxyFactory.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QNetworkAccessManager>
#include <QPixmap>
#include <QScreen>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTranslator>
#include <QTreeView>

int main(int argc, char* argv[])
{
    dist::gui::MallocTuning::preferHugePages(argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("greentic-dist-gui"));
    QApplication::setOrganizationName(QStringLiteral("greentic"));
    QApplication::setApplicationVersion(QStringLiteral(DIST_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("greentic-dist-gui"));
    QTranslator translator;
    dist::gui::Translations::install(app, translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Inspect and manage the greentic-dist cache."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption cacheDir(QStringLiteral("cache-dir"),
                                      QStringLiteral("Cache root (like greentic-dist --cache-dir)."),
                                      QStringLiteral("PATH"));
    parser.addOption(cacheDir);
    // For the README: waits for the cache to load, saves what the screen shows of the window, quits.
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save a screenshot of the window and quit."),
                                        QStringLiteral("PNG"));
    parser.addOption(screenshot);
    const QCommandLineOption tab(QStringLiteral("tab"), QStringLiteral("Open on this tab (0-4)."), QStringLiteral("N"));
    parser.addOption(tab);
    const QCommandLineOption palette(QStringLiteral("palette"),
                                     QStringLiteral("Draw with the built-in light or dark palette instead of the "
                                                    "system's (for screenshots)."),
                                     QStringLiteral("light|dark"));
    parser.addOption(palette);
    const QCommandLineOption group(QStringLiteral("group"),
                                   QStringLiteral("Open with the cache grouped by repository."));
    parser.addOption(group);
    parser.process(app);
    if (parser.isSet(palette)) {
        const QString which = parser.value(palette);
        if (which != u"light" && which != u"dark") {
            parser.showHelp(2);
        }
        QApplication::setPalette(which == u"dark" ? dist::gui::Palettes::dark() : dist::gui::Palettes::light());
    }

    QNetworkAccessManager nam;
    dist::EnvProxyFactory::install(&nam); // HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY
    dist::gui::MainWindow window(dist::Cache::resolveRoot(parser.value(cacheDir)), &nam);
    if (parser.isSet(tab)) {
        window.tabs()->setCurrentIndex(parser.value(tab).toInt());
    }
    if (parser.isSet(group)) {
        window.setGrouped(true);
    }
    if (parser.isSet(screenshot)) {
        window.setGeometry(window.screen()->availableGeometry()); // the whole (virtual) screen
    }
    window.show();
    if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        QObject::connect(&window, &dist::gui::MainWindow::snapshotApplied, &window, [&window, path] {
            if (window.isGrouped()) {
                window.cacheTree()->expandToDepth(0);
                window.cacheTree()->setCurrentIndex(window.cacheTree()->model()->index(0, 0));
            } else {
                window.cacheView()->selectRow(0);
            }
            window.bundlesPage()->view()->selectRow(0);
            // Give the view one round to paint the freshly loaded rows.

            QTimer::singleShot(400, &window, [&window, path] {
                const QPixmap shot = window.screen()->grabWindow(window.winId());
                QCoreApplication::exit(shot.save(path) ? 0 : 1);
            });
        });
    }
    return app.exec();
}
