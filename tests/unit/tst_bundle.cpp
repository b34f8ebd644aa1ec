// SPDX-License-Identifier: MIT
#include <bundles/BundleStore.h>
#include <core/Sha256.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;

class TestBundle : public QObject
{
    Q_OBJECT

    static BundleRecord record(const QByteArray& seed, BundleState state)
    {
        const Digest d = Sha256::hash(seed);
        return BundleRecord{BundleId::forDigest(d), d,          QStringLiteral("oci://ghcr.io/o/x@") + d.toString(),
                            QStringLiteral("Oci"),  1750000000, state};
    }

private Q_SLOTS:
    void exactlyFifteenLegalEdges()
    {
        int legal = 0;
        for (BundleState from : allBundleStates()) {
            QVERIFY(!isLegalTransition(from, from));
            for (BundleState to : allBundleStates()) {
                legal += isLegalTransition(from, to) ? 1 : 0;
            }
        }
        QCOMPARE(legal, 15);
        QVERIFY(legalTargets(BundleState::Archived).isEmpty());
        QVERIFY(isLegalTransition(BundleState::Inactive, BundleState::Archived));
        QVERIFY(isLegalTransition(BundleState::Draining, BundleState::Inactive));
        QVERIFY(!isLegalTransition(BundleState::Staged, BundleState::Ready));
    }

    void matrixOnDisk_data()
    {
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to");
        for (BundleState from : allBundleStates()) {
            for (BundleState to : allBundleStates()) {
                QTest::newRow(qPrintable(bundleStateName(from) + QStringLiteral("->") + bundleStateName(to)))
                    << int(from) << int(to);
            }
        }
    }
    void matrixOnDisk()
    {
        QFETCH(int, from);
        QFETCH(int, to);
        QTemporaryDir dir;
        BundleStore store(dir.path());
        const BundleRecord r = record("x", BundleState(from));
        QVERIFY(store.write(r));
        QFile f(store.pathFor(r.bundleId));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        auto result = store.setState(r.bundleId, BundleState(to));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray after = f.readAll();
        if (isLegalTransition(BundleState(from), BundleState(to))) {
            QVERIFY(result);
            QCOMPARE(result->state, BundleState(to));
            QCOMPARE(store.stat(r.bundleId)->state, BundleState(to));
        } else {
            QVERIFY(!result);
            QCOMPARE(result.code(), ErrorCode::InvalidInput);
            QVERIFY(result.message().contains(QLatin1String("is not on the matrix")));
            QCOMPARE(after, before);
        }
    }

    void recordShapeAndFileName()
    {
        const BundleRecord r = record("shape", BundleState::Staged);
        QCOMPARE(BundleId::fileName(r.bundleId),
                 QStringLiteral("bundle__sha256__") + r.cacheKey.hex() + QStringLiteral(".json"));
        const QByteArray json = r.toJson();
        QVERIFY(json.startsWith("{\n  \"bundle_id\": \"bundle:sha256:"));
        QVERIFY(json.contains("\"lifecycle_state\": \"Staged\"\n}\n"));
        auto back = BundleRecord::fromJson(json, QStringLiteral("t"));
        QVERIFY(back);
        QCOMPARE(back->toJson(), json);
    }

    void invalidIds()
    {
        const QStringList ids = {QStringLiteral("bundle:abc"), QStringLiteral("sha256:") + QString(64, u'a'),
                                 QStringLiteral("bundle:sha256:") + QString(64, u'A'), QString()};
        for (const QString& id : ids) {
            QCOMPARE(BundleId::parse(id).code(), ErrorCode::InvalidInput);
        }
        QTemporaryDir dir;
        QCOMPARE(BundleStore(dir.path()).stat(QStringLiteral("nope")).code(), ErrorCode::InvalidInput);
        QCOMPARE(BundleStore(dir.path()).stat(BundleId::forDigest(Sha256::hash("x"))).code(), ErrorCode::NotFound);
    }

    void strictIndex_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("name");
        const BundleRecord good = record("g", BundleState::Ready);
        const QString goodName = BundleId::fileName(good.bundleId);
        QTest::newRow("not json") << QByteArray("{") << QStringLiteral("x.json");
        QTest::newRow("unknown state") << QByteArray(good.toJson()).replace("Ready", "Running") << goodName;
        QTest::newRow("lowercase state") << QByteArray(good.toJson()).replace("Ready", "ready") << goodName;
        QTest::newRow("key mismatch")
            << QByteArray(good.toJson()).replace("\"cache_key\": \"sha256:", "\"cache_key\": \"sha256:0") << goodName;
        QTest::newRow("wrong file name") << good.toJson() << QStringLiteral("other.json");
        QTest::newRow("negative time") << QByteArray(good.toJson()).replace("1750000000", "-1") << goodName;
    }
    void strictIndex()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, name);
        QTemporaryDir dir;
        BundleStore store(dir.path());
        QVERIFY(store.write(record("fine", BundleState::Staged)));
        QFile f(store.directory() + u'/' + name);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        auto list = store.list();
        QVERIFY(!list);
        QCOMPARE(list.code(), ErrorCode::Cache);
        QVERIFY(list.message().startsWith(QLatin1String("cache error at `")));
    }

    void listIsSorted()
    {
        QTemporaryDir dir;
        BundleStore store(dir.path());
        for (const QByteArray s : {"c", "a", "b"}) {
            QVERIFY(store.write(record(s, BundleState::Inactive)));
        }
        auto list = store.list();
        QVERIFY(list);
        QCOMPARE(list->size(), 3);
        QVERIFY(list->at(0).bundleId < list->at(1).bundleId && list->at(1).bundleId < list->at(2).bundleId);
    }
};

QTEST_GUILESS_MAIN(TestBundle)
#include "tst_bundle.moc"
