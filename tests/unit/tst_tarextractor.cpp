// SPDX-License-Identifier: MIT
// Safe tar extraction of archives made by the system's tar (plain, gzip, zstd): what a layer holds
// arrives intact, unsafe bits are dropped, limits hold, and a refused layer leaves nothing behind.
// (The hostile archives live in tests/corpus/tar and run through the CLI in tst_corpus.)
#include "TestWaits.h"

#include <extract/TarExtractor.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace dist;

namespace {

void writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestTarExtractor : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString& rel) const { return m_dir.filePath(rel); }

    // tar -C src <flags> -cf out .
    QString makeTar(const QString& name, const QStringList& flags)
    {
        const QString out = path(name);
        QProcess tar;
        tar.start(QStringLiteral("tar"),
                  QStringList{QStringLiteral("-C"), path(QStringLiteral("src"))} + flags
                      + QStringList{QStringLiteral("-cf"), out, QStringLiteral(".")});
        if (!tar.waitForFinished(dist::test::scaled(30000)) || tar.exitCode() != 0) {
            qWarning("%s", tar.readAllStandardError().constData());
            return {};
        }
        return out;
    }

    QStringList siblings(const QString& dir) const
    {
        return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    }

private Q_SLOTS:
    void initTestCase()
    {
        writeFile(path(QStringLiteral("src/readme.txt")), "hello layer\n");
        writeFile(path(QStringLiteral("src/bin/tool.wasm")),
                  QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(70000, 't'));
        writeFile(path(QStringLiteral("src/setuid.sh")), "#!/bin/sh\n");
        QVERIFY(::chmod(QFile::encodeName(path(QStringLiteral("src/setuid.sh"))).constData(), 04777) == 0);
        QVERIFY(QFile::link(QStringLiteral("../readme.txt"), path(QStringLiteral("src/bin/readme-link"))));
        QVERIFY(::link(QFile::encodeName(path(QStringLiteral("src/readme.txt"))).constData(),
                       QFile::encodeName(path(QStringLiteral("src/hard.txt"))).constData())
                == 0);
        QDir().mkpath(path(QStringLiteral("src/empty-dir")));
    }

    void extractsWhatTheLayerHolds_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::newRow("plain") << QStringList();
        QTest::newRow("gzip") << QStringList{QStringLiteral("-z")};
        QTest::newRow("zstd") << QStringList{QStringLiteral("--zstd")};
        QTest::newRow("pax") << QStringList{QStringLiteral("--format=pax")};
    }

    void extractsWhatTheLayerHolds()
    {
        QFETCH(QStringList, flags);
        const QString archive
            = makeTar(QStringLiteral("layer-%1.tar").arg(QString::fromLatin1(QTest::currentDataTag())), flags);
        QVERIFY(!archive.isEmpty());
        const QString out = path(QStringLiteral("out-%1").arg(QString::fromLatin1(QTest::currentDataTag())));
        const auto report = TarExtractor::extractFile(archive, out);
        QVERIFY2(report, qPrintable(report ? QString() : report.message()));
        QCOMPARE(report->files, 4); // readme, tool.wasm, setuid.sh, hard.txt
        QCOMPARE(report->symlinks, 1);
        QCOMPARE(report->directories, 2);
        QCOMPARE(readFile(out + QStringLiteral("/bin/tool.wasm")), readFile(path(QStringLiteral("src/bin/tool.wasm"))));
        QCOMPARE(readFile(out + QStringLiteral("/hard.txt")), QByteArray("hello layer\n"));
        QCOMPARE(QFileInfo(out + QStringLiteral("/bin/readme-link")).symLinkTarget(),
                 QFileInfo(out + QStringLiteral("/readme.txt")).absoluteFilePath());
        QVERIFY(QFileInfo(out + QStringLiteral("/empty-dir")).isDir());
        // setuid and world-writable bits never survive extraction.
        struct stat st = {};
        QVERIFY(::stat(QFile::encodeName(out + QStringLiteral("/setuid.sh")).constData(), &st) == 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0755));
        QCOMPARE(siblings(m_dir.path()).filter(QStringLiteral(".extract-")), QStringList());
    }

    void directoriesMayComeAfterTheirContents()
    {
        // `tar cf x.tar d/x d` lists the directory after its file, and archives may repeat a directory.
        QTemporaryDir work;
        writeFile(work.filePath(QStringLiteral("d/x")), "x");
        QProcess tar;
        tar.start(QStringLiteral("tar"),
                  {QStringLiteral("-C"), work.path(), QStringLiteral("--no-recursion"), QStringLiteral("-cf"),
                   work.filePath(QStringLiteral("late.tar")), QStringLiteral("d/x"), QStringLiteral("d"),
                   QStringLiteral("d")});
        QVERIFY(tar.waitForFinished(dist::test::scaled(30000)));
        QCOMPARE(tar.exitCode(), 0);
        const auto r
            = TarExtractor::extractFile(work.filePath(QStringLiteral("late.tar")), path(QStringLiteral("late")));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(readFile(path(QStringLiteral("late/d/x"))), QByteArray("x"));
        // But a file may not replace a directory that an earlier entry created implicitly.
        tar.start(QStringLiteral("tar"),
                  {QStringLiteral("-C"), work.path(), QStringLiteral("--no-recursion"), QStringLiteral("-cf"),
                   work.filePath(QStringLiteral("clash.tar")), QStringLiteral("d/x")});
        QVERIFY(tar.waitForFinished(dist::test::scaled(30000)));
        writeFile(work.filePath(QStringLiteral("f")), "f");
        tar.start(QStringLiteral("tar"),
                  {QStringLiteral("-C"), work.path(), QStringLiteral("--no-recursion"),
                   QStringLiteral("--transform=s|^f$|d|"), QStringLiteral("-rf"),
                   work.filePath(QStringLiteral("clash.tar")), QStringLiteral("f")});
        QVERIFY(tar.waitForFinished(dist::test::scaled(30000)));
        QCOMPARE(tar.exitCode(), 0);
        const auto clash
            = TarExtractor::extractFile(work.filePath(QStringLiteral("clash.tar")), path(QStringLiteral("clash")));
        QCOMPARE(clash.code(), ErrorCode::Integrity);
        QVERIFY2(clash.message().contains(QStringLiteral("replaces an earlier directory")),
                 qPrintable(clash.message()));
    }

    void destinationMustNotExist()
    {
        const QString archive = makeTar(QStringLiteral("exists.tar"), {});
        const QString out = path(QStringLiteral("already-there"));
        writeFile(out + QStringLiteral("/keep.txt"), "mine");
        const auto r = TarExtractor::extractFile(archive, out);
        QCOMPARE(r.code(), ErrorCode::InvalidInput);
        QCOMPARE(siblings(out), QStringList{QStringLiteral("keep.txt")});
        QCOMPARE(TarExtractor::extractFile(path(QStringLiteral("missing.tar")), path(QStringLiteral("x"))).code(),
                 ErrorCode::NotFound);
    }

    void refusedLayerLeavesNothing()
    {
        // Good entries first, then one that escapes: nothing of the good ones may remain.
        QTemporaryDir work;
        writeFile(work.filePath(QStringLiteral("a/ok1.txt")), "1");
        writeFile(work.filePath(QStringLiteral("a/ok2.txt")), "2");
        writeFile(work.filePath(QStringLiteral("evil.txt")), "evil");
        QProcess tar;
        // --transform keeps the member name `a/../../evil.txt` in the archive.
        tar.start(QStringLiteral("tar"),
                  {QStringLiteral("-C"), work.path(), QStringLiteral("--transform=s|^evil.txt|a/../../evil.txt|"),
                   QStringLiteral("-cf"), work.filePath(QStringLiteral("bad.tar")), QStringLiteral("a"),
                   QStringLiteral("evil.txt")});
        QVERIFY(tar.waitForFinished(dist::test::scaled(30000)));
        QCOMPARE(tar.exitCode(), 0);
        const QString parent = path(QStringLiteral("refused"));
        QDir().mkpath(parent);
        const auto r
            = TarExtractor::extractFile(work.filePath(QStringLiteral("bad.tar")), parent + QStringLiteral("/out"));
        QCOMPARE(r.code(), ErrorCode::Integrity);
        QVERIFY2(r.message().contains(QStringLiteral("escapes the destination")), qPrintable(r.message()));
        QCOMPARE(siblings(parent), QStringList());
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("evil.txt"))));
    }

    void limits()
    {
        const QString archive = makeTar(QStringLiteral("limits.tar.gz"), {QStringLiteral("-z")});
        ExtractLimits small;
        small.maxBytes = 1000; // tool.wasm alone is 70 kB
        auto r = TarExtractor::extractFile(archive, path(QStringLiteral("limit-bytes")), small);
        QCOMPARE(r.code(), ErrorCode::Integrity);
        QVERIFY2(r.message().contains(QStringLiteral("more than 1000 bytes")), qPrintable(r.message()));
        ExtractLimits few;
        few.maxEntries = 3;
        r = TarExtractor::extractFile(archive, path(QStringLiteral("limit-entries")), few);
        QCOMPARE(r.code(), ErrorCode::Integrity);
        QVERIFY(r.message().contains(QStringLiteral("more than 3 entries")));
        // A highly compressible file trips the ratio check once past the grace size.
        writeFile(path(QStringLiteral("zeros/z.bin")), QByteArray(4 << 20, '\0'));
        QProcess tar;
        tar.start(QStringLiteral("tar"),
                  {QStringLiteral("-C"), path(QStringLiteral("zeros")), QStringLiteral("-czf"),
                   path(QStringLiteral("zeros.tar.gz")), QStringLiteral(".")});
        QVERIFY(tar.waitForFinished(dist::test::scaled(30000)));
        ExtractLimits ratio;
        ratio.ratioGraceBytes = 1 << 20;
        r = TarExtractor::extractFile(path(QStringLiteral("zeros.tar.gz")), path(QStringLiteral("limit-ratio")), ratio);
        QCOMPARE(r.code(), ErrorCode::Integrity);
        QVERIFY2(r.message().contains(QStringLiteral("compression bomb")), qPrintable(r.message()));
        // The same archive is fine with the default grace (4 MiB of zeros is not a bomb).
        QVERIFY(TarExtractor::extractFile(path(QStringLiteral("zeros.tar.gz")), path(QStringLiteral("zeros-out"))));
        QCOMPARE(QFileInfo(path(QStringLiteral("zeros-out/z.bin"))).size(), qint64(4 << 20));
    }
};

QTEST_GUILESS_MAIN(TestTarExtractor)
#include "tst_tarextractor.moc"
