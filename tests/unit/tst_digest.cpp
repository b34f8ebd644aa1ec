// SPDX-License-Identifier: MIT
#include <core/Digest.h>
#include <core/Sha256.h>

#include <QTemporaryDir>
#include <QTest>

using namespace dist;

class TestDigest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void knownVectors_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("hex");
        QTest::newRow("empty") << QByteArray()
                               << QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        QTest::newRow("abc") << QByteArray("abc")
                             << QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        QTest::newRow("448 bits") << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                                  << QStringLiteral("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
    void knownVectors()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, hex);
        QCOMPARE(Sha256::hash(input).hex(), hex);
    }

    void streamingEqualsOneShot()
    {
        QByteArray data;
        for (int i = 0; i < 100000; ++i) {
            data.append(static_cast<char>(i * 31 + 7));
        }
        Sha256 h;
        for (qsizetype off = 0; off < data.size(); off += 4093) {
            h.addData(data.constData() + off, std::min<qint64>(4093, data.size() - off));
        }
        QCOMPARE(h.finalize(), Sha256::hash(data));
        // finalize resets: the hasher is reusable
        h.addData("abc", 3);
        QCOMPARE(h.finalize().hex(),
                 QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void hashFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("f"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray big(3 * 1024 * 1024 + 17, 'x');
        f.write(big);
        f.close();
        qint64 size = 0;
        auto d = Sha256::hashFile(path, &size);
        QVERIFY(d);
        QCOMPARE(size, big.size());
        QCOMPARE(d.value(), Sha256::hash(big));
        auto missing = Sha256::hashFile(dir.filePath(QStringLiteral("nope")));
        QVERIFY(!missing);
        QCOMPARE(missing.code(), ErrorCode::NotFound);
    }

    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("strictOk");
        QTest::addColumn<bool>("lenientOk");
        const QString hex = QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        QTest::newRow("canonical") << QStringLiteral("sha256:") + hex << true << true;
        QTest::newRow("bare hex") << hex << false << true;
        QTest::newRow("uppercase") << QStringLiteral("sha256:") + hex.toUpper() << false << false;
        QTest::newRow("short") << QStringLiteral("sha256:abc") << false << false;
        QTest::newRow("long") << QStringLiteral("sha256:") + hex + u'0' << false << false;
        QTest::newRow("sha512") << QStringLiteral("sha512:") + hex << false << false;
        QTest::newRow("non-hex") << QStringLiteral("sha256:") + hex.left(63) + u'g' << false << false;
        QTest::newRow("empty") << QString() << false << false;
        QTest::newRow("prefix only") << QStringLiteral("sha256:") << false << false;
    }
    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, strictOk);
        QFETCH(bool, lenientOk);
        QCOMPARE(Digest::parse(text).ok(), strictOk);
        QCOMPARE(Digest::parseLenient(text).ok(), lenientOk);
        if (strictOk) {
            QCOMPARE(Digest::parse(text)->toString(), text);
        }
        if (!strictOk) {
            QCOMPARE(Digest::parse(text).code(), ErrorCode::InvalidInput);
        }
    }
};

QTEST_GUILESS_MAIN(TestDigest)
#include "tst_digest.moc"
