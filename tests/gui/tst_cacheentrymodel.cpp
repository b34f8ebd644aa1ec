// SPDX-License-Identifier: MIT
#include "CacheEntryModel.h"

#include <core/Sha256.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
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
};

QTEST_MAIN(TestCacheEntryModel)
#include "tst_cacheentrymodel.moc"
