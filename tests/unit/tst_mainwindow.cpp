// SPDX-License-Identifier: MIT
#include "MainWindow.h"

#include <dist/Cache.h>
#include <dist/IngestFile.h>

#include <QLabel>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsCacheSummary()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto ingest = IngestFile::openTemporary(cache.ingestDir());
        QVERIFY(ingest);
        QVERIFY((*ingest)->write("bytes"));
        CacheEntry e;
        e.digest = (*ingest)->finish().value();
        e.sizeBytes = 5;
        QVERIFY(cache.commit(**ingest, e));

        gui::MainWindow window(dir.path());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* summary = window.findChild<QLabel*>(QStringLiteral("cacheSummary"));
        QVERIFY(summary);
        QVERIFY(summary->text().contains(cache.root()));
        QVERIFY(summary->text().contains(QLatin1String("1 entries")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
