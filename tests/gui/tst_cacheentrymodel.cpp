// SPDX-License-Identifier: MIT
#include "CacheEntryModel.h"
#include "CacheEntryProxy.h"
#include "CacheGroupModel.h"
#include "CacheScanner.h"
#include "EntryStatus.h"
#include "RelativeTime.h"

#include "TestWaits.h"
#include <cache/Cache.h>
#include <cache/EntryIndex.h>
#include <cache/IngestFile.h>
#include <core/Sha256.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::gui;

namespace {

CacheEntry entry(const QByteArray& seed, qint64 size, qint64 used)
{
    CacheEntry e;
    e.digest = Sha256::hash(seed);
    e.sizeBytes = size;
    e.lastAccessedAt = used;
    e.fetchedAt = used;
    e.rawRef = QString::fromLatin1(seed);
    e.mediaType = QStringLiteral("application/wasm");
    return e;
}

CacheSnapshot snapshotOf(QList<CacheEntry> entries)
{
    std::sort(entries.begin(), entries.end(),
              [](const CacheEntry& a, const CacheEntry& b) { return a.digest < b.digest; });
    CacheSnapshot s;
    s.entries = entries;
    return s;
}

} // namespace

class TestCacheEntryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void incrementalUpdatesKeepTheModelConsistent()
    {
        CacheEntryModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(CacheEntryModel::SortRole);
        proxy.setFilterRole(CacheEntryModel::FilterRole);
        proxy.setDynamicSortFilter(true);
        proxy.sort(CacheEntryModel::SizeColumn);
        QAbstractItemModelTester modelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

        QList<CacheEntry> entries;
        for (int i = 0; i < 20; ++i) {
            entries.append(entry(QByteArray("e") + QByteArray::number(i), (i * 37) % 100, i));
        }
        model.setSnapshot(snapshotOf(entries));
        QCOMPARE(model.rowCount(), 20);
        // sorted by raw size, not by the "1.0 KiB" text
        qint64 last = -1;
        for (int r = 0; r < proxy.rowCount(); ++r) {
            const qint64 size
                = proxy.index(r, CacheEntryModel::SizeColumn).data(CacheEntryModel::SortRole).toLongLong();
            QVERIFY(size >= last);
            last = size;
        }
        // Remove three, change one, add two: applied row by row, never as a reset, so a view keeps
        // its selection and scroll position while the CLI changes the cache.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changedRows(&model, &QAbstractItemModel::dataChanged);
        const Digest changed = entries.at(5).digest;
        const Digest untouched = entries.at(7).digest;
        const QPersistentModelIndex kept = model.index(model.rowOf(untouched), CacheEntryModel::SizeColumn);
        const QPersistentModelIndex gone = model.index(model.rowOf(entries.at(3).digest), 0);
        entries.removeAt(12);
        entries.removeAt(3);
        entries.removeAt(0);
        for (CacheEntry& e : entries) {
            if (e.digest == changed) {
                e.sizeBytes = 4242;
                e.state = EntryState::Corrupt;
            }
        }
        entries.append(entry("new-1", 1, 100));
        entries.append(entry("new-2", 2, 101));
        model.setSnapshot(snapshotOf(entries));
        QCOMPARE(reset.count(), 0);
        int removedRows = 0;
        for (const QList<QVariant>& args : std::as_const(removed)) {
            removedRows += args.at(2).toInt() - args.at(1).toInt() + 1;
        }
        QCOMPARE(removedRows, 3);
        int insertedRows = 0;
        for (const QList<QVariant>& args : std::as_const(inserted)) {
            insertedRows += args.at(2).toInt() - args.at(1).toInt() + 1;
        }
        QCOMPARE(insertedRows, 2);
        // Only the changed entry is repainted.
        QCOMPARE(changedRows.count(), 1);
        const int row = model.rowOf(changed);
        QVERIFY(row >= 0);
        QCOMPARE(changedRows.first().at(0).value<QModelIndex>().row(), row);
        QCOMPARE(model.rowCount(), 19);
        QCOMPARE(model.entryAt(row)->sizeBytes, qint64(4242));
        QCOMPARE(model.index(row, CacheEntryModel::StateColumn).data().toString(), QStringLiteral("Corrupt"));
        QVERIFY(model.rowOf(Sha256::hash("new-2")) >= 0);
        QCOMPARE(model.rowOf(Sha256::hash("e0")), -1);
        QVERIFY(kept.isValid());
        QCOMPARE(model.entryAt(kept.row())->digest, untouched);
        QVERIFY(!gone.isValid());
        // The same snapshot again changes nothing.
        changedRows.clear();
        model.setSnapshot(snapshotOf(entries));
        QCOMPARE(changedRows.count(), 0);
        QCOMPARE(reset.count(), 0);
        // filter
        proxy.setFilterFixedString(QStringLiteral("new-"));
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setFilterFixedString(QString());
        // a wholesale change is a reset
        model.setSnapshot(snapshotOf({entry("only", 5, 1)}));
        QCOMPARE(model.rowCount(), 1);
        model.setSnapshot(CacheSnapshot{});
        QCOMPARE(model.rowCount(), 0);
    }

    void refreshesMergeInDigestOrder()
    {
        // A refresh is a merge of two digest-sorted lists: rows stay in digest order, new entries
        // go in where they belong, and neighbouring changes are one dataChanged.
        CacheEntryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<CacheEntry> entries;
        for (int i = 0; i < 50; ++i) {
            entries.append(entry(QByteArray("m") + QByteArray::number(i), i, i));
        }
        CacheSnapshot first = snapshotOf(entries);
        model.setSnapshot(first);
        const auto inDigestOrder = [&model] {
            for (int r = 1; r < model.rowCount(); ++r) {
                if (!(model.entryAt(r - 1)->digest < model.entryAt(r)->digest)) {
                    return false;
                }
            }
            for (int r = 0; r < model.rowCount(); ++r) {
                if (model.rowOf(model.entryAt(r)->digest) != r) {
                    return false;
                }
            }
            return true;
        };
        QVERIFY(inDigestOrder());

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QList<CacheEntry> next = first.entries;
        for (int r = 10; r < 13; ++r) {
            next[r].lastAccessedAt += 1000;
        }
        const CacheEntry added = entry("m-added", 7, 7);
        next.append(added);
        // Unsorted on purpose: the model orders what it is given.
        std::reverse(next.begin(), next.end());
        CacheSnapshot second;
        second.entries = next;
        model.setSnapshot(second);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.rowCount(), 51);
        QVERIFY(inDigestOrder());
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), model.rowOf(added.digest));
        QCOMPARE(changed.count(), 1);
        const int firstChanged = changed.first().at(0).value<QModelIndex>().row();
        const int lastChanged = changed.first().at(1).value<QModelIndex>().row();
        // Rows 10-12 of the first snapshot, shifted by one when the new entry sorts before them.
        const int shift = model.rowOf(added.digest) <= 10 ? 1 : 0;
        QCOMPARE(firstChanged, 10 + shift);
        QCOMPARE(lastChanged, 12 + shift);
        QCOMPARE(model.entryAt(firstChanged)->lastAccessedAt, first.entries.at(10).lastAccessedAt + 1000);
    }

    void scannerShowsTheRememberedCacheThenTheCheckedOne()
    {
        // The first scan paints what the entry index remembers at once, then checks the entries:
        // an entry added since the index was written appears with the checked snapshot.
        QTemporaryDir dir;
        Cache cache(dir.path());
        const auto put = [&cache](const QByteArray& bytes) {
            auto ingest = IngestFile::openTemporary(cache.ingestDir());
            QVERIFY(ingest);
            QVERIFY((*ingest)->write(bytes));
            CacheEntry e;
            e.digest = (*ingest)->finish().value();
            e.sizeBytes = bytes.size();
            e.rawRef = QString::fromLatin1(bytes);
            QVERIFY(cache.commit(**ingest, e));
        };
        put("remembered one");
        put("remembered two");
        QCOMPARE(EntryIndex(cache).summaries().size(), 2);
        put("added since");
        CacheScanner scanner(dir.path());
        QSignalSpy scanned(&scanner, &CacheScanner::scanned);
        scanner.requestScan(0);
        QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 2, dist::test::scaled(10000));
        const auto first = scanned.at(0).at(0).value<CacheSnapshot>();
        const auto second = scanned.at(1).at(0).value<CacheSnapshot>();
        QVERIFY(!first.checked);
        QCOMPARE(first.entries.size(), 2);
        QCOMPARE(first.filterTexts.size(), 2);
        QVERIFY(second.checked);
        QCOMPARE(second.entries.size(), 3);
        // Later scans are checked ones.
        scanner.requestScan(0);
        QTRY_COMPARE_WITH_TIMEOUT(scanned.count(), 3, dist::test::scaled(10000));
        QVERIFY(scanned.at(2).at(0).value<CacheSnapshot>().checked);
        QVERIFY(!scanned.at(2).at(0).value<CacheSnapshot>().partial);

        // A change the watcher sees is read from its prefix directory alone: the entries elsewhere
        // are carried over, the new one is in its place, and the filter texts stay beside them.
        const int before = static_cast<int>(scanned.count());
        put("added while watched");
        const Digest added = Sha256::hash("added while watched");
        QTRY_VERIFY_WITH_TIMEOUT(scanned.count() > before
                                     && std::any_of(scanned.last().at(0).value<CacheSnapshot>().entries.cbegin(),
                                                    scanned.last().at(0).value<CacheSnapshot>().entries.cend(),
                                                    [&](const CacheEntry& e) { return e.digest == added; }),
                                 dist::test::scaled(10000));
        const auto partial = scanned.last().at(0).value<CacheSnapshot>();
        QVERIFY(partial.partial);
        QVERIFY(partial.refreshedPrefixes.contains(added.hex().left(2)));
        QCOMPARE(partial.entries.size(), 4);
        QCOMPARE(partial.filterTexts.size(), 4);
        for (int i = 0; i < partial.entries.size(); ++i) {
            QVERIFY(partial.filterTexts.at(i).contains(partial.entries.at(i).digest.toString()));
            QVERIFY(i == 0 || partial.entries.at(i - 1).digest < partial.entries.at(i).digest);
        }
        // And a removal the same way.
        QVERIFY(cache.remove(added));
        QTRY_VERIFY_WITH_TIMEOUT(scanned.last().at(0).value<CacheSnapshot>().entries.size() == 3,
                                 dist::test::scaled(10000));
        QVERIFY(scanned.last().at(0).value<CacheSnapshot>().partial);
    }

    void groupModelFollowsTheFlatModel()
    {
        CacheEntryModel model;
        CacheGroupModel groups;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&groups);
        proxy.setSortRole(CacheEntryModel::SortRole);
        proxy.setFilterRole(CacheEntryModel::FilterRole);
        proxy.setRecursiveFilteringEnabled(true);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        proxy.sort(CacheEntryModel::SizeColumn);
        QAbstractItemModelTester groupTester(&groups, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        groups.setSourceModel(&model);

        const auto at = [](const char* seed, const char* ref, qint64 size) {
            CacheEntry e = entry(seed, size, size);
            e.rawRef = QString::fromLatin1(ref);
            return e;
        };
        QList<CacheEntry> entries{at("a1", "oci://ghcr.io/acme/app:1.0", 10),
                                  at("a2", "oci://ghcr.io/acme/app:2.0", 20),
                                  at("b1", "oci://ghcr.io/acme/tool@sha256:00", 5), at("f1", "./local.wasm", 7)};
        model.setSnapshot(snapshotOf(entries));
        QCOMPARE(groups.rowCount(), 3);
        QStringList names;
        for (int g = 0; g < groups.rowCount(); ++g) {
            names << groups.repositoryAt(g);
        }
        QCOMPARE(names,
                 (QStringList{QStringLiteral("files"), QStringLiteral("ghcr.io/acme/app"),
                              QStringLiteral("ghcr.io/acme/tool")}));
        const QModelIndex app = groups.index(1, 0);
        QCOMPARE(groups.rowCount(app), 2);
        QCOMPARE(groups.index(1, CacheEntryModel::SizeColumn).data(CacheEntryModel::SortRole).toLongLong(), qint64(30));
        QCOMPARE(groups.index(1, CacheEntryModel::TypeColumn).data().toString(), QStringLiteral("2 entries"));
        // An entry row shows what the flat model shows, and maps back to its flat row.
        const QModelIndex child = groups.index(0, CacheEntryModel::ReferenceColumn, app);
        const int flat = groups.sourceRow(child);
        QVERIFY(flat >= 0);
        QCOMPARE(child.data().toString(), model.index(flat, CacheEntryModel::ReferenceColumn).data().toString());
        QCOMPARE(groups.indexOfSourceRow(flat, CacheEntryModel::ReferenceColumn), child);
        QCOMPARE(groups.sourceRow(app), -1);

        // A change in place is passed on, with the repository's total; an addition regroups.
        QSignalSpy changed(&groups, &QAbstractItemModel::dataChanged);
        entries[0].sizeBytes = 100;
        model.setSnapshot(snapshotOf(entries));
        QVERIFY(changed.count() >= 2);
        QCOMPARE(groups.index(1, CacheEntryModel::SizeColumn).data(CacheEntryModel::SortRole).toLongLong(),
                 qint64(120));
        entries.append(at("c1", "oci://quay.io/other/thing:3", 1));
        model.setSnapshot(snapshotOf(entries));
        QCOMPARE(groups.rowCount(), 4);

        // The filter keeps a repository while one of its entries matches.
        proxy.setFilterFixedString(QStringLiteral("app:2.0"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 1);
        proxy.setFilterFixedString(QString());
        QCOMPARE(proxy.rowCount(), 4);

        // Detached, it is empty and no longer follows.
        groups.setSourceModel(nullptr);
        QCOMPARE(groups.rowCount(), 0);
        model.setSnapshot(snapshotOf(entries.mid(0, 2)));
        QCOMPARE(groups.rowCount(), 0);
    }

    void statusAndAgesSayWhatDecidesAnEviction()
    {
        // The status column names what keeps an entry or lets it go, with the bundle and its state;
        // ages read relative to the clock with the exact time in the tooltip; sizes right-aligned.
        constexpr qint64 kNow = 1'750'000'000;
        constexpr qint64 kDay = 86400;
        CacheEntry loose = entry("loose", 10, kNow - 3 * kDay - 5);
        CacheEntry held = entry("held", 20, kNow - 90);
        CacheEntry used = entry("used", 30, kNow - 2 * 3600);
        CacheEntry broken = entry("broken", 40, kNow - 400 * kDay);
        broken.state = EntryState::Corrupt;
        CacheSnapshot s = snapshotOf({loose, held, used, broken});
        s.bundles.insert(held.digest,
                         BundleRecord{BundleId::forDigest(held.digest), held.digest, QStringLiteral("x"),
                                      QStringLiteral("File"), 1, BundleState::Ready});
        s.bundles.insert(used.digest,
                         BundleRecord{BundleId::forDigest(used.digest), used.digest, QStringLiteral("x"),
                                      QStringLiteral("File"), 1, BundleState::Inactive});
        s.bundles.insert(broken.digest,
                         BundleRecord{BundleId::forDigest(broken.digest), broken.digest, QStringLiteral("x"),
                                      QStringLiteral("File"), 1, BundleState::Ready});
        CacheEntryModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setClock([] { return kNow; });
        model.setSnapshot(s);
        const auto cell = [&](const CacheEntry& e, int column, int role) {
            return model.index(model.rowOf(e.digest), column).data(role);
        };
        const auto kind = [&](const CacheEntry& e) {
            return static_cast<EntryStatus::Kind>(
                cell(e, CacheEntryModel::StatusColumn, CacheEntryModel::StatusRole).toInt());
        };
        QCOMPARE(kind(loose), EntryStatus::Evictable);
        QCOMPARE(kind(held), EntryStatus::Protected);
        QCOMPARE(kind(used), EntryStatus::InBundle);
        QCOMPARE(kind(broken), EntryStatus::Corrupt); // corrupt wins over the bundle holding it
        const QString heldWhy = cell(held, CacheEntryModel::StatusColumn, Qt::ToolTipRole).toString();
        QVERIFY2(heldWhy.contains(QLatin1String("Protected")) && heldWhy.contains(BundleId::forDigest(held.digest))
                     && heldWhy.contains(QLatin1String("Ready")),
                 qPrintable(heldWhy));
        QVERIFY(
            cell(used, CacheEntryModel::StatusColumn, Qt::ToolTipRole).toString().contains(QLatin1String("Inactive")));
        QVERIFY(cell(broken, CacheEntryModel::StatusColumn, Qt::ToolTipRole)
                    .toString()
                    .startsWith(QLatin1String("Corrupt")));
        QVERIFY(cell(loose, CacheEntryModel::StatusColumn, Qt::DisplayRole).toString().isEmpty()); // icon only

        QCOMPARE(cell(loose, CacheEntryModel::LastUsedColumn, Qt::DisplayRole).toString(),
                 QStringLiteral("3 days ago"));
        QCOMPARE(cell(held, CacheEntryModel::LastUsedColumn, Qt::DisplayRole).toString(),
                 QStringLiteral("1 minute ago"));
        QCOMPARE(cell(used, CacheEntryModel::FetchedColumn, Qt::DisplayRole).toString(), QStringLiteral("2 hours ago"));
        QCOMPARE(cell(broken, CacheEntryModel::LastUsedColumn, Qt::DisplayRole).toString(),
                 QStringLiteral("13 months ago"));
        QCOMPARE(cell(loose, CacheEntryModel::LastUsedColumn, Qt::ToolTipRole).toString(),
                 RelativeTime::exact(loose.lastAccessedAt));
        QCOMPARE(cell(loose, CacheEntryModel::LastUsedColumn, CacheEntryModel::SortRole).toLongLong(),
                 loose.lastAccessedAt);
        QCOMPARE(cell(loose, CacheEntryModel::SizeColumn, Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));

        // The filter box finds entries by what the status column shows.
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setFilterRole(CacheEntryModel::FilterRole);
        proxy.setFilterFixedString(QStringLiteral("protected"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setFilterFixedString(QStringLiteral("corrupt"));
        QCOMPARE(proxy.rowCount(), 1);
    }

    void proxySortsByRawValuesAndFiltersWithoutCase()
    {
        // The window's proxy compares entries directly; it must agree with the model's SortRole
        // and keep up with incremental updates.
        CacheEntryModel model;
        CacheEntryProxy proxy;
        proxy.setSourceModel(&model);
        proxy.setDynamicSortFilter(true);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QList<CacheEntry> entries;
        for (int i = 0; i < 50; ++i) {
            entries.append(entry(QByteArray("Item-") + QByteArray::number(i), (i * 7919) % 1000, 1000 - i));
        }
        model.setSnapshot(snapshotOf(entries));
        for (int column : {int(CacheEntryModel::SizeColumn), int(CacheEntryModel::LastUsedColumn)}) {
            proxy.sort(column, Qt::AscendingOrder);
            for (int r = 1; r < proxy.rowCount(); ++r) {
                QVERIFY(proxy.index(r - 1, column).data(CacheEntryModel::SortRole).toLongLong()
                        <= proxy.index(r, column).data(CacheEntryModel::SortRole).toLongLong());
            }
        }
        proxy.setFilterText(QStringLiteral("item-4")); // Item-4 and Item-40..49
        QCOMPARE(proxy.rowCount(), 11);
        entries.append(entry("item-4-late", 5, 1));
        model.setSnapshot(snapshotOf(entries));
        QCOMPARE(proxy.rowCount(), 12);
        proxy.setFilterText(QString());
        QCOMPARE(proxy.rowCount(), 51);
    }

    void relativeTimesReadNaturally()
    {
        constexpr qint64 kNow = 1'750'000'000;
        QCOMPARE(RelativeTime::ago(0, kNow), QString());
        QCOMPARE(RelativeTime::ago(kNow + 30, kNow), QStringLiteral("just now")); // a clock a little ahead
        QCOMPARE(RelativeTime::ago(kNow - 59, kNow), QStringLiteral("just now"));
        QCOMPARE(RelativeTime::ago(kNow - 60, kNow), QStringLiteral("1 minute ago"));
        QCOMPARE(RelativeTime::ago(kNow - 45 * 60, kNow), QStringLiteral("45 minutes ago"));
        QCOMPARE(RelativeTime::ago(kNow - 3600, kNow), QStringLiteral("1 hour ago"));
        QCOMPARE(RelativeTime::ago(kNow - 30 * 3600, kNow), QStringLiteral("yesterday"));
        QCOMPARE(RelativeTime::ago(kNow - 59 * 86400, kNow), QStringLiteral("59 days ago"));
        QCOMPARE(RelativeTime::ago(kNow - 90 * 86400, kNow), QStringLiteral("3 months ago"));
        QCOMPARE(RelativeTime::ago(kNow - 3 * 365 * 86400, kNow), QStringLiteral("3 years ago"));
    }
};

QTEST_MAIN(TestCacheEntryModel)
#include "tst_cacheentrymodel.moc"
