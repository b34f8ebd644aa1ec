// SPDX-License-Identifier: MIT
#include "MainWindow.h"

#include <dist/Cache.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QNetworkAccessManager>

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("greentic-dist-gui"));
    QApplication::setOrganizationName(QStringLiteral("greentic"));
    QApplication::setApplicationVersion(QStringLiteral(DIST_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("greentic-dist-gui"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Inspect and manage the greentic-dist cache."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption cacheDir(QStringLiteral("cache-dir"),
                                      QStringLiteral("Cache root (like greentic-dist --cache-dir)."),
                                      QStringLiteral("PATH"));
    parser.addOption(cacheDir);
    parser.process(app);

    QNetworkAccessManager nam;
    dist::gui::MainWindow window(dist::Cache::resolveRoot(parser.value(cacheDir)), &nam);
    window.show();
    return app.exec();
}
