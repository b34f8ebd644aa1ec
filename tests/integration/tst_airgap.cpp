// SPDX-License-Identifier: MIT
// Carrying a verified cache across an air gap: `cache export` to an OCI layout (directory or tar),
// `cache import` on the far side with no network, offline pulls by the original references, skopeo
// reading our layouts and us reading skopeo's, and layouts that must be refused. A real
// docker-registry serves the artifacts; every case runs the real greentic-dist binary.
#include "CliRunner.h"
#include "OciLayout.h"
#include "TestRegistry.h"
#include "TestWaits.h"

#include <core/Sha256.h>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

void copyTree(const QString& from, const QString& to)
{
    QDir().mkpath(to);
    QDirIterator it(from, QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString target = to + path.mid(from.size());
        if (it.fileInfo().isDir()) {
            QDir().mkpath(target);
        } else {
            QFile::copy(path, target);
        }
    }
}

// A tar by hand (ustar), so a test can put in it what no well-behaved tool writes.
struct TarMember
{
    QByteArray name;
    QByteArray data;
    char type = '0';
    QByteArray link;
};

TarMember member(const QByteArray& name, const QByteArray& data, char type = '0', const QByteArray& link = {})
{
    return TarMember{name, data, type, link};
}

QByteArray ustar(const QList<TarMember>& members)
{
    QByteArray out;
    for (const TarMember& m : members) {
        QByteArray h(512, '\0');
        auto put = [&h](int at, const QByteArray& v) { h.replace(at, v.size(), v); };
        put(0, m.name.left(99));
        put(100, QByteArrayLiteral("0000644"));
        put(108, QByteArrayLiteral("0000000"));
        put(116, QByteArrayLiteral("0000000"));
        put(124, QByteArray::number(qint64(m.data.size()), 8).rightJustified(11, '0'));
        put(136, QByteArrayLiteral("00000000000"));
        put(148, QByteArray(8, ' '));
        h[156] = m.type;
        put(157, m.link.left(99));
        put(257, QByteArrayLiteral("ustar"));
        put(263, QByteArrayLiteral("00"));
        unsigned sum = 0;
        for (char c : std::as_const(h)) {
            sum += static_cast<unsigned char>(c);
        }
        put(148, QByteArray::number(sum, 8).rightJustified(6, '0') + QByteArray("\0 ", 2));
        out += h + m.data;
        out += QByteArray((512 - m.data.size() % 512) % 512, '\0');
    }
    return out + QByteArray(1024, '\0');
}

} // namespace

class TestAirGap : public QObject
{
    Q_OBJECT

    TestRegistry m_registry;
    QTemporaryDir m_work;
    QByteArray m_component;
    QByteArray m_other;
    Digest m_manifest;
    Digest m_otherManifest;
    QString m_ref;
    QString m_otherRef;
    int m_caches = 0;
    QString m_exportDir;
    QString m_exportTar;

    CliRunner runner() { return CliRunner(m_work.filePath(QStringLiteral("cache-%1").arg(++m_caches))); }
    QString path(const QString& name) const { return m_work.filePath(name); }

    static QJsonObject json(const CliResult& r) { return QJsonDocument::fromJson(r.out).object(); }
    static int entries(const CliRunner& cli)
    {
        const CliResult r = cli.run({QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--json")});
        return int(QJsonDocument::fromJson(r.out).array().size());
    }
    // An offline pull that must hit, and the bytes it hands out.
    static QByteArray offlinePull(const CliRunner& cli, const QString& ref)
    {
        const CliResult r
            = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("pull"), ref});
        if (r.exitCode != 0) {
            qWarning("offline pull of %s failed: %s", qPrintable(ref), r.err.constData());
            return {};
        }
        const QJsonObject o = json(r);
        if (o.value(QStringLiteral("fetched")).toBool()) {
            return {};
        }
        return readAll(o.value(QStringLiteral("cache_path")).toString());
    }
    QString skopeo(const QStringList& args) const
    {
        QProcess p;
        p.start(QStringLiteral("skopeo"), args);
        if (!p.waitForFinished(scaled(120000)) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            return QString::fromUtf8(p.readAllStandardError()) + QStringLiteral(" (skopeo ") + args.join(u' ') + u')';
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString started = m_registry.start();
        if (!started.isEmpty()) {
            QFAIL(qPrintable(started));
        }
        m_component = QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(300000, 'c');
        m_other = QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(70000, 'o');
        for (const auto& [dir, repo, tag, bytes] :
             {std::tuple{QStringLiteral("l1"), QStringLiteral("org/comp"), QStringLiteral("1.0"), m_component},
              std::tuple{QStringLiteral("l2"), QStringLiteral("org/other"), QStringLiteral("2"), m_other}}) {
            const QString pushed = m_registry.pushComponent(path(dir), repo, tag, bytes);
            QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        }
        m_ref = m_registry.host() + QStringLiteral("/org/comp:1.0");
        m_otherRef = m_registry.host() + QStringLiteral("/org/other:2");

        // The connected side: a cache filled from the registry, exported both ways.
        const CliRunner online = runner();
        for (const QString& ref : {m_ref, m_otherRef}) {
            const CliResult r = online.run({QStringLiteral("pull"), ref});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        m_manifest
            = Digest::parse(QString::fromLatin1(online.run({QStringLiteral("resolve"), m_ref}).out.trimmed())).value();
        m_otherManifest
            = Digest::parse(QString::fromLatin1(online.run({QStringLiteral("resolve"), m_otherRef}).out.trimmed()))
                  .value();
        m_exportDir = path(QStringLiteral("export"));
        m_exportTar = path(QStringLiteral("export.tar"));
        CliResult r = online.run({QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("export"),
                                  QStringLiteral("--all"), QStringLiteral("--to"), m_exportDir});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject report = json(r);
        QCOMPARE(report.value(QStringLiteral("artifacts")).toArray().size(), 2);
        QCOMPARE(report.value(QStringLiteral("format")).toString(), QStringLiteral("oci"));
        // Each artifact: the layer, its manifest and its config.
        QVERIFY(report.value(QStringLiteral("bytes")).toInteger() > m_component.size() + m_other.size());
        r = online.run({QStringLiteral("cache"), QStringLiteral("export"), QStringLiteral("--all"),
                        QStringLiteral("--to"), m_exportTar});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("[2/2]"), r.err.constData()); // progress on stderr
    }

    void theLayoutNamesEachArtifactByItsReference()
    {
        QCOMPARE(readAll(m_exportDir + QStringLiteral("/oci-layout")),
                 QByteArray("{\"imageLayoutVersion\":\"1.0.0\"}"));
        const QJsonObject index
            = QJsonDocument::fromJson(readAll(m_exportDir + QStringLiteral("/index.json"))).object();
        QCOMPARE(index.value(QStringLiteral("schemaVersion")).toInt(), 2);
        QMap<QString, QString> names;
        for (const QJsonValue& v : index.value(QStringLiteral("manifests")).toArray()) {
            const QJsonObject d = v.toObject();
            names.insert(d.value(QStringLiteral("annotations"))
                             .toObject()
                             .value(QStringLiteral("org.opencontainers.image.ref.name"))
                             .toString(),
                         d.value(QStringLiteral("digest")).toString());
        }
        QCOMPARE(names.value(m_ref), m_manifest.toString());
        QCOMPARE(names.value(m_otherRef), m_otherManifest.toString());
        // The manifest is the registry's, byte for byte: its digest is the one the registry serves.
        QCOMPARE(Sha256::hash(readAll(m_exportDir + QStringLiteral("/blobs/sha256/") + m_manifest.hex())), m_manifest);
        QCOMPARE(readAll(m_exportDir + QStringLiteral("/blobs/sha256/") + Sha256::hash(m_component).hex()),
                 m_component);
        // Nothing of the staging is left beside it.
        const QStringList strays
            = QDir(m_work.path()).entryList({QStringLiteral(".export*")}, QDir::AllEntries | QDir::Hidden);
        QVERIFY2(strays.isEmpty(), qPrintable(strays.join(u' ')));
    }

    void roundTripWithoutNetwork_data()
    {
        QTest::addColumn<bool>("archive");
        QTest::newRow("directory") << false;
        QTest::newRow("tar") << true;
    }
    void roundTripWithoutNetwork()
    {
        QFETCH(bool, archive);
        const CliRunner site = runner();
        // Offline from the start: nothing here may touch the network.
        const CliResult r = site.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("cache"),
                                      QStringLiteral("import"), archive ? m_exportTar : m_exportDir});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value(QStringLiteral("artifacts")).toArray().size(), 2);
        QCOMPARE(offlinePull(site, m_ref), m_component);
        QCOMPARE(offlinePull(site, m_otherRef), m_other);
        QCOMPARE(offlinePull(site, m_registry.host() + QStringLiteral("/org/comp@") + m_manifest.toString()),
                 m_component);
        // A tag the layout did not carry is still refused offline.
        const CliResult unknown = site.run(
            {QStringLiteral("--offline"), QStringLiteral("pull"), m_registry.host() + QStringLiteral("/org/comp:9")});
        QCOMPARE(unknown.exitCode, 4);
        // Imported again, nothing is copied; exported again, the same manifests come out.
        const CliResult again = site.run({QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("import"),
                                          archive ? m_exportTar : m_exportDir});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(json(again).value(QStringLiteral("bytes")).toInteger(), 0);
        const QString reexport = path(QStringLiteral("reexport-%1").arg(m_caches));
        QCOMPARE(site.run({QStringLiteral("cache"), QStringLiteral("export"), QStringLiteral("--all"),
                           QStringLiteral("--to"), reexport})
                     .exitCode,
                 0);
        QCOMPARE(readAll(reexport + QStringLiteral("/index.json")),
                 readAll(m_exportDir + QStringLiteral("/index.json")));
    }

    void skopeoCopiesTheExportToARegistry()
    {
        // Directory and archive forms, each to a new repository; the registry must then serve the
        // very manifest we pulled.
        QString pushed = m_registry.push(m_exportDir, m_ref, QStringLiteral("copied/comp"), QStringLiteral("1.0"));
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        pushed = skopeo({QStringLiteral("copy"), QStringLiteral("--quiet"), QStringLiteral("--preserve-digests"),
                         QStringLiteral("--dest-tls-verify=false"),
                         QStringLiteral("oci-archive:%1:%2").arg(m_exportTar, m_otherRef),
                         QStringLiteral("docker://%1/copied/other:2").arg(m_registry.host())});
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        const CliRunner cli = runner();
        CliResult r = cli.run({QStringLiteral("resolve"), m_registry.host() + QStringLiteral("/copied/comp:1.0")});
        QCOMPARE(r.out.trimmed(), m_manifest.toString().toLatin1());
        r = cli.run({QStringLiteral("resolve"), m_registry.host() + QStringLiteral("/copied/other:2")});
        QCOMPARE(r.out.trimmed(), m_otherManifest.toString().toLatin1());
        r = cli.run(
            {QStringLiteral("--json"), QStringLiteral("pull"), m_registry.host() + QStringLiteral("/copied/comp:1.0")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(readAll(json(r).value(QStringLiteral("cache_path")).toString()), m_component);
    }

    void importsALayoutSkopeoWrote()
    {
        const QString dir = path(QStringLiteral("from-skopeo"));
        const QString copied
            = skopeo({QStringLiteral("copy"), QStringLiteral("--quiet"), QStringLiteral("--src-tls-verify=false"),
                      QStringLiteral("docker://%1").arg(m_ref), QStringLiteral("oci:%1:1.0").arg(dir)});
        QVERIFY2(copied.isEmpty(), qPrintable(copied));
        const CliRunner site = runner();
        // skopeo names the tag only: which repository it is must be said.
        CliResult r = site.run({QStringLiteral("--offline"), QStringLiteral("cache"), QStringLiteral("import"), dir});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--as"), r.err.constData());
        QCOMPARE(entries(site), 0);
        r = site.run({QStringLiteral("--offline"), QStringLiteral("cache"), QStringLiteral("import"), dir,
                      QStringLiteral("--as"), m_registry.host() + QStringLiteral("/org/comp")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(offlinePull(site, m_ref), m_component);
        QCOMPARE(offlinePull(site, m_registry.host() + QStringLiteral("/org/comp@") + m_manifest.toString()),
                 m_component);
    }

    void exportByLockfileOrDigest()
    {
        const CliRunner cli(m_work.filePath(QStringLiteral("cache-1"))); // the connected cache
        const QString lock = path(QStringLiteral("lock.json"));
        writeAll(lock,
                 QStringLiteral("[{\"reference\":\"oci://%1\",\"digest\":\"%2\"}]")
                     .arg(m_otherRef, m_otherManifest.toString())
                     .toUtf8());
        CliResult r
            = cli.run({QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("export"),
                       QStringLiteral("--lock"), lock, QStringLiteral("--to"), path(QStringLiteral("by-lock"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonArray artifacts = json(r).value(QStringLiteral("artifacts")).toArray();
        QCOMPARE(artifacts.size(), 1);
        QCOMPARE(artifacts.first().toObject().value(QStringLiteral("manifest_digest")).toString(),
                 m_otherManifest.toString());
        // By content digest.
        r = cli.run({QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("export"),
                     Sha256::hash(m_component).toString(), QStringLiteral("--to"),
                     path(QStringLiteral("by-digest.tar"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        artifacts = json(r).value(QStringLiteral("artifacts")).toArray();
        QCOMPARE(artifacts.size(), 1);
        QCOMPARE(artifacts.first().toObject().value(QStringLiteral("reference")).toString(), m_ref);
    }

    void exportNeverLeavesAHalfLayout()
    {
        const CliRunner cli(m_work.filePath(QStringLiteral("cache-1")));
        // An existing target is not overwritten.
        CliResult r = cli.run({QStringLiteral("cache"), QStringLiteral("export"), QStringLiteral("--all"),
                               QStringLiteral("--to"), m_exportDir});
        QCOMPARE(r.exitCode, 2);
        // Something asked for that is not there: nothing written.
        const QString target = path(QStringLiteral("never"));
        r = cli.run({QStringLiteral("cache"), QStringLiteral("export"), Sha256::hash("absent").toString(),
                     Sha256::hash(m_component).toString(), QStringLiteral("--to"), target});
        QCOMPARE(r.exitCode, 3);
        // A cache blob that changed size under the export: refused part-way, and no trace left.
        const CliRunner damaged = runner();
        QCOMPARE(damaged.run({QStringLiteral("pull"), m_ref}).exitCode, 0);
        QCOMPARE(damaged.run({QStringLiteral("pull"), m_otherRef}).exitCode, 0);
        const CliResult ls = damaged.run(
            {QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--long")});
        QString otherBlob;
        for (const QJsonValue& v : QJsonDocument::fromJson(ls.out).array()) {
            if (v.toObject().value(QStringLiteral("digest")).toString() == Sha256::hash(m_other).toString()) {
                otherBlob = v.toObject().value(QStringLiteral("local_path")).toString();
            }
        }
        QVERIFY(!otherBlob.isEmpty());
        QFile blob(otherBlob);
        QVERIFY(blob.open(QIODevice::Append));
        blob.write("x");
        blob.close();
        r = damaged.run({QStringLiteral("cache"), QStringLiteral("export"), Sha256::hash(m_component).toString(),
                         Sha256::hash(m_other).toString(), QStringLiteral("--to"), target});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("cache verify"), r.err.constData());
        QVERIFY(!QFileInfo::exists(target));
        const QStringList strays
            = QDir(m_work.path()).entryList({QStringLiteral(".never*")}, QDir::AllEntries | QDir::Hidden);
        QVERIFY2(strays.isEmpty(), qPrintable(strays.join(u' ')));
    }

    void gcCollectsWhatNoEntryReaches()
    {
        const CliRunner site = runner();
        QCOMPARE(site.run({QStringLiteral("cache"), QStringLiteral("import"), m_exportDir}).exitCode, 0);
        const QString kept = site.cacheDir() + QStringLiteral("/oci/blobs/sha256");
        const QString tags = site.cacheDir() + QStringLiteral("/index/tags");
        QCOMPARE(QDir(kept).entryList(QDir::Files).size(), 3); // two manifests and the shared empty config
        QCOMPARE(QDir(tags).entryList(QDir::Files).size(), 2);
        // Old enough to be collected, once nothing reaches them.
        QStringList old;
        for (const QString& name : QDir(kept).entryList(QDir::Files)) {
            old << kept + u'/' + name;
        }
        for (const QString& name : QDir(tags).entryList(QDir::Files)) {
            old << tags + u'/' + name;
        }
        for (const QString& name : std::as_const(old)) {
            QFile f(name);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(QDateTime::currentDateTimeUtc().addSecs(-7200), QFileDevice::FileModificationTime));
        }
        QCOMPARE(site.run({QStringLiteral("cache"), QStringLiteral("gc")}).exitCode, 0);
        QCOMPARE(QDir(kept).entryList(QDir::Files).size(), 3);
        QCOMPARE(site.run({QStringLiteral("cache"), QStringLiteral("rm"), Sha256::hash(m_other).toString()}).exitCode,
                 0);
        QCOMPARE(site.run({QStringLiteral("cache"), QStringLiteral("gc")}).exitCode, 0);
        QCOMPARE(QDir(kept).entryList(QDir::Files).size(), 2); // the other manifest went, the shared config stays
        QVERIFY(!QFileInfo::exists(kept + u'/' + m_otherManifest.hex()));
        QCOMPARE(QDir(tags).entryList(QDir::Files).size(), 1);
        QCOMPARE(offlinePull(site, m_ref), m_component);
    }

    void anIndexPulledForOnePlatformTravelsAndIsChecked()
    {
        // An index of two platforms; the pull takes one, the export stands it in for the index.
        OciLayout layout(path(QStringLiteral("index-layout")));
        const QByteArray wasm = QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(4000, 'w');
        const OciDescriptor a
            = layout.addManifest({layout.addBlob(wasm, QStringLiteral("application/vnd.wasm.component.v1+wasm"))}, {},
                                 QStringLiteral("application/vnd.greentic.component.v1"));
        const OciDescriptor b = layout.addManifest(
            {layout.addBlob(QByteArray(3000, 'x'), QStringLiteral("application/vnd.wasm.component.v1+wasm"))}, {},
            QStringLiteral("application/vnd.greentic.component.v1"));
        const OciDescriptor index
            = layout.addIndex({a, b},
                              {QJsonObject{{QStringLiteral("os"), QStringLiteral("wasip2")},
                                           {QStringLiteral("architecture"), QStringLiteral("wasm")}},
                               QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                           {QStringLiteral("architecture"), QStringLiteral("arm")}}});
        layout.tag(QStringLiteral("multi"), index);
        layout.finish();
        const QString pushed = m_registry.push(layout.dir(), QStringLiteral("multi"), QStringLiteral("org/multi"),
                                               QStringLiteral("1"), true);
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        const QString ref = m_registry.host() + QStringLiteral("/org/multi:1");
        const CliRunner online = runner();
        QCOMPARE(online.run({QStringLiteral("pull"), ref}).exitCode, 0);
        const QString dir = path(QStringLiteral("multi-export"));
        CliResult r = online.run(
            {QStringLiteral("cache"), QStringLiteral("export"), QStringLiteral("--all"), QStringLiteral("--to"), dir});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // Across the gap, the tag and the index digest both lead to the platform that was pulled.
        const CliRunner site = runner();
        r = site.run({QStringLiteral("--offline"), QStringLiteral("cache"), QStringLiteral("import"), dir});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(offlinePull(site, ref), wasm);
        QCOMPARE(offlinePull(site, m_registry.host() + QStringLiteral("/org/multi@") + index.digest.toString()), wasm);
        // A layout that claims another digest for its index is refused: it could otherwise make a
        // signed digest lead to content of its choosing.
        const QString forged = path(QStringLiteral("multi-forged"));
        copyTree(dir, forged);
        QByteArray indexJson = readAll(forged + QStringLiteral("/index.json"));
        QVERIFY(indexJson.contains(index.digest.toString().toLatin1()));
        indexJson.replace(index.digest.toString().toLatin1(), m_manifest.toString().toLatin1());
        writeAll(forged + QStringLiteral("/index.json"), indexJson);
        QFile::copy(dir + QStringLiteral("/blobs/sha256/") + index.digest.hex(),
                    forged + QStringLiteral("/blobs/sha256/") + m_manifest.hex());
        const CliRunner victim = runner();
        r = victim.run({QStringLiteral("--offline"), QStringLiteral("cache"), QStringLiteral("import"), forged});
        QVERIFY2(r.exitCode == 6 || r.exitCode == 2, r.err.constData());
        QCOMPARE(entries(victim), 0);
    }

    void refusesBadLayouts_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("says");
        QTest::newRow("layer tampered") << QStringLiteral("flip-layer") << 6 << QStringLiteral("hashes to");
        QTest::newRow("layer oversized") << QStringLiteral("grow-layer") << 6 << QStringLiteral("descriptor says");
        QTest::newRow("manifest tampered") << QStringLiteral("flip-manifest") << 6 << QStringLiteral("does not hash");
        QTest::newRow("config missing") << QStringLiteral("drop-config") << 2 << QStringLiteral("is missing");
        QTest::newRow("layer is a link") << QStringLiteral("link-layer") << 2 << QStringLiteral("symbolic link");
        QTest::newRow("blobs is a link") << QStringLiteral("link-blobs") << 2 << QStringLiteral("symbolic link");
        QTest::newRow("index not JSON") << QStringLiteral("bad-index") << 2 << QStringLiteral("index.json");
        QTest::newRow("no oci-layout") << QStringLiteral("drop-layout") << 2 << QStringLiteral("oci-layout");
        QTest::newRow("tar traversal") << QStringLiteral("tar-traversal") << 2 << QStringLiteral("unsafe name");
        QTest::newRow("tar absolute") << QStringLiteral("tar-absolute") << 2 << QStringLiteral("unsafe name");
        QTest::newRow("tar symlink") << QStringLiteral("tar-symlink") << 2 << QStringLiteral("link");
        QTest::newRow("tar hardlink") << QStringLiteral("tar-hardlink") << 2 << QStringLiteral("link");
    }
    void refusesBadLayouts()
    {
        QFETCH(QString, damage);
        QFETCH(int, exitCode);
        QFETCH(QString, says);
        const QString dir = path(QStringLiteral("bad-%1").arg(damage));
        copyTree(m_exportDir, dir);
        const QString blobs = dir + QStringLiteral("/blobs/sha256/");
        const QString layer = blobs + Sha256::hash(m_component).hex();
        QString from = dir;
        const QJsonObject manifest = QJsonDocument::fromJson(readAll(blobs + m_manifest.hex())).object();
        const QString config
            = manifest.value(QStringLiteral("config")).toObject().value(QStringLiteral("digest")).toString().mid(7);
        if (damage == u"flip-layer") {
            QByteArray bytes = readAll(layer);
            bytes[bytes.size() / 2] = 'X';
            writeAll(layer, bytes);
        } else if (damage == u"grow-layer") {
            writeAll(layer, m_component + "more");
        } else if (damage == u"flip-manifest") {
            QByteArray bytes = readAll(blobs + m_manifest.hex());
            bytes.replace("application/vnd.wasm.component.v1+wasm", "application/vnd.wasm.component.v1+wasX");
            writeAll(blobs + m_manifest.hex(), bytes);
        } else if (damage == u"drop-config") {
            QVERIFY(QFile::remove(blobs + config));
        } else if (damage == u"link-layer") {
            const QString elsewhere = path(QStringLiteral("elsewhere-layer"));
            QVERIFY(QFile::rename(layer, elsewhere));
            QVERIFY(QFile::link(elsewhere, layer));
        } else if (damage == u"link-blobs") {
            const QString elsewhere = path(QStringLiteral("elsewhere-blobs"));
            QVERIFY(QDir().rename(dir + QStringLiteral("/blobs"), elsewhere));
            QVERIFY(QFile::link(elsewhere, dir + QStringLiteral("/blobs")));
        } else if (damage == u"bad-index") {
            writeAll(dir + QStringLiteral("/index.json"), "{\"schemaVersion\": 2, \"manifests\": [{");
        } else if (damage == u"drop-layout") {
            QVERIFY(QFile::remove(dir + QStringLiteral("/oci-layout")));
        } else {
            // A tar of the good layout with one hostile member in front.
            QList<TarMember> members;
            if (damage == u"tar-traversal") {
                members.append(member("../../escaped", "boom"));
            } else if (damage == u"tar-absolute") {
                members.append(member("/tmp/escaped", "boom"));
            } else if (damage == u"tar-symlink") {
                members.append(member("blobs/sha256/" + Sha256::hash("x").hex().toLatin1(), {}, '2', "/etc/passwd"));
            } else {
                members.append(member("blobs/sha256/" + Sha256::hash("x").hex().toLatin1(), {}, '1', "oci-layout"));
            }
            members.append(member("oci-layout", readAll(dir + QStringLiteral("/oci-layout"))));
            members.append(member("index.json", readAll(dir + QStringLiteral("/index.json"))));
            QDirIterator it(blobs, QDir::Files);
            while (it.hasNext()) {
                const QString p = it.next();
                members.append(member("blobs/sha256/" + it.fileName().toLatin1(), readAll(p)));
            }
            from = dir + QStringLiteral(".tar");
            writeAll(from, ustar(members));
        }
        const CliRunner site = runner();
        const CliResult r
            = site.run({QStringLiteral("--offline"), QStringLiteral("cache"), QStringLiteral("import"), from});
        QVERIFY2(r.exitCode == exitCode, r.err.constData());
        QVERIFY2(r.err.contains(says.toUtf8()), r.err.constData());
        // Nothing of it is visible: no entry, and no offline answer for the tag.
        QCOMPARE(entries(site), 0);
        QCOMPARE(site.run({QStringLiteral("--offline"), QStringLiteral("pull"), m_ref}).exitCode, 4);
        QVERIFY(!QFileInfo::exists(path(QStringLiteral("escaped"))));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/escaped")));
    }
};

QTEST_GUILESS_MAIN(TestAirGap)
#include "tst_airgap.moc"
