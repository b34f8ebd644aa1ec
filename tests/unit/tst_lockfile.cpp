// SPDX-License-Identifier: MIT
#include <ref/Lockfile.h>

#include <QTemporaryDir>
#include <QTest>

using namespace dist;

namespace {
const QString kDigest = QStringLiteral("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class TestLockfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void arrayOfStringsAndObjects()
    {
        const QByteArray json = "[\"ghcr.io/o/a:1\", {\"reference\": \"ghcr.io/o/b:2\", \"digest\": \""
            + kDigest.toUtf8()
            + "\", \"name\": \"b\", \"signature\": \"ZXk=\", \"extra\": true}, {\"ref\": \"./c.wasm\"}, {\"digest\": \""
            + kDigest.toUtf8() + "\"}]";
        auto r = Lockfile::parse(json);
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(r->size(), 4);
        QCOMPARE(r->at(0).reference, QStringLiteral("ghcr.io/o/a:1"));
        QVERIFY(r->at(0).digest.isNull());
        QCOMPARE(r->at(1).reference, QStringLiteral("ghcr.io/o/b:2"));
        QCOMPARE(r->at(1).digest.toString(), kDigest);
        QCOMPARE(r->at(1).name, QStringLiteral("b"));
        QCOMPARE(r->at(1).signature, QStringLiteral("ZXk="));
        QCOMPARE(r->at(2).reference, QStringLiteral("./c.wasm"));
        QVERIFY(r->at(3).reference.isEmpty());
        QCOMPARE(r->at(3).digest.toString(), kDigest);
    }

    void referenceWinsOverRef()
    {
        auto r = Lockfile::parse("[{\"reference\": \"a.io/x/a\", \"ref\": \"b.io/x/b\"}]");
        QVERIFY(r);
        QCOMPARE(r->first().reference, QStringLiteral("a.io/x/a"));
    }

    void objectShape()
    {
        auto r = Lockfile::parse("{\"schema_version\": 1, \"components\": [{\"name\": \"hello\", \"ref\": "
                                 "\"/abs/hello.wasm\", \"digest\": \""
                                 + kDigest.toUtf8() + "\"}]}");
        QVERIFY(r);
        QCOMPARE(r->size(), 1);
        QCOMPARE(r->first().reference, QStringLiteral("/abs/hello.wasm"));
        auto empty = Lockfile::parse("{\"schema_version\": 3}");
        QVERIFY(empty);
        QVERIFY(empty->isEmpty());
        QVERIFY(Lockfile::parse("[]")->isEmpty());
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("not json") << QByteArray("nope");
        QTest::newRow("truncated") << QByteArray("[\"a\"");
        QTest::newRow("number") << QByteArray("42");
        QTest::newRow("entry number") << QByteArray("[1]");
        QTest::newRow("entry null") << QByteArray("[null]");
        QTest::newRow("components not array") << QByteArray("{\"components\": {}}");
        QTest::newRow("schema string") << QByteArray("{\"schema_version\": \"1\", \"components\": []}");
        QTest::newRow("schema negative") << QByteArray("{\"schema_version\": -1, \"components\": []}");
        QTest::newRow("ref not string") << QByteArray("[{\"ref\": 5}]");
        QTest::newRow("digest invalid") << QByteArray("[{\"ref\": \"a.io/x\", \"digest\": \"sha256:abc\"}]");
        QTest::newRow("digest uppercase")
            << ("[{\"ref\": \"a.io/x\", \"digest\": \"" + kDigest.toUpper().toUtf8() + "\"}]");
        QTest::newRow("missing ref") << QByteArray("[{\"name\": \"x\"}]");
        QTest::newRow("empty object") << QByteArray("[{}]");
        QTest::newRow("empty string") << QByteArray("[\"\"]");
    }
    void malformed()
    {
        QFETCH(QByteArray, json);
        auto r = Lockfile::parse(json);
        QVERIFY(!r);
        QCOMPARE(r.code(), ErrorCode::InvalidInput);
        QVERIFY2(r.message().startsWith(QLatin1String("invalid lockfile: "))
                     || r.message().startsWith(QLatin1String("invalid input: ")),
                 qPrintable(r.message()));
    }

    void loadMissingFileIsNotFound()
    {
        QTemporaryDir dir;
        auto r = Lockfile::load(dir.filePath(QStringLiteral("missing.lock.json")));
        QVERIFY(!r);
        QCOMPARE(r.code(), ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestLockfile)
#include "tst_lockfile.moc"
