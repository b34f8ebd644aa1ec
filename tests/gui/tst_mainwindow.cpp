// SPDX-License-Identifier: MIT
// The operator window, offscreen, against a real cache: models checked by QAbstractItemModelTester,
// eviction through the UI, only legal lifecycle transitions, a retention preview that matches the
// CLI's plan, and a CLI pull showing up while the window is open.
#include "BundleModel.h"
#include "BundlesPage.h"
#include "CacheEntryModel.h"
#include "CacheGroupModel.h"
#include "CacheScanner.h"
#include "CliRunner.h"
#include "Confirm.h"
#include "CredentialsPage.h"
#include "EntryDetails.h"
#include "LifecycleDiagram.h"
#include "MainWindow.h"
#include "Palettes.h"
#include "PullDialog.h"
#include "ReadableColor.h"
#include "RetentionModel.h"
#include "RetentionPage.h"
#include "TestWaits.h"
#include "Translations.h"
#include "UsagePage.h"
#include "UsageTreemap.h"
#include "UsageWidget.h"

#include <bundles/BundleStore.h>
#include <cache/Cache.h>
#include <core/Sha256.h>

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFont>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QNetworkAccessManager>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTranslator>
#include <QTreeWidget>
#include <trust/CosignSignature.h>

using namespace dist;
using namespace dist::gui;

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QTranslator m_translator;
    QString m_cache;
    std::unique_ptr<test::CliRunner> m_cli;
    QNetworkAccessManager m_nam;
    std::unique_ptr<MainWindow> m_window;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;

    QString file(const QString& name, const QByteArray& bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(bytes);
        return path;
    }

    void pull(const QString& path)
    {
        const test::CliResult r = m_cli->run({QStringLiteral("pull"), path});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void selectDigest(const Digest& d)
    {
        const int row = m_window->cacheModel()->rowOf(d);
        QVERIFY(row >= 0);
        const QModelIndex proxyIndex = m_window->cacheProxy()->mapFromSource(m_window->cacheModel()->index(row, 0));
        m_window->cacheView()->selectionModel()->select(
            proxyIndex, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }

    // Waits for a checked snapshot from a scan that began after this call: one already under way
    // may have read the cache before the change the test just made.
    void rescan()
    {
        const int wanted = m_window->scanner()->scansStarted() + 1;
        m_window->scanner()->requestScan(0);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->lastAppliedScan() >= wanted, dist::test::scaled(10000));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QGuiApplication::setQuitOnLastWindowClosed(false); // a case closes the window and opens it again
        QSettings().remove(QStringLiteral("window"));
        QVERIFY(!Translations::install(*QCoreApplication::instance(), m_translator).isEmpty());
        m_cache = m_dir.filePath(QStringLiteral("cache"));
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("GREENTIC_DIST_CREDENTIAL_STORE", "file");
        m_cli = std::make_unique<test::CliRunner>(m_cache);
        m_cli->env().insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        for (int i = 0; i < 5; ++i) {
            pull(file(QStringLiteral("c%1.wasm").arg(i),
                      QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(100 * (i + 1), char('a' + i))));
        }
        m_window = std::make_unique<MainWindow>(m_cache, &m_nam);
        for (QAbstractItemModel* m : {static_cast<QAbstractItemModel*>(m_window->cacheModel()),
                                      static_cast<QAbstractItemModel*>(m_window->cacheProxy()),
                                      static_cast<QAbstractItemModel*>(m_window->bundlesPage()->model()),
                                      static_cast<QAbstractItemModel*>(m_window->bundlesPage()->proxy()),
                                      static_cast<QAbstractItemModel*>(m_window->retentionPage()->model()),
                                      static_cast<QAbstractItemModel*>(m_window->retentionPage()->proxy()),
                                      static_cast<QAbstractItemModel*>(m_window->groupModel()),
                                      static_cast<QAbstractItemModel*>(m_window->groupProxy())}) {
            m_testers.push_back(
                std::make_unique<QAbstractItemModelTester>(m, QAbstractItemModelTester::FailureReportingMode::QtTest));
        }
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->cacheModel()->rowCount(), 5, dist::test::scaled(10000));
        rescan(); // past the remembered snapshot the window may have shown first
    }

    void showsEntriesDetailsAndUsage()
    {
        QCOMPARE(m_window->cacheView()->model()->rowCount(), 5);
        QVERIFY(m_window->usage()->summary().contains(QLatin1String("5 entries")));
        const Digest d = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(300, 'c'));
        selectDigest(d);
        QVERIFY(m_window->details()->toPlainText().contains(d.toString()));
        QVERIFY(m_window->details()->toPlainText().contains(QLatin1String("c2.wasm")));
        m_window->filterEdit()->setText(QStringLiteral("c4.wasm"));
        QCOMPARE(m_window->cacheProxy()->rowCount(), 1);
        m_window->filterEdit()->clear();
        QCOMPARE(m_window->cacheProxy()->rowCount(), 5);
    }

    void cacheTableFitsAt1280WithTheStatusFirst()
    {
        // At 1280 px every default column is on screen (no sideways scrolling), the status icon
        // leads, the reference gets the room that is left and is elided in the middle.
        m_window->resize(1280, 800);
        QTableView* view = m_window->cacheView();
        QHeaderView* header = view->horizontalHeader();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->width(), 1280, dist::test::scaled(5000));
        QTRY_COMPARE_WITH_TIMEOUT(header->length(), view->viewport()->width(), dist::test::scaled(5000));
        QCOMPARE(view->horizontalScrollBar()->maximum(), 0);
        QCOMPARE(header->logicalIndex(0), int(CacheEntryModel::StatusColumn));
        for (int c = 0; c < CacheEntryModel::ColumnCount; ++c) {
            QCOMPARE(view->isColumnHidden(c), CacheEntryModel::hiddenByDefault(c));
        }
        QVERIFY2(view->columnWidth(CacheEntryModel::ReferenceColumn) >= 300,
                 qPrintable(QString::number(view->columnWidth(CacheEntryModel::ReferenceColumn))));
        QCOMPARE(view->textElideMode(), Qt::ElideMiddle);
        const QIcon icon = qvariant_cast<QIcon>(
            m_window->cacheModel()->index(0, CacheEntryModel::StatusColumn).data(Qt::DecorationRole));
        QVERIFY(!icon.pixmap(QSize(16, 16)).isNull()); // the SVG is in the resources and renders
    }

    void copyDigestPutsTheFullDigestOnTheClipboard()
    {
        const Digest d = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(400, 'd'));
        selectDigest(d);
        auto* copy = m_window->findChild<QAction*>(QStringLiteral("copyDigestAction"));
        QVERIFY(copy);
        copy->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), d.toString());
    }

    void columnChooserAndWindowLayoutAreRemembered()
    {
        QMenu* columns = m_window->columnsMenu();
        QAction* size = nullptr;
        for (QAction* a : columns->actions()) {
            if (a->data().toInt() == CacheEntryModel::SizeColumn) {
                size = a;
            }
        }
        QVERIFY(size);
        Q_EMIT columns->aboutToShow();
        QVERIFY(size->isChecked());
        size->trigger();
        QVERIFY(m_window->cacheView()->isColumnHidden(CacheEntryModel::SizeColumn));
        m_window->resize(1100, 700);
        m_window->close(); // saves the header and the geometry
        {
            MainWindow again(m_cache, &m_nam);
            QVERIFY(again.cacheView()->isColumnHidden(CacheEntryModel::SizeColumn));
            QCOMPARE(again.size(), QSize(1100, 700));
        }
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        Q_EMIT columns->aboutToShow();
        QVERIFY(!size->isChecked());
        size->trigger();
        QVERIFY(!m_window->cacheView()->isColumnHidden(CacheEntryModel::SizeColumn));
    }

    void firstStartTakesMostOfTheScreen()
    {
        QSettings saved;
        const QVariant geometry = saved.value(QStringLiteral("window/geometry"));
        saved.remove(QStringLiteral("window/geometry"));
        MainWindow fresh(m_cache, &m_nam);
        saved.setValue(QStringLiteral("window/geometry"), geometry);
        QVERIFY(fresh.screen());
        const QRect available = fresh.screen()->availableGeometry();
        QCOMPARE(fresh.size(), QSize(available.width() * 85 / 100, available.height() * 85 / 100));
        QVERIFY(available.contains(fresh.geometry()));
    }

    void pluralsComeFromTheCatalogue()
    {
        // The source strings are written for many; the built-in English catalogue says "1 entry".
        const auto evict = [](int n) {
            return QCoreApplication::translate("dist::gui::MainWindow", "Evict %n entries and free %1?", nullptr, n);
        };
        QCOMPARE(evict(1), QStringLiteral("Evict 1 entry and free %1?"));
        QCOMPARE(evict(3), QStringLiteral("Evict 3 entries and free %1?"));
    }

    void usageMapShowsWhatHoldsTheSpaceAndSelectsIt()
    {
        // A Ready bundle's entry is a protected tile; clicking it selects that entry in the table.
        const Digest d = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(500, 'e'));
        QVERIFY(BundleStore(m_cache).write(
            {BundleId::forDigest(d), d, QStringLiteral("x"), QStringLiteral("File"), 1, BundleState::Ready}));
        // Gone however the case ends: a Ready bundle left behind would protect the entry from the
        // retention cases that follow.
        const auto dropBundle = qScopeGuard([this, d] { (void)BundleStore(m_cache).remove(BundleId::forDigest(d)); });
        rescan();
        UsagePage* page = m_window->usagePage();
        m_window->tabs()->setCurrentWidget(page);
        UsageTreemap* map = page->treemap();
        QTRY_VERIFY_WITH_TIMEOUT(map->width() > 100, dist::test::scaled(5000));
        QCOMPARE(map->tiles().size(), m_window->cacheModel()->rowCount());
        const UsageTreemap::Tile* held = nullptr;
        for (const UsageTreemap::Tile& t : map->tiles()) {
            if (t.digest == d) {
                held = &t;
            }
        }
        QVERIFY(held);
        QCOMPARE(held->kind, EntryStatus::Protected);
        QCOMPARE(held->repository, QStringLiteral("files"));
        QVERIFY(!held->rect.isEmpty());
        QVERIFY2(page->totalsText().contains(QLatin1String("protected: ")), qPrintable(page->totalsText()));
        QTest::mouseClick(map, Qt::LeftButton, {}, held->rect.center().toPoint());
        QCOMPARE(m_window->tabs()->currentIndex(), 0);
        const QModelIndexList rows = m_window->cacheView()->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().data(CacheEntryModel::DigestRole).toString(), d.toString());
        QVERIFY(BundleStore(m_cache).remove(BundleId::forDigest(d)));
        rescan();
    }

    void cliPullAppearsWhileOpen()
    {
        const int before = m_window->cacheModel()->rowCount();
        pull(file(QStringLiteral("late.wasm"), "arrived while the window was open"));
        // No refresh is requested: file watching notices the new entry.
        QTRY_COMPARE_WITH_TIMEOUT(m_window->cacheModel()->rowCount(), before + 1, dist::test::scaled(10000));
        QVERIFY(m_window->cacheModel()->rowOf(Sha256::hash("arrived while the window was open")) >= 0);
    }

    void evictThroughTheUi()
    {
        const Digest d = Sha256::hash("arrived while the window was open");
        selectDigest(d);
        QSignalSpy evicted(m_window.get(), &MainWindow::evicted);
        Confirm::setNextAnswer(true);
        m_window->evictSelected();
        QVERIFY(evicted.wait(dist::test::scaled(10000)));
        QVERIFY(Confirm::lastText().contains(QLatin1String("late.wasm")));
        QCOMPARE(Cache(m_cache).stat(d).code(), ErrorCode::NotFound);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->cacheModel()->rowOf(d), -1, dist::test::scaled(10000));
    }

    void evictionShowsProgressAndEachResult()
    {
        const QString one = file(QStringLiteral("evict-1.wasm"), "first of two to evict");
        const QString two = file(QStringLiteral("evict-2.wasm"), "second of two to evict");
        pull(one);
        pull(two);
        rescan();
        const Digest d1 = Sha256::hash("first of two to evict");
        const Digest d2 = Sha256::hash("second of two to evict");
        selectDigest(d1);
        const QModelIndex second = m_window->cacheProxy()->mapFromSource(
            m_window->cacheModel()->index(m_window->cacheModel()->rowOf(d2), 0));
        m_window->cacheView()->selectionModel()->select(second,
                                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QSignalSpy progress(m_window.get(), &MainWindow::evictionProgress);
        QSignalSpy evicted(m_window.get(), &MainWindow::evicted);
        Confirm::setNextAnswer(true);
        m_window->evictSelected();
        QVERIFY(evicted.wait(dist::test::scaled(10000)));
        QCOMPARE(progress.count(), 2);
        QCOMPARE(progress.last().at(0).toInt(), 2);
        QCOMPARE(progress.last().at(1).toInt(), 2);
        const QList<EvictStep>& steps = m_window->lastEvictionSteps();
        QCOMPARE(steps.size(), 2);
        for (const EvictStep& s : steps) {
            QVERIFY(s.evicted);
            QCOMPARE(s.outcome, QStringLiteral("evicted"));
        }
        QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("Evicted 2 entries")));
        QVERIFY(m_window->statusBar()->toolTip().contains(d1.toString().left(19)));
        QVERIFY(!m_window->findChild<QWidget*>(QStringLiteral("evictProgress"))->isVisible());
        QVERIFY(!m_window->findChild<QWidget*>(QStringLiteral("evictCancel"))->isVisible());
    }

    void evictRefusesProtectedBundles()
    {
        const Digest d = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(100, 'a'));
        QVERIFY(BundleStore(m_cache).write(
            {BundleId::forDigest(d), d, QStringLiteral("x"), QStringLiteral("File"), 1, BundleState::Ready}));
        rescan();
        selectDigest(d);
        QSignalSpy evicted(m_window.get(), &MainWindow::evicted);
        m_window->evictSelected();
        // The refusal is decided before anything starts: no question, no eviction in flight.
        QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("bundle is Ready")));
        QVERIFY(!m_window->evictionRunning());
        QVERIFY(!Confirm::hasNextAnswer()); // the next real question is not pre-answered
        QCOMPARE(evicted.count(), 0);
        QVERIFY(Cache(m_cache).stat(d));
        QVERIFY(BundleStore(m_cache).remove(BundleId::forDigest(d)));
        rescan();
    }

    void onlyLegalTransitionsAreOffered()
    {
        const Digest d = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(200, 'b'));
        const QString id = BundleId::forDigest(d);
        BundlesPage* page = m_window->bundlesPage();
        m_window->tabs()->setCurrentWidget(page);
        BundleStore store(m_cache);
        for (BundleState state : allBundleStates()) {
            QVERIFY(store.write({id, d, QStringLiteral("file://x"), QStringLiteral("File"), 1, state}));
            rescan();
            const int row = page->model()->rowOf(id);
            QVERIFY(row >= 0);
            page->view()->selectRow(page->proxy()->mapFromSource(page->model()->index(row, 0)).row());
            QCOMPARE(page->diagram()->current(), std::optional<BundleState>(state));
            QStringList offered;
            for (QAction* a : page->moveButton()->menu()->actions()) {
                offered << a->text();
            }
            QStringList legal;
            for (BundleState to : legalTargets(state)) {
                legal << bundleStateName(to);
            }
            QCOMPARE(offered, legal);
            for (BundleState to : allBundleStates()) {
                QCOMPARE(page->diagram()->isClickable(to), isLegalTransition(state, to));
            }
            // Clicking an illegal node does nothing; the record stays as it is.
            for (BundleState to : allBundleStates()) {
                if (!isLegalTransition(state, to)) {
                    QTest::mouseClick(page->diagram(), Qt::LeftButton, {},
                                      page->diagram()->nodeRect(to).center().toPoint());
                }
            }
            QCOMPARE(store.stat(id)->state, state);
        }
        // A legal click moves the bundle: Inactive -> Staged, through the diagram.
        QVERIFY(store.write({id, d, QStringLiteral("file://x"), QStringLiteral("File"), 1, BundleState::Inactive}));
        rescan();
        page->view()->selectRow(page->proxy()->mapFromSource(page->model()->index(page->model()->rowOf(id), 0)).row());
        QTest::mouseClick(page->diagram(), Qt::LeftButton, {},
                          page->diagram()->nodeRect(BundleState::Staged).center().toPoint());
        QCOMPARE(store.stat(id)->state, BundleState::Staged);
        QTRY_COMPARE_WITH_TIMEOUT(page->diagram()->current(), std::optional<BundleState>(BundleState::Staged),
                                  dist::test::scaled(10000));
        QVERIFY(store.remove(id));
        rescan();
    }

    void bundlesShowWhatTheyHoldAndRefusalsSayWhy()
    {
        const QByteArray bytes = QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(200, 'b');
        const Digest d = Sha256::hash(bytes);
        const Digest gone = Sha256::hash("no such entry");
        const QString id = BundleId::forDigest(d);
        BundlesPage* page = m_window->bundlesPage();
        m_window->tabs()->setCurrentWidget(page);
        BundleStore store(m_cache);
        QVERIFY(store.write({id, d, QStringLiteral("file://x"), QStringLiteral("File"), 1, BundleState::Ready}));
        QVERIFY(store.write({BundleId::forDigest(gone), gone, QStringLiteral("file://y"), QStringLiteral("File"), 1,
                             BundleState::Inactive}));
        rescan();
        const auto holds = [&](const QString& bundle, int role) {
            return page->model()->index(page->model()->rowOf(bundle), BundleModel::HoldsColumn).data(role);
        };
        QCOMPARE(holds(id, BundleModel::SortRole).toLongLong(), qint64(bytes.size()));
        QVERIFY(holds(id, Qt::ToolTipRole).toString().contains(d.toString()));
        QCOMPARE(holds(BundleId::forDigest(gone), Qt::DisplayRole).toString(), QStringLiteral("missing"));
        // Ready cannot go back to Staged: clicking it there says so and what Ready can move to.
        page->view()->selectRow(page->proxy()->mapFromSource(page->model()->index(page->model()->rowOf(id), 0)).row());
        QVERIFY(!isLegalTransition(BundleState::Ready, BundleState::Staged));
        QSignalSpy refused(page->diagram(), &LifecycleDiagram::transitionRefused);
        QTest::mouseClick(page->diagram(), Qt::LeftButton, {},
                          page->diagram()->nodeRect(BundleState::Staged).center().toPoint());
        QCOMPARE(refused.count(), 1);
        const QString why = m_window->statusBar()->currentMessage();
        QVERIFY2(why.contains(QLatin1String("Ready to Staged is not a lifecycle transition")), qPrintable(why));
        for (BundleState to : legalTargets(BundleState::Ready)) {
            QVERIFY2(why.contains(bundleStateName(to)), qPrintable(why));
        }
        QCOMPARE(store.stat(id)->state, BundleState::Ready);
        QVERIFY(store.remove(id));
        QVERIFY(store.remove(BundleId::forDigest(gone)));
        rescan();
    }

    void retentionPreviewMatchesTheCli()
    {
        const Digest staged = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(400, 'd'));
        QVERIFY(BundleStore(m_cache).write({BundleId::forDigest(staged), staged, QStringLiteral("x"),
                                            QStringLiteral("File"), 1, BundleState::Staged}));
        // A corrupt entry, an active bundle and a rollback depth: every kind of decision appears.
        const Digest corrupt = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(500, 'e'));
        Cache cache(m_cache);
        CacheEntry broken = cache.stat(corrupt).value();
        broken.state = EntryState::Corrupt;
        QVERIFY(cache.writeEntry(broken));
        const Digest active = Sha256::hash(QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(100, 'a'));
        RetentionPage* page = m_window->retentionPage();
        page->setLimits(0, qint64(3600), 2, {BundleId::forDigest(active)}, {});
        QSignalSpy done(page->model(), &QAbstractItemModel::modelReset);
        page->preview();
        QVERIFY(done.wait(dist::test::scaled(10000)));
        const RetentionOutcome gui = page->model()->outcome();
        const test::CliResult cli
            = m_cli->run({QStringLiteral("retention"), QStringLiteral("plan"), QStringLiteral("--max-age"),
                          QStringLiteral("3600"), QStringLiteral("--rollback-depth"), QStringLiteral("2"),
                          QStringLiteral("--active"), BundleId::forDigest(active), QStringLiteral("--json")});

        QCOMPARE(cli.exitCode, 0);
        const QJsonArray expected
            = QJsonDocument::fromJson(cli.out).object().value(QStringLiteral("decisions")).toArray();
        QCOMPARE(gui.decisions.size(), expected.size());
        int evictions = 0;
        for (int i = 0; i < expected.size(); ++i) {
            const QJsonObject e = expected.at(i).toObject();
            QCOMPARE(gui.decisions.at(i).cacheKey.toString(), e.value(QStringLiteral("cache_key")).toString());
            QCOMPARE(retentionDecisionName(gui.decisions.at(i).decision),
                     e.value(QStringLiteral("decision")).toString());
            QCOMPARE(gui.decisions.at(i).reasonCode, e.value(QStringLiteral("reason_code")).toString());
            evictions += gui.decisions.at(i).decision == RetentionDecisionKind::Evict ? 1 : 0;
        }
        QCOMPARE(evictions, 1);

        // The same plan over the Cache view: the row it evicts is struck through, with its reason.
        QSignalSpy planned(page, &RetentionPage::planned);
        m_window->planOverlayAction()->setChecked(true);
        QVERIFY(planned.wait(dist::test::scaled(10000)));
        CacheEntryModel* model = m_window->cacheModel();
        const auto cell
            = [&](const Digest& d, int column, int role) { return model->index(model->rowOf(d), column).data(role); };
        QVERIFY(cell(corrupt, CacheEntryModel::ReferenceColumn, Qt::FontRole).value<QFont>().strikeOut());
        QVERIFY(cell(corrupt, CacheEntryModel::StatusColumn, Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("corrupt_entry")));
        QVERIFY(!cell(active, CacheEntryModel::ReferenceColumn, Qt::FontRole).value<QFont>().strikeOut());
        QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("1 entry struck through")));
        m_window->planOverlayAction()->setChecked(false);
        QVERIFY(!cell(corrupt, CacheEntryModel::ReferenceColumn, Qt::FontRole).value<QFont>().strikeOut());
        QVERIFY(BundleStore(m_cache).remove(BundleId::forDigest(staged)));
        broken.state = EntryState::Ready;
        QVERIFY(cache.writeEntry(broken));
    }

    void retentionApplyShowsProgressAndWhatItReclaimed()
    {
        // Two corrupt entries: retention evicts them whatever the limits, and nothing else.
        const QByteArray one("first corrupt one for retention");
        const QByteArray two("second corrupt one, a little longer");
        pull(file(QStringLiteral("ret-1.wasm"), one));
        pull(file(QStringLiteral("ret-2.wasm"), two));
        Cache cache(m_cache);
        for (const QByteArray& bytes : {one, two}) {
            CacheEntry e = cache.stat(Sha256::hash(bytes)).value();
            e.state = EntryState::Corrupt;
            QVERIFY(cache.writeEntry(e));
        }
        rescan();
        const int rowsBefore = m_window->cacheModel()->rowCount();
        RetentionPage* page = m_window->retentionPage();
        m_window->tabs()->setCurrentWidget(page);
        page->setLimits(0, std::nullopt, 0, {}, {});
        QSignalSpy planned(page, &RetentionPage::planned);
        page->preview();
        QVERIFY(planned.wait(dist::test::scaled(10000)));
        QSignalSpy progress(page, &RetentionPage::applyProgress);
        QSignalSpy applied(page, &RetentionPage::applied);
        Confirm::setNextAnswer(true);
        page->apply();
        QVERIFY2(page->findChild<QProgressBar*>(QStringLiteral("retentionProgress"))->isVisible(),
                 qPrintable(page->findChild<QLabel*>(QStringLiteral("retentionSummary"))->text()));
        QVERIFY(page->findChild<QPushButton*>(QStringLiteral("retentionCancel"))->isVisible());
        QVERIFY(applied.wait(dist::test::scaled(10000)));
        QCOMPARE(progress.count(), 2);
        QCOMPARE(progress.last().at(0).toInt(), 2);
        QCOMPARE(progress.last().at(1).toInt(), 2);
        const QList<EvictStep>& steps = page->lastApplySteps();
        QCOMPARE(steps.size(), 2);
        qint64 freed = 0;
        for (const EvictStep& step : steps) {
            QVERIFY(step.evicted);
            freed += step.bytes;
        }
        QCOMPARE(freed, qint64(one.size() + two.size()));
        const QLabel* summary = page->findChild<QLabel*>(QStringLiteral("retentionSummary"));
        // What the apply did stays in front of the plan for what is left.
        QTRY_VERIFY_WITH_TIMEOUT(summary->text().contains(QLatin1String(". Now ")), dist::test::scaled(10000));
        QVERIFY2(summary->text().startsWith(QLatin1String("Evicted 2 entries, reclaimed")),
                 qPrintable(summary->text()));
        QVERIFY(summary->toolTip().contains(Sha256::hash(one).toString().left(19) + QStringLiteral(": evicted")));
        QVERIFY(!page->findChild<QProgressBar*>(QStringLiteral("retentionProgress"))->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->cacheModel()->rowCount(), rowsBefore - 2, dist::test::scaled(10000));
        m_window->tabs()->setCurrentIndex(0);
    }

    void groupByRepositoryShowsATree()
    {
        // An entry from a registry beside the files: two repositories in the tree.
        const QByteArray bytes("an artifact from a registry");
        pull(file(QStringLiteral("registry.wasm"), bytes));
        const Digest d = Sha256::hash(bytes);
        Cache cache(m_cache);
        CacheEntry e = cache.stat(d).value();
        e.rawRef = QStringLiteral("oci://ghcr.io/greenticai/components/hello:1.0");
        QVERIFY(cache.writeEntry(e));
        rescan();
        QVERIFY(!m_window->isGrouped());
        m_window->groupAction()->trigger(); // View > Group by repository (Ctrl+G)
        QVERIFY(m_window->isGrouped());
        QVERIFY(m_window->cacheTree()->isVisible());
        QVERIFY(!m_window->cacheView()->isVisible());
        QSortFilterProxyModel* proxy = m_window->groupProxy();
        QStringList repositories;
        int children = 0;
        for (int r = 0; r < proxy->rowCount(); ++r) {
            repositories << proxy->index(r, CacheEntryModel::ReferenceColumn).data().toString();
            children += proxy->rowCount(proxy->index(r, 0));
        }
        QVERIFY2(repositories.contains(QStringLiteral("ghcr.io/greenticai/components/hello")),
                 qPrintable(repositories.join(u',')));
        QVERIFY(repositories.contains(QStringLiteral("files")));
        QCOMPARE(children, m_window->cacheModel()->rowCount());

        // Selecting the registry entry (as a treemap click does) opens its repository and shows it.
        m_window->selectEntries({d});
        const QList<const CacheEntry*> selected = m_window->selectedEntries();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first()->digest, d);
        const QModelIndex current = m_window->cacheTree()->selectionModel()->selectedRows().first();
        QVERIFY(m_window->cacheTree()->isExpanded(current.parent()));
        QCOMPARE(m_window->selectedDigests(), d.toString());
        // A repository row stands for its entries.
        const QModelIndex files = proxy
                                      ->match(proxy->index(0, CacheEntryModel::ReferenceColumn), Qt::DisplayRole,
                                              QStringLiteral("files"), 1, Qt::MatchExactly)
                                      .value(0);
        QVERIFY(files.isValid());
        m_window->cacheTree()->selectionModel()->select(
            files, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(m_window->selectedEntries().size(), proxy->rowCount(files.siblingAtColumn(0)));
        // The filter narrows the tree to the repositories with a match.
        m_window->filterEdit()->setText(QStringLiteral("greenticai/components/hello"));
        QCOMPARE(proxy->rowCount(), 1);
        m_window->filterEdit()->clear();
        // The open repository stays open when the cache changes under the tree.
        m_window->selectEntries({d});
        pull(file(QStringLiteral("while-grouped.wasm"), "arrived while grouped"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->cacheModel()->rowOf(Sha256::hash("arrived while grouped")) >= 0,
                                 dist::test::scaled(10000));
        const QModelIndex again = m_window->groupProxy()->mapFromSource(
            m_window->groupModel()->indexOfSourceRow(m_window->cacheModel()->rowOf(d)));
        QVERIFY(m_window->cacheTree()->isExpanded(again.parent()));

        // Back to the table, with the selection kept.
        m_window->selectEntries({d});
        m_window->groupAction()->trigger();
        QVERIFY(!m_window->isGrouped());
        QCOMPARE(m_window->selectedDigests(), d.toString());
        QCOMPARE(m_window->groupModel()->rowCount(), 0); // detached while not shown
    }

    void followsTheLightAndDarkPalette()
    {
        // The whole window, every tab, drawn with a light and with a dark palette: the pages follow
        // the palette, and the status colours in the tables still read (WCAG 4.5:1 on Base).
        const QPalette original = QApplication::palette();
        const QPalette dark = Palettes::dark();
        const QPalette light = Palettes::light();

        const QByteArray bytes("corrupt, for the palette");
        pull(file(QStringLiteral("palette.wasm"), bytes));
        Cache cache(m_cache);
        CacheEntry corrupt = cache.stat(Sha256::hash(bytes)).value();
        corrupt.state = EntryState::Corrupt;
        QVERIFY(cache.writeEntry(corrupt));
        rescan();

        // The treemap's tiles are content in fixed status colours (tst_usagetreemap checks its
        // labels on both palettes): left out of the window's mean.
        const auto meanLuminance = [](const QImage& image, const QRect& skip) {
            double sum = 0;
            int n = 0;
            for (int y = 0; y < image.height(); y += 3) {
                for (int x = 0; x < image.width(); x += 3) {
                    if (skip.contains(x, y)) {
                        continue;
                    }
                    sum += QColor(image.pixel(x, y)).lightnessF();
                    ++n;
                }
            }
            return n ? sum / n : 0.0;
        };
        for (const bool isDark : {false, true}) {
            const QPalette& palette = isDark ? dark : light;
            QApplication::setPalette(palette);
            // Widgets hear of a new application palette through posted events: wait for them.
            QTRY_COMPARE_WITH_TIMEOUT(m_window->retentionPage()->palette().color(QPalette::Window),
                                      palette.color(QPalette::Window), dist::test::scaled(5000));
            const QColor base = palette.color(QPalette::Base);
            for (int t = 0; t < m_window->tabs()->count(); ++t) {
                m_window->tabs()->setCurrentIndex(t);
                UsageTreemap* map = m_window->usagePage()->treemap();
                const QRect skip
                    = map->isVisible() ? QRect(map->mapTo(m_window.get(), QPoint(0, 0)), map->size()) : QRect();
                const double mean = meanLuminance(m_window->grab().toImage(), skip);
                const QString what
                    = QStringLiteral("%1 palette, tab %2: mean lightness %3")
                          .arg(isDark ? QStringLiteral("dark") : QStringLiteral("light"), m_window->tabs()->tabText(t))
                          .arg(mean, 0, 'f', 2);
                QVERIFY2(isDark ? mean < 0.35 : mean > 0.6, qPrintable(what));
            }
            m_window->tabs()->setCurrentIndex(0);
            CacheEntryModel* model = m_window->cacheModel();
            const QColor corruptText = model->index(model->rowOf(corrupt.digest), CacheEntryModel::ReferenceColumn)
                                           .data(Qt::ForegroundRole)
                                           .value<QBrush>()
                                           .color();
            QVERIFY2(ReadableColor::contrast(corruptText, base) >= 4.5, qPrintable(corruptText.name()));
            RetentionModel* plan = m_window->retentionPage()->model();
            for (int r = 0; r < plan->rowCount(); ++r) {
                const QColor c
                    = plan->index(r, RetentionModel::DecisionColumn).data(Qt::ForegroundRole).value<QBrush>().color();
                QVERIFY2(ReadableColor::contrast(c, base) >= 4.5, qPrintable(c.name()));
            }
            for (BundleState state :
                 {BundleState::Inactive, BundleState::Staged, BundleState::Warming, BundleState::Ready,
                  BundleState::Draining, BundleState::Failed, BundleState::Archived}) {
                QVERIFY(ReadableColor::contrast(ReadableColor::onBase(BundleModel::colorFor(state)), base) >= 4.5);
            }
        }
        QApplication::setPalette(original);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->palette().color(QPalette::Window), original.color(QPalette::Window),
                                  dist::test::scaled(5000));
        QVERIFY(cache.remove(corrupt.digest));
        rescan();
    }

    void everyActionWorksFromTheKeyboard()
    {
        // Menus: every item has a mnemonic or a shortcut, and no two items of a menu share a letter.
        const auto mnemonic = [](const QString& text) -> QChar {
            for (qsizetype i = 0; i + 1 < text.size(); ++i) {
                if (text.at(i) == u'&' && text.at(i + 1) != u'&') {
                    return text.at(i + 1).toLower();
                }
            }
            return {};
        };
        QString menuLetters;
        for (QAction* top : m_window->menuBar()->actions()) {
            QVERIFY2(!mnemonic(top->text()).isNull(), qPrintable(top->text()));
            QVERIFY2(!menuLetters.contains(mnemonic(top->text())), qPrintable(top->text()));
            menuLetters += mnemonic(top->text());
            QString letters;
            for (QAction* a : top->menu()->actions()) {
                if (a->isSeparator()) {
                    continue;
                }
                const QChar m = mnemonic(a->text());
                QVERIFY2(!m.isNull() || !a->shortcut().isEmpty(), qPrintable(a->text()));
                QVERIFY2(m.isNull() || !letters.contains(m), qPrintable(top->text() + u' ' + a->text()));
                letters += m;
            }
        }
        // Each tab: what the keyboard can reach there takes focus by Tab, every button has a mnemonic,
        // and the mnemonics of the menu bar, the tabs and the page's buttons do not collide.
        QString tabLetters;
        for (int t = 0; t < m_window->tabs()->count(); ++t) {
            const QChar m = mnemonic(m_window->tabs()->tabText(t));
            QVERIFY2(!m.isNull() && !tabLetters.contains(m) && !menuLetters.contains(m),
                     qPrintable(m_window->tabs()->tabText(t)));
            tabLetters += m;
        }
        for (int t = 0; t < m_window->tabs()->count(); ++t) {
            m_window->tabs()->setCurrentIndex(t);
            QWidget* page = m_window->tabs()->currentWidget();
            QString letters = menuLetters + tabLetters;
            for (QAbstractButton* b : page->findChildren<QAbstractButton*>()) {
                if (!b->isVisibleTo(m_window.get()) || qobject_cast<QLineEdit*>(b->parentWidget())
                    || b->inherits("QHeaderView") || b->objectName().startsWith(QLatin1String("qt_"))) {
                    continue;
                }
                QVERIFY2(b->focusPolicy() & Qt::TabFocus, qPrintable(b->text()));
                const QChar m = mnemonic(b->text());
                QVERIFY2(!m.isNull() || !b->shortcut().isEmpty(), qPrintable(b->text()));
                QVERIFY2(m.isNull() || !letters.contains(m),
                         qPrintable(QStringLiteral("`%1` on %2 reuses Alt+%3")
                                        .arg(b->text(), m_window->tabs()->tabText(t), QString(m))));
                letters += m;
            }
            for (QWidget* w : page->findChildren<QWidget*>()) {
                if (w->isVisibleTo(m_window.get()) && !qobject_cast<QHeaderView*>(w)
                    && (qobject_cast<QAbstractItemView*>(w) || qobject_cast<QLineEdit*>(w)
                        || qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<UsageTreemap*>(w))) {
                    QVERIFY2(w->focusPolicy() & Qt::TabFocus,
                             qPrintable(QString::fromLatin1(w->metaObject()->className()) + u' ' + w->objectName()));
                }
            }
        }
        // The cache tab's actions by their keys: Ctrl+F to the filter, Ctrl+G to group and back,
        // Delete to evict the selection (asked first), Ctrl+C to copy its digest.
        m_window->tabs()->setCurrentIndex(0);
        m_window->activateWindow();
        QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
        QVERIFY(m_window->filterEdit()->hasFocus());
        QTest::keyClick(m_window.get(), Qt::Key_G, Qt::ControlModifier);
        QVERIFY(m_window->isGrouped());
        QTest::keyClick(m_window.get(), Qt::Key_G, Qt::ControlModifier);
        QVERIFY(!m_window->isGrouped());
        const Digest first = m_window->cacheModel()->entryAt(0)->digest;
        m_window->selectEntries({first});
        QVERIFY(m_window->cacheView()->hasFocus());
        QTest::keyClick(m_window->cacheView(), Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QGuiApplication::clipboard()->text(), first.toString());
        Confirm::setNextAnswer(false);
        QTest::keyClick(m_window->cacheView(), Qt::Key_Delete);
        QVERIFY(Confirm::lastText().startsWith(QLatin1String("Evict 1 entry")));
        QVERIFY(m_window->cacheModel()->rowOf(first) >= 0);
    }

    void pullDialogShowsProgressAndResult()
    {
        PullDialog* dialog = m_window->openPullDialog();
        dialog->setReferences({file(QStringLiteral("dialog.wasm"), "pulled from the dialog"),
                               m_dir.filePath(QStringLiteral("missing.wasm"))});
        dialog->start();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isRunning(), dist::test::scaled(10000));
        QTreeWidget* list = dialog->progressList();
        QCOMPARE(list->topLevelItemCount(), 2);
        QVERIFY(list->topLevelItem(0)->text(2).startsWith(QLatin1String("fetched")));
        QVERIFY(list->topLevelItem(1)->text(2).contains(QLatin1String("not found")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->cacheModel()->rowOf(Sha256::hash("pulled from the dialog")) >= 0,
                                 dist::test::scaled(10000));
    }

    void credentialsPage()
    {
        CredentialsPage* page = m_window->credentialsPage();
        QVERIFY(page->findChild<QLabel*>(QStringLiteral("credentialBackend"))
                    ->text()
                    .contains(QLatin1String("file store")));
        page->save(QStringLiteral("acme"), QStringLiteral("gui-secret-token"));
        QTRY_COMPARE_WITH_TIMEOUT(page->table()->rowCount(), 1, dist::test::scaled(5000));
        page->test(QStringLiteral("tenant/acme"));
        QTRY_VERIFY_WITH_TIMEOUT(page->status().contains(QLatin1String("reads back")), dist::test::scaled(5000));
        QVERIFY(!page->status().contains(QLatin1String("gui-secret-token")));
        for (int c = 0; c < page->table()->columnCount(); ++c) {
            QVERIFY(!page->table()->item(0, c)->text().contains(QLatin1String("gui-secret-token")));
        }
        // the CLI sees the same login
        QVERIFY(m_cli->run({QStringLiteral("auth"), QStringLiteral("ls")}).out.contains("acme"));
        page->remove(QStringLiteral("tenant/acme"));
        QTRY_COMPARE_WITH_TIMEOUT(page->table()->rowCount(), 0, dist::test::scaled(5000));
    }

    void unknownCredentialStoreIsRefusedAsInTheCli()
    {
        // A typo in GREENTIC_DIST_CREDENTIAL_STORE: the CLI refuses it, and so does the GUI, with the
        // same words, instead of saving to the keychain behind the operator's back.
        qputenv("GREENTIC_DIST_CREDENTIAL_STORE", "vault");
        MainWindow window(m_cache, &m_nam);
        qputenv("GREENTIC_DIST_CREDENTIAL_STORE", "file");
        CredentialsPage* page = window.credentialsPage();
        const QString shown = page->findChild<QLabel*>(QStringLiteral("credentialBackend"))->text();
        QVERIFY2(shown.contains(QLatin1String("No token can be saved")), qPrintable(shown));
        QVERIFY2(shown.contains(QLatin1String("vault"))
                     && shown.contains(QLatin1String("GREENTIC_DIST_CREDENTIAL_STORE")),
                 qPrintable(shown));
        page->save(QStringLiteral("typo"), QStringLiteral("gui-secret-token"));
        QVERIFY2(page->status().contains(QLatin1String("`vault`")), qPrintable(page->status()));
        QCOMPARE(page->table()->rowCount(), 0);

        test::CliRunner cli(m_cache);
        cli.env().insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        cli.env().insert(QStringLiteral("GREENTIC_DIST_CREDENTIAL_STORE"), QStringLiteral("vault"));
        const test::CliResult r = cli.run({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("typo"),
                                           QStringLiteral("--token"), QStringLiteral("gui-secret-token")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(page->status().toUtf8()), r.err.constData());
        QVERIFY(!m_cli->run({QStringLiteral("auth"), QStringLiteral("ls")}).out.contains("typo"));
    }

    void unsignedFilterAndReferrersInTheDetails()
    {
        const QByteArray signedBytes("a signed component"), sigBytes("its cosign signature payload");
        pull(file(QStringLiteral("signed.wasm"), signedBytes));
        pull(file(QStringLiteral("signature.json"), sigBytes));
        rescan(); // the rows are there unsigned first: the signature must reach a row that exists
        Cache cache(m_cache);
        auto cleanup = qScopeGuard([&] {
            (void)cache.remove(Sha256::hash(signedBytes));
            (void)cache.remove(Sha256::hash(sigBytes));
            rescan();
        });
        const Digest manifest = Sha256::hash("the signed component's manifest");
        CacheEntry a = cache.stat(Sha256::hash(signedBytes)).value();
        a.manifestDigest = manifest.toString();
        a.canonicalRef = QStringLiteral("oci://ghcr.io/org/signed@") + manifest.toString();
        a.signatureSummary = SignatureSummary{QStringLiteral("passed"), QStringLiteral("cosign ECDSA P-256 key 0123")};
        QVERIFY(cache.writeEntry(a));
        CacheEntry b = cache.stat(Sha256::hash(sigBytes)).value();
        b.subjectDigest = manifest.toString();
        b.artifactMediaType = Cosign::SignatureArtifactType;
        QVERIFY(cache.writeEntry(b));
        QVERIFY(cache.recordReferrer(manifest, b.digest));
        rescan();
        const int all = m_window->cacheProxy()->rowCount();
        m_window->unsignedOnlyBox()->click(); // Alt+N
        QCOMPARE(m_window->cacheProxy()->rowCount(), all - 1);
        for (int r = 0; r < m_window->cacheProxy()->rowCount(); ++r) {
            QVERIFY(m_window->cacheProxy()->index(r, CacheEntryModel::DigestColumn).data(Qt::ToolTipRole).toString()
                    != a.digest.toString());
        }
        m_window->unsignedOnlyBox()->click();
        QCOMPARE(m_window->cacheProxy()->rowCount(), all);
        selectDigest(a.digest);
        const QString details = m_window->details()->toPlainText();
        QVERIFY2(details.contains(QLatin1String("cosign ECDSA P-256 key 0123")), qPrintable(details));
        QVERIFY2(details.contains(QLatin1String("Referrers")) && details.contains(Cosign::SignatureArtifactType),
                 qPrintable(details));
        selectDigest(Sha256::hash(sigBytes));
        QVERIFY2(m_window->details()->toPlainText().contains(manifest.toString()),
                 qPrintable(m_window->details()->toPlainText()));
    }

    void cleanupTestCase()
    {
        m_testers.clear();
        m_window.reset();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
