// SPDX-License-Identifier: MIT
// The pull path against a real CNCF distribution registry on loopback, with fixtures pushed by
// skopeo from OCI layouts generated here. Every case runs the real greentic-dist binary.
#include "CliRunner.h"
#include "FaultProxy.h"
#include "OciLayout.h"
#include "TestRegistry.h"
#include "TestWaits.h"
#include "ThrottleProxy.h"

#include <cache/Cache.h>
#include <core/Sha256.h>
#include <sources/BlobFetches.h>

#include <QDir>
#include <QFile>
#include <QFileSystemWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace dist;
using namespace dist::test;

namespace {

QByteArray patterned(qint64 size, int seed)
{
    QByteArray b(size, Qt::Uninitialized);
    quint32 x = 2463534242u + static_cast<quint32>(seed);
    for (qint64 i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = static_cast<char>(x);
    }
    return b;
}

QByteArray tarball(const QString& dir, const QString& compressor)
{
    QProcess tar;
    QStringList args{QStringLiteral("-C"), dir, QStringLiteral("-cf"), QStringLiteral("-")};
    if (!compressor.isEmpty()) {
        args.prepend(QStringLiteral("--use-compress-program=") + compressor);
    }
    args << QStringLiteral(".");
    tar.start(QStringLiteral("tar"), args);
    tar.waitForFinished(scaled(60000));
    return tar.readAllStandardOutput();
}

} // namespace

class TestRegistryPull : public QObject
{
    Q_OBJECT

    TestRegistry m_registry;
    QTemporaryDir m_work;
    QString m_layout;
    OciDescriptor m_componentManifest;
    OciDescriptor m_componentLayer;
    OciDescriptor m_gzipLayer;
    OciDescriptor m_zstdLayer;
    OciDescriptor m_index;
    OciDescriptor m_indexedLayer;
    OciDescriptor m_riscvLayer;
    OciDescriptor m_bigLayer;
    OciDescriptor m_corruptLayer;
    QByteArray m_componentBytes;
    QByteArray m_bigBytes;

    QString ref(const QString& repoAndTag) const { return m_registry.host() + u'/' + repoAndTag; }

    CliRunner runner(const QString& name) const { return CliRunner(m_work.filePath(QStringLiteral("cache-") + name)); }

    // Waits for a started process while the test's event loop keeps running (the proxy needs it).
    static CliResult await(QProcess& p, int timeoutMs = 120000)
    {
        if (p.state() != QProcess::NotRunning) {
            QSignalSpy finished(&p, &QProcess::finished);
            finished.wait(scaled(timeoutMs));
        }
        return CliRunner::collect(p, 1000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString started = m_registry.start();
        if (!started.isEmpty()) {
            QFAIL(qPrintable(started));
        }
        m_layout = m_work.filePath(QStringLiteral("layout"));
        OciLayout layout(m_layout);

        m_componentBytes = QByteArray("\0asm\x0d\0\x01\0", 8) + patterned(4096, 1);
        m_componentLayer = layout.addBlob(m_componentBytes, QStringLiteral("application/vnd.wasm.component.v1+wasm"));
        m_componentManifest
            = layout.addManifest({m_componentLayer}, {{QStringLiteral("issuer"), QStringLiteral("tests")}},
                                 QStringLiteral("application/vnd.greentic.component.v1"));
        layout.tag(QStringLiteral("component"), m_componentManifest);

        // Packs: a directory tarred with gzip and with zstd, with a README layer next to it.
        QTemporaryDir packDir;
        QDir().mkpath(packDir.filePath(QStringLiteral("bundle")));
        QFile manifest(packDir.filePath(QStringLiteral("bundle/manifest.json")));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write(R"({"name":"zain-x"})");
        manifest.close();
        QFile data(packDir.filePath(QStringLiteral("bundle/data.bin")));
        QVERIFY(data.open(QIODevice::WriteOnly));
        data.write(patterned(200000, 2));
        data.close();
        const QByteArray gz = tarball(packDir.path(), QStringLiteral("gzip"));
        const QByteArray zst = tarball(packDir.path(), QStringLiteral("zstd"));
        QVERIFY(gz.size() > 100 && zst.size() > 100);
        QVERIFY(gz.startsWith("\x1f\x8b"));
        QVERIFY(zst.startsWith("\x28\xb5\x2f\xfd"));
        m_gzipLayer = layout.addBlob(gz, QStringLiteral("application/vnd.greentic.bundle.v1+tar+gzip"));
        m_zstdLayer = layout.addBlob(zst, QStringLiteral("application/vnd.greentic.bundle.v1+tar+zstd"));
        // A README next to the tarball: the tarball is the pack, not the README.
        const OciDescriptor readme = layout.addBlob("# zain-x\n", QStringLiteral("text/markdown"));
        const OciDescriptor gzManifest = layout.addManifest({readme, m_gzipLayer});

        const OciDescriptor zstManifest = layout.addManifest({m_zstdLayer});
        layout.tag(QStringLiteral("gzip"), gzManifest);
        layout.tag(QStringLiteral("zstd"), zstManifest);

        // An index with two platforms; the host's must be chosen.
        m_riscvLayer = layout.addBlob(patterned(777, 3), QStringLiteral("application/wasm"));
        m_indexedLayer = layout.addBlob(patterned(999, 4), QStringLiteral("application/wasm"));
        const OciDescriptor otherManifest = layout.addManifest({m_riscvLayer});
        const OciDescriptor hostManifest = layout.addManifest({m_indexedLayer});
        m_index = layout.addIndex({otherManifest, hostManifest},
                                  {QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                               {QStringLiteral("architecture"), QStringLiteral("riscv64")}},
                                   QJsonObject{{QStringLiteral("os"), QStringLiteral("linux")},
                                               {QStringLiteral("architecture"), hostOciArchitecture()}}});
        layout.tag(QStringLiteral("index"), m_index);

        // A bigger blob for resume and concurrency, and one we will corrupt in storage.
        m_bigBytes = patterned(24 * 1024 * 1024, 5);
        m_bigLayer = layout.addBlob(m_bigBytes, QStringLiteral("application/octet-stream"));
        layout.tag(QStringLiteral("big"), layout.addManifest({m_bigLayer}));
        m_corruptLayer = layout.addBlob(patterned(50000, 6), QStringLiteral("application/wasm"));
        layout.tag(QStringLiteral("corrupt"), layout.addManifest({m_corruptLayer}));
        layout.finish();

        for (const auto& [tag, repo] : {std::pair{QStringLiteral("component"), QStringLiteral("components/hello")},
                                        std::pair{QStringLiteral("gzip"), QStringLiteral("packs/zain-x")},
                                        std::pair{QStringLiteral("zstd"), QStringLiteral("packs/zain-x")},
                                        std::pair{QStringLiteral("big"), QStringLiteral("blobs/big")},
                                        std::pair{QStringLiteral("corrupt"), QStringLiteral("blobs/corrupt")}}) {
            const QString pushed = m_registry.push(m_layout, tag, repo);
            QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        }
        const QString pushed = m_registry.push(m_layout, QStringLiteral("index"), QStringLiteral("components/multi"),
                                               QStringLiteral("1.0"), true);
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
    }

    void resolveTagGivesManifestDigest()
    {
        const CliResult r = runner(QStringLiteral("resolve"))
                                .run({QStringLiteral("resolve"), ref(QStringLiteral("components/hello:component"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out, (m_componentManifest.digest.toString() + u'\n').toUtf8());
        const CliResult oci = runner(QStringLiteral("resolve"))
                                  .run({QStringLiteral("resolve"),
                                        QStringLiteral("oci://") + ref(QStringLiteral("components/hello:component")),
                                        QStringLiteral("--json")});
        QCOMPARE(oci.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(oci.out).object();
        QCOMPARE(o.value(QStringLiteral("digest")).toString(), m_componentManifest.digest.toString());
        // resolve downloads no blob
        QVERIFY(Cache(runner(QStringLiteral("resolve")).cacheDir()).digests().isEmpty());
    }

    void pullComponent()
    {
        const CliRunner cli = runner(QStringLiteral("component"));
        const CliResult r = cli.run(
            {QStringLiteral("pull"), ref(QStringLiteral("components/hello:component")), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("digest")).toString(), m_componentManifest.digest.toString());
        QCOMPARE(o.value(QStringLiteral("fetched")).toBool(), true);
        const QString path = o.value(QStringLiteral("cache_path")).toString();
        QFile blob(path);
        QVERIFY(blob.open(QIODevice::ReadOnly));
        QCOMPARE(blob.readAll(), m_componentBytes);
        auto entry = Cache(cli.cacheDir()).stat(m_componentLayer.digest);
        QVERIFY(entry);
        QCOMPARE(entry->artifactType, ArtifactType::Component);
        QCOMPARE(entry->mediaType, QStringLiteral("application/vnd.wasm.component.v1+wasm"));
        QCOMPARE(entry->manifestDigest, m_componentManifest.digest.toString());
        QCOMPARE(entry->canonicalRef,
                 QStringLiteral("oci://%1/components/hello@%2")
                     .arg(m_registry.host(), m_componentManifest.digest.toString()));
        QCOMPARE(entry->annotations.value(QStringLiteral("issuer")), QStringLiteral("tests"));
        QCOMPARE(entry->sourceKind, QStringLiteral("Oci"));

        // Pinned by manifest digest: a cache hit, offline too, without the network.
        const QString pinned = ref(QStringLiteral("components/hello@")) + m_componentManifest.digest.toString();
        const CliResult offline = cli.run({QStringLiteral("--offline"), QStringLiteral("pull"), pinned});
        QVERIFY2(offline.exitCode == 0, offline.err.constData());
        QCOMPARE(offline.out, (path + u'\n').toUtf8());
        const CliResult resolveOffline = cli.run({QStringLiteral("resolve"), pinned, QStringLiteral("--offline")});
        QCOMPARE(resolveOffline.out, (m_componentManifest.digest.toString() + u'\n').toUtf8());
        // By tag offline: exit 4.
        const CliResult tagOffline = cli.run(
            {QStringLiteral("pull"), ref(QStringLiteral("components/hello:component")), QStringLiteral("--offline")});
        QCOMPARE(tagOffline.exitCode, 4);
        QVERIFY(tagOffline.err.contains("offline mode forbids fetching"));
        // A pinned digest that is not cached, offline: also 4.
        const CliResult missOffline
            = cli.run({QStringLiteral("pull"), ref(QStringLiteral("components/hello@")) + Sha256::hash("x").toString(),
                       QStringLiteral("--offline")});
        QCOMPARE(missOffline.exitCode, 4);
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("verify")}).exitCode, 0);
    }

    void pullPacks_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("mediaType");
        QTest::newRow("tar+gzip") << QStringLiteral("gzip")
                                  << QStringLiteral("application/vnd.greentic.bundle.v1+tar+gzip");
        QTest::newRow("tar+zstd") << QStringLiteral("zstd")
                                  << QStringLiteral("application/vnd.greentic.bundle.v1+tar+zstd");
    }
    void pullPacks()
    {
        QFETCH(QString, tag);
        QFETCH(QString, mediaType);
        const CliRunner cli = runner(QStringLiteral("pack-") + tag);
        const CliResult r = cli.run({QStringLiteral("pull"), ref(QStringLiteral("packs/zain-x:") + tag)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const OciDescriptor& layer = tag == u"gzip" ? m_gzipLayer : m_zstdLayer;
        auto entry = Cache(cli.cacheDir()).stat(layer.digest);
        QVERIFY(entry);
        QCOMPARE(entry->mediaType, mediaType);
        QCOMPARE(entry->artifactType, ArtifactType::Bundle);
        QCOMPARE(entry->sizeBytes, layer.size);
        QCOMPARE(Sha256::hashFile(QString::fromUtf8(r.out.trimmed())).value(), layer.digest);
        // the bytes are a readable tarball with the bundle inside
        QProcess tar;
        tar.start(QStringLiteral("tar"), {QStringLiteral("-tf"), QString::fromUtf8(r.out.trimmed())});
        QVERIFY(tar.waitForFinished(scaled(30000)));
        QVERIFY(tar.readAllStandardOutput().contains("bundle/manifest.json"));
    }

    void localTarballsAreTypedByContent_data()
    {
        QTest::addColumn<QString>("compressor");
        QTest::addColumn<QString>("suffix");
        QTest::addColumn<QString>("packType");
        QTest::addColumn<QString>("bundleType");
        QTest::newRow("tar.gz") << QStringLiteral("gzip") << QStringLiteral(".tar.gz")
                                << QStringLiteral("application/vnd.greentic.pack.v1+tar+gzip")
                                << QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip");
        QTest::newRow("tgz") << QStringLiteral("gzip") << QStringLiteral(".tgz")
                             << QStringLiteral("application/vnd.greentic.pack.v1+tar+gzip")
                             << QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip");
        QTest::newRow("tar.zst") << QStringLiteral("zstd") << QStringLiteral(".tar.zst")
                                 << QStringLiteral("application/vnd.greentic.pack.v1+tar+zstd")
                                 << QStringLiteral("application/vnd.oci.image.layer.v1.tar+zstd");
        QTest::newRow("tar") << QString() << QStringLiteral(".tar")
                             << QStringLiteral("application/vnd.greentic.pack.v1+tar")
                             << QStringLiteral("application/vnd.oci.image.layer.v1.tar");
    }
    void localTarballsAreTypedByContent()
    {
        QFETCH(QString, compressor);
        QFETCH(QString, suffix);
        QFETCH(QString, packType);
        QFETCH(QString, bundleType);
        auto tree = [](const QString& root, const QMap<QString, QByteArray>& files) {
            for (auto it = files.begin(); it != files.end(); ++it) {
                QDir().mkpath(QFileInfo(root + u'/' + it.key()).absolutePath());
                QFile f(root + u'/' + it.key());
                if (!f.open(QIODevice::WriteOnly) || f.write(it.value()) != it.value().size()) {
                    return false;
                }
            }
            return true;
        };
        QTemporaryDir packDir;
        QVERIFY(tree(packDir.path(),
                     {{QStringLiteral("pack.yaml"), "name: local-pack\nversion: 1.0.0\n"},
                      {QStringLiteral("flows/main.yaml"), "steps: []\n"}}));
        QTemporaryDir bundleDir; // a pack.yaml below the top level does not make a pack
        QVERIFY(tree(bundleDir.path(),
                     {{QStringLiteral("bundle/manifest.json"), R"({"name":"b"})"},
                      {QStringLiteral("bundle/pack.yaml"), "name: nested\n"}}));
        const CliRunner cli = runner(QStringLiteral("local-") + QString::fromLatin1(QTest::currentDataTag()));
        const struct
        {
            QString dir;
            QString name;
            QString mediaType;
            ArtifactType type;
        } cases[] = {{packDir.path(), QStringLiteral("local-pack"), packType, ArtifactType::Pack},
                     {bundleDir.path(), QStringLiteral("local-bundle"), bundleType, ArtifactType::Bundle}};
        for (const auto& c : cases) {
            const QByteArray bytes = tarball(c.dir, compressor);
            QVERIFY(bytes.size() > 100);
            const QString file = m_work.filePath(c.name + QString::fromLatin1(QTest::currentDataTag()) + suffix);
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
            f.close();
            const CliResult r = cli.run({QStringLiteral("pull"), file});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            auto entry = Cache(cli.cacheDir()).stat(Sha256::hash(bytes));
            QVERIFY2(entry, qPrintable(entry ? QString() : entry.message()));
            QCOMPARE(entry->mediaType, c.mediaType);
            QCOMPARE(entry->artifactType, c.type);
        }
    }

    void pullThroughIndex()
    {
        const CliRunner cli = runner(QStringLiteral("index"));
        const CliResult resolved = cli.run({QStringLiteral("resolve"), ref(QStringLiteral("components/multi:1.0"))});
        QCOMPARE(resolved.exitCode, 0);
        QCOMPARE(resolved.out, (m_index.digest.toString() + u'\n').toUtf8());
        const CliResult r = cli.run({QStringLiteral("pull"), ref(QStringLiteral("components/multi:1.0"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(Sha256::hashFile(QString::fromUtf8(r.out.trimmed())).value(), m_indexedLayer.digest);
        auto entry = Cache(cli.cacheDir()).stat(m_indexedLayer.digest);
        QCOMPARE(entry->manifestDigest, m_index.digest.toString());
        QVERIFY(!entry->platformManifestDigest.isEmpty());
        // the index digest is a valid pin, offline
        const CliResult pinned
            = cli.run({QStringLiteral("pull"), ref(QStringLiteral("components/multi@")) + m_index.digest.toString(),
                       QStringLiteral("--offline")});
        QCOMPARE(pinned.exitCode, 0);
        QCOMPARE(pinned.out, r.out);

        // --platform picks another entry; a platform the index lacks is "not found", listing them
        const CliRunner riscv = runner(QStringLiteral("riscv"));
        const CliResult other = riscv.run({QStringLiteral("pull"), ref(QStringLiteral("components/multi:1.0")),
                                           QStringLiteral("--platform"), QStringLiteral("linux/riscv64")});
        QVERIFY2(other.exitCode == 0, other.err.constData());
        QCOMPARE(Sha256::hashFile(QString::fromUtf8(other.out.trimmed())).value(), m_riscvLayer.digest);
        const CliResult missing = riscv.run({QStringLiteral("pull"), ref(QStringLiteral("components/multi:1.0")),
                                             QStringLiteral("--platform"), QStringLiteral("wasip2/wasm")});
        QCOMPARE(missing.exitCode, 3);
        QVERIFY2(missing.err.contains("platform wasip2/wasm (it has: linux/riscv64, linux/"), missing.err.constData());
        const CliResult malformed = riscv.run({QStringLiteral("pull"), ref(QStringLiteral("components/multi:1.0")),
                                               QStringLiteral("--platform"), QStringLiteral("riscv64")});
        QCOMPARE(malformed.exitCode, 2);
    }

    void errorsMapToExitCodes()
    {
        const CliRunner cli = runner(QStringLiteral("errors"));
        const CliResult unknownRepo = cli.run({QStringLiteral("pull"), ref(QStringLiteral("nobody/here:1"))});
        QCOMPARE(unknownRepo.exitCode, 3);
        QVERIFY(unknownRepo.err.contains("not found"));
        const CliResult unknownTag = cli.run({QStringLiteral("resolve"), ref(QStringLiteral("components/hello:nope"))});
        QCOMPARE(unknownTag.exitCode, 3);
        const CliResult badRef = cli.run({QStringLiteral("pull"), QStringLiteral("components/hello:component")});
        QCOMPARE(badRef.exitCode, 2);
        const CliResult wrongPin = cli.run(
            {QStringLiteral("pull"), ref(QStringLiteral("components/hello@")) + m_gzipLayer.digest.toString()});
        QVERIFY(wrongPin.exitCode == 3 || wrongPin.exitCode == 6);
        // Plain http to a loopback registry is refused unless explicitly allowed.
        CliRunner strict = runner(QStringLiteral("errors"));
        strict.env().remove(QStringLiteral("GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP"));
        strict.env().insert(QStringLiteral("GREENTIC_DIST_MAX_ATTEMPTS"), QStringLiteral("1"));
        const CliResult https = strict.run({QStringLiteral("pull"), ref(QStringLiteral("components/hello:component"))});
        QCOMPARE(https.exitCode, 10);
        QVERIFY(Cache(cli.cacheDir()).digests().isEmpty());
    }

    void corruptBlobExit6NothingCached()
    {
        QFile data(m_registry.blobDataPath(m_corruptLayer.digest));
        QVERIFY2(data.exists(), qPrintable(data.fileName()));
        QVERIFY(data.open(QIODevice::ReadWrite));
        data.seek(1000);
        data.write("CORRUPTED");
        data.close();
        const CliRunner cli = runner(QStringLiteral("corrupt"));
        const CliResult r = cli.run({QStringLiteral("pull"), ref(QStringLiteral("blobs/corrupt:corrupt"))});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("did not match"), r.err.constData());
        const Cache cache(cli.cacheDir());
        QVERIFY(cache.digests().isEmpty());
        QVERIFY(QDir(cache.ingestDir()).entryList({QStringLiteral("*.partial")}).isEmpty());
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("verify")}).exitCode, 0);
    }

    void killedPullResumes()
    {
        ThrottleProxy proxy(m_registry.port());
        QVERIFY(proxy.listen());
        proxy.setBytesPerSecond(4 * 1024 * 1024);
        const CliRunner cli = runner(QStringLiteral("kill"));
        const QString viaProxy = QStringLiteral("127.0.0.1:%1/blobs/big:big").arg(proxy.port());
        const Cache cache(cli.cacheDir());
        const QString partial = cache.ingestDir() + u'/' + m_bigLayer.digest.hex() + QStringLiteral(".partial");

        auto p = cli.start({QStringLiteral("pull"), viaProxy});
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(partial).size() > 6 * 1024 * 1024, scaled(30000));
        ::kill(static_cast<pid_t>(p->processId()), SIGKILL);
        const CliResult killed = await(*p);
        QVERIFY(killed.crashed);
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY(kept > 0 && kept < m_bigBytes.size());
        // nothing visible
        QVERIFY(cache.digests().isEmpty());
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("ls")}).out, QByteArray());

        proxy.setBytesPerSecond(0);
        proxy.resetCounters();
        auto second = cli.start({QStringLiteral("pull"), viaProxy, QStringLiteral("-v")});
        const CliResult r = await(*second);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("resuming"), r.err.constData());
        // only the missing part crossed the wire (plus headers and the manifest)
        QVERIFY2(
            proxy.downstreamBytes() < m_bigBytes.size() - kept + 256 * 1024,
            qPrintable(QStringLiteral("%1 bytes downstream, %2 were kept").arg(proxy.downstreamBytes()).arg(kept)));
        QCOMPARE(Sha256::hashFile(QString::fromUtf8(r.out.trimmed())).value(), m_bigLayer.digest);
        QVERIFY(!QFile::exists(partial));
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("verify")}).exitCode, 0);
    }

    // Parallel ranges for the 24 MiB test blob: above 4 MiB, 1 MiB per request, 4 connections.
    static void rangedEnvironment(CliRunner& cli)
    {
        cli.env().insert(QStringLiteral("GREENTIC_DIST_RANGED_MIN_MIB"), QStringLiteral("4"));
        cli.env().insert(QStringLiteral("GREENTIC_DIST_RANGED_CHUNK_MIB"), QStringLiteral("1"));
        cli.env().insert(QStringLiteral("GREENTIC_DIST_RANGED_CONNECTIONS"), QStringLiteral("4"));
    }

    // Every connection capped on its own (2 MiB/s): the one stream is measured, found slow, and the
    // rest comes over parallel Range requests, written and hashed in order, byte-identical.
    void slowStreamGoesOnInParallelRanges()
    {
        ThrottleProxy proxy(m_registry.port());
        QVERIFY(proxy.listen());
        proxy.setConnectionBytesPerSecond(2 << 20);
        CliRunner cli = runner(QStringLiteral("ranged"));
        rangedEnvironment(cli);
        const QString viaProxy = QStringLiteral("127.0.0.1:%1/blobs/big:big").arg(proxy.port());
        auto p = cli.start({QStringLiteral("pull"), viaProxy, QStringLiteral("-v")});
        const CliResult r = await(*p, 180000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("ranged connections"), r.err.constData());
        QCOMPARE(Sha256::hashFile(QString::fromUtf8(r.out.trimmed())).value(), m_bigLayer.digest);
        // The manifest's connection and at least two ranges at once (four are allowed).
        QVERIFY2(proxy.maxConcurrentConnections() >= 3, qPrintable(QString::number(proxy.maxConcurrentConnections())));
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("verify")}).exitCode, 0);
    }

    // Killed in the middle of a ranged download: the partial is a prefix of the blob (chunks are
    // committed in order), the next pull fetches only the rest, and the result is byte-identical.
    void killedRangedPullResumes()
    {
        ThrottleProxy proxy(m_registry.port());
        QVERIFY(proxy.listen());
        proxy.setConnectionBytesPerSecond(2 << 20);
        CliRunner cli = runner(QStringLiteral("ranged-kill"));
        rangedEnvironment(cli);
        const QString viaProxy = QStringLiteral("127.0.0.1:%1/blobs/big:big").arg(proxy.port());
        const Cache cache(cli.cacheDir());
        const QString partial = cache.ingestDir() + u'/' + m_bigLayer.digest.hex() + QStringLiteral(".partial");

        auto p = cli.start({QStringLiteral("pull"), viaProxy, QStringLiteral("-v")});
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(partial).size() > 8 * 1024 * 1024, scaled(60000));
        ::kill(static_cast<pid_t>(p->processId()), SIGKILL);
        const CliResult killed = await(*p);
        QVERIFY(killed.crashed);
        QVERIFY2(killed.err.contains("ranged connections"), killed.err.constData());
        const qint64 kept = QFileInfo(partial).size();
        QVERIFY(kept > 0 && kept < m_bigBytes.size());
        QCOMPARE(readPrefix(partial, kept), m_bigBytes.left(kept));
        QVERIFY(cache.digests().isEmpty());

        proxy.resetCounters();
        auto second = cli.start({QStringLiteral("pull"), viaProxy, QStringLiteral("-v")});
        const CliResult r = await(*second, 180000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("resuming"), r.err.constData());
        // Only the rest crossed the wire, give or take what the measured stream had in flight when
        // it was stopped for the ranges (socket buffers, dropped and fetched again).
        QVERIFY2(
            proxy.downstreamBytes() < m_bigBytes.size() - kept + 2 * 1024 * 1024,
            qPrintable(QStringLiteral("%1 bytes downstream, %2 were kept").arg(proxy.downstreamBytes()).arg(kept)));
        QCOMPARE(Sha256::hashFile(QString::fromUtf8(r.out.trimmed())).value(), m_bigLayer.digest);
        QVERIFY(!QFile::exists(partial));
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("verify")}).exitCode, 0);
    }

    // A server that ignores Range (answers 200 with everything): the probe finds out, and the blob
    // comes in one stream rather than as many whole copies.
    void serverWithoutRangesGetsOneStream()
    {
        FaultProxy faults(m_registry.port());
        QVERIFY(faults.listen());
        FaultProxy::Fault ignore;
        ignore.kind = FaultProxy::Kind::IgnoreRange;
        ignore.pathContains = QStringLiteral("/blobs/");
        ignore.times = 1000;
        faults.addFault(ignore);
        ThrottleProxy proxy(faults.port());
        QVERIFY(proxy.listen());
        proxy.setConnectionBytesPerSecond(6 << 20);
        CliRunner cli = runner(QStringLiteral("no-ranges"));
        rangedEnvironment(cli);
        const QString viaProxy = QStringLiteral("127.0.0.1:%1/blobs/big:big").arg(proxy.port());
        auto p = cli.start({QStringLiteral("pull"), viaProxy, QStringLiteral("-v")});
        const CliResult r = await(*p, 180000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("ignored the Range header"), r.err.constData());
        QCOMPARE(Sha256::hashFile(QString::fromUtf8(r.out.trimmed())).value(), m_bigLayer.digest);
        int ranged = 0;
        for (const auto& seen : faults.seen(QStringLiteral("/blobs/"))) {
            ranged += seen.range.isEmpty() ? 0 : 1;
        }
        // The probe, and the one stream resuming after it; no chunk requests beyond.
        QVERIFY2(ranged <= 2, qPrintable(QString::number(ranged)));
    }

    static QByteArray readPrefix(const QString& path, qint64 n)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.read(n) : QByteArray();
    }

    // The file system refuses more bytes mid-blob (here a 5 MiB file size limit; a full disk takes
    // the same path): one line naming the file and the reason, exit 10, nothing visible. What was
    // written stays, and the next pull, with room again, resumes after it.
    void writeFailureMidBlob()
    {
        const CliRunner cli = runner(QStringLiteral("full"));
        const QString ref = m_registry.host() + QStringLiteral("/blobs/big:big");
        const Cache cache(cli.cacheDir());
        const QString partial = cache.ingestDir() + u'/' + m_bigLayer.digest.hex() + QStringLiteral(".partial");
        QProcess limited;
        limited.setProcessEnvironment(cli.env());
        // SIGXFSZ ignored, so the write fails with EFBIG instead of killing the process
        limited.start(QStringLiteral("bash"),
                      {QStringLiteral("-c"), QStringLiteral("trap '' XFSZ; ulimit -f 5120; exec \"$0\" pull \"$1\""),
                       CliRunner::binary(), ref});
        const CliResult r = CliRunner::collect(limited);
        QCOMPARE(r.exitCode, 10);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains("cannot write") && r.err.contains(partial.toUtf8()), r.err.constData());
        QVERIFY(cache.digests().isEmpty());
        QCOMPARE(QFileInfo(partial).size(), qint64(5) << 20);

        const CliResult resumed = cli.run({QStringLiteral("pull"), ref, QStringLiteral("-v")});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QVERIFY2(resumed.err.contains("from byte 5242880"), resumed.err.constData());
        QCOMPARE(Sha256::hashFile(QString::fromUtf8(resumed.out.trimmed())).value(), m_bigLayer.digest);
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("verify")}).exitCode, 0);
    }

    void concurrentProcessesShareOneDownload()
    {
        ThrottleProxy proxy(m_registry.port());
        QVERIFY(proxy.listen());
        proxy.setBytesPerSecond(32 * 1024 * 1024);
        const CliRunner cli = runner(QStringLiteral("concurrent"));
        const QString viaProxy = QStringLiteral("127.0.0.1:%1/blobs/big:big").arg(proxy.port());
        std::vector<std::unique_ptr<QProcess>> procs;
        for (int i = 0; i < 4; ++i) {
            procs.push_back(cli.start({QStringLiteral("pull"), viaProxy}));
        }
        QByteArray firstOut;
        for (auto& p : procs) {
            const CliResult r = await(*p);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            if (firstOut.isEmpty()) {
                firstOut = r.out;
            }
            QCOMPARE(r.out, firstOut);
        }
        const Cache cache(cli.cacheDir());
        QCOMPARE(cache.digests(), QList<Digest>{m_bigLayer.digest});
        QCOMPARE(Sha256::hashFile(cache.blobPath(m_bigLayer.digest)).value(), m_bigLayer.digest);
        // one blob transfer in total, not four
        QVERIFY2(proxy.downstreamBytes() < 2 * m_bigBytes.size(),
                 qPrintable(QStringLiteral("%1 bytes downstream").arg(proxy.downstreamBytes())));
        QVERIFY(
            QDir(cache.ingestDir()).entryList({QStringLiteral("*.partial"), QStringLiteral("*.commit-*")}).isEmpty());
    }

    void lockfileWithOciAndParallelJobs()
    {
        const CliRunner cli = runner(QStringLiteral("lock"));
        const QString lock = m_work.filePath(QStringLiteral("pack.lock.json"));
        QFile f(lock);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral(R"({"schema_version":1,"components":[
            {"name":"hello","ref":"%1","digest":"%2"},
            {"ref":"%3"},
            "%4"]})")
                    .arg(ref(QStringLiteral("components/hello:component")), m_componentManifest.digest.toString(),
                         ref(QStringLiteral("packs/zain-x:gzip")), ref(QStringLiteral("components/multi:1.0")))
                    .toUtf8());
        f.close();
        const CliResult r = cli.run({QStringLiteral("pull"), QStringLiteral("--lock"), lock, QStringLiteral("--jobs"),
                                     QStringLiteral("3"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray arr = QJsonDocument::fromJson(r.out).array();
        QCOMPARE(arr.size(), 3);
        QCOMPARE(arr.at(0).toObject().value(QStringLiteral("digest")).toString(),
                 m_componentManifest.digest.toString());
        QCOMPARE(arr.at(0).toObject().value(QStringLiteral("reference")).toString(),
                 ref(QStringLiteral("components/hello:component")));
        QCOMPARE(arr.at(2).toObject().value(QStringLiteral("digest")).toString(), m_index.digest.toString());
        QCOMPARE(Cache(cli.cacheDir()).digests().size(), 3);
        // The lock pins the component: offline, the pinned entry is served from the cache.
        const QString pinnedOnly = m_work.filePath(QStringLiteral("pinned.lock.json"));
        QFile p(pinnedOnly);
        QVERIFY(p.open(QIODevice::WriteOnly));
        p.write(QStringLiteral(R"([{"ref":"%1","digest":"%2"}])")
                    .arg(ref(QStringLiteral("components/hello:component")), m_componentManifest.digest.toString())
                    .toUtf8());
        p.close();
        QCOMPARE(cli.run({QStringLiteral("pull"), QStringLiteral("--lock"), pinnedOnly, QStringLiteral("--offline")})
                     .exitCode,
                 0);
        // A pin that does not match what the tag resolves to fails with 6 and caches nothing new.
        const CliRunner fresh = runner(QStringLiteral("lock-mismatch"));
        QVERIFY(p.open(QIODevice::WriteOnly | QIODevice::Truncate));
        p.write(QStringLiteral(R"([{"ref":"%1","digest":"%2"}])")
                    .arg(ref(QStringLiteral("components/hello:component")), m_index.digest.toString())
                    .toUtf8());
        p.close();
        const CliResult mismatch = fresh.run({QStringLiteral("pull"), QStringLiteral("--lock"), pinnedOnly});
        QVERIFY2(mismatch.exitCode == 6 || mismatch.exitCode == 3, mismatch.err.constData());
        QVERIFY(Cache(fresh.cacheDir()).digests().isEmpty());
    }

    // A lockfile of ten 1.5 MiB blobs over a slow link: at most eight are streamed at once (each
    // may hold 8 MiB of buffers, and more would only wait in Qt's queue for one of its six
    // connections with their inactivity timeouts running); the rest wait for a turn, then come too.
    void streamedDownloadsTakeTurns()
    {
        const QString dir = m_work.filePath(QStringLiteral("medium-layout"));
        QList<OciDescriptor> blobs;
        {
            OciLayout layout(dir);
            for (int i = 0; i < 10; ++i) {
                blobs.append(
                    layout.addBlob(patterned(1536 * 1024, 40 + i), QStringLiteral("application/octet-stream")));
                layout.tag(QStringLiteral("m%1").arg(i), layout.addManifest({blobs.last()}));
            }
            layout.finish();
        }
        for (int i = 0; i < 10; ++i) {
            const QString pushed = m_registry.push(dir, QStringLiteral("m%1").arg(i), QStringLiteral("blobs/medium"),
                                                   QStringLiteral("m%1").arg(i));
            QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        }
        ThrottleProxy proxy(m_registry.port());
        QVERIFY(proxy.listen());
        proxy.setBytesPerSecond(3 << 20); // 15 MiB in about five seconds
        const CliRunner cli = runner(QStringLiteral("turns"));
        QStringList refs;
        for (int i = 0; i < 10; ++i) {
            refs.append(u'"' + QStringLiteral("127.0.0.1:%1/blobs/medium:m%2").arg(proxy.port()).arg(i) + u'"');
        }
        const QString lock = m_work.filePath(QStringLiteral("turns.lock.json"));
        QFile f(lock);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write((u'[' + refs.join(u',') + u']').toUtf8());
        f.close();

        const Cache cache(cli.cacheDir());
        QVERIFY(QDir().mkpath(cache.ingestDir()));
        // A partial exists from the moment a download starts until it is committed.
        QFileSystemWatcher watcher({cache.ingestDir()});
        qsizetype most = 0;
        connect(&watcher, &QFileSystemWatcher::directoryChanged, this, [&] {
            most = std::max(most, QDir(cache.ingestDir()).entryList({QStringLiteral("*.partial")}).size());
        });
        auto p = cli.start(
            {QStringLiteral("pull"), QStringLiteral("--lock"), lock, QStringLiteral("--jobs"), QStringLiteral("10")});
        const CliResult r = await(*p, 180000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(cache.digests().size(), 10);
        for (const OciDescriptor& blob : std::as_const(blobs)) {
            QCOMPARE(Sha256::hashFile(cache.blobPath(blob.digest)).value(), blob.digest);
        }
        QVERIFY2(most >= 2, qPrintable(QStringLiteral("%1 partials seen at once").arg(most))); // the watcher saw them
        QVERIFY2(most <= BlobFetches::kMaxStreamedDownloads,
                 qPrintable(QStringLiteral("%1 partials at once").arg(most)));
    }

    void inspectReport()
    {
        const CliRunner cli = runner(QStringLiteral("inspect"));
        const CliResult comp = cli.run({QStringLiteral("inspect"), ref(QStringLiteral("components/hello:component")),
                                        QStringLiteral("--show-media-type")});
        QVERIFY2(comp.exitCode == 0, comp.err.constData());
        QVERIFY(comp.out.contains("artifact type: Component\ncomponent.wasm: true\ncomponent.manifest.json: false\n"));
        QVERIFY(comp.out.contains("selected media type: application/vnd.wasm.component.v1+wasm\n"));
        const CliResult pack = cli.run({QStringLiteral("inspect"), ref(QStringLiteral("packs/zain-x:gzip"))});
        QVERIFY(pack.out.contains("artifact type: Bundle\nartifact path: "));
        QVERIFY(pack.out.contains("artifact exists: true"));
        QVERIFY(!pack.out.contains("selected media type"));
    }

    void progressOnlyOnATerminal()
    {
        CliRunner cli = runner(QStringLiteral("progress"));
        const QString target = ref(QStringLiteral("blobs/big:big"));
        const CliResult plain = cli.run({QStringLiteral("pull"), target});
        QCOMPARE(plain.exitCode, 0);
        QVERIFY(!plain.err.contains("pulling"));
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("rm"), m_bigLayer.digest.toString()}).exitCode, 0);
        // util-linux `script` gives the process a pseudo-terminal.
        QProcess tty;
        tty.setProcessEnvironment(cli.env());
        tty.start(QStringLiteral("script"),
                  {QStringLiteral("-qec"), CliRunner::binary() + QStringLiteral(" pull ") + target,
                   QStringLiteral("/dev/null")});
        QVERIFY(tty.waitForFinished(scaled(60000)));
        const QByteArray screen = tty.readAllStandardOutput();
        QVERIFY2(screen.contains(QByteArray("pulling " + target.toUtf8())), screen.right(300).constData());
        QVERIFY(screen.contains("100%"));
        // the progress line is erased before the path is printed on stdout
        QVERIFY2(screen.contains(QByteArray("\x1b[2K" + plain.out.trimmed())), screen.right(300).constData());
        const CliResult json = cli.run({QStringLiteral("pull"), target, QStringLiteral("--json")});
        QVERIFY(!json.err.contains("pulling"));
    }

    void stageWarmRollbackWithoutNetwork()
    {
        auto proxy = std::make_unique<ThrottleProxy>(m_registry.port());
        QVERIFY(proxy->listen());
        const QString viaProxy = QStringLiteral("127.0.0.1:%1/components/hello:component").arg(proxy->port());
        const CliRunner cli = runner(QStringLiteral("lifecycle"));
        auto stage = [&] {
            auto p = cli.start({QStringLiteral("bundle"), QStringLiteral("stage"), viaProxy, QStringLiteral("--json")});
            return await(*p);
        };
        const CliResult staged = stage();
        QVERIFY2(staged.exitCode == 0, staged.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(staged.out).object();
        const QString id = o.value(QStringLiteral("bundle_id")).toString();
        QCOMPARE(id, QStringLiteral("bundle:") + m_componentLayer.digest.toString());
        QCOMPARE(o.value(QStringLiteral("lifecycle_state")).toString(), QStringLiteral("Staged"));
        QVERIFY(o.value(QStringLiteral("verification_report")).toObject().value(QStringLiteral("passed")).toBool());
        QVERIFY(cli.run({QStringLiteral("bundle"), QStringLiteral("ls")})
                    .out.contains(QByteArray(id.toUtf8() + "  Staged")));
        // restaging a Ready bundle never resets it
        QCOMPARE(cli.run({QStringLiteral("bundle"), QStringLiteral("state"), id, QStringLiteral("Warming")}).exitCode,
                 0);
        QCOMPARE(cli.run({QStringLiteral("bundle"), QStringLiteral("state"), id, QStringLiteral("ready")}).exitCode, 0);
        const CliResult restaged = stage();
        QCOMPARE(restaged.exitCode, 0);
        const QJsonObject again = QJsonDocument::fromJson(restaged.out).object();
        QCOMPARE(again.value(QStringLiteral("lifecycle_state")).toString(), QStringLiteral("Ready"));
        QCOMPARE(again.value(QStringLiteral("state_unchanged")).toBool(), true);

        // The network goes away: the proxy's port is closed.
        proxy.reset();
        QCOMPARE(cli.run({QStringLiteral("pull"), viaProxy.section(u':', 0, 1) + QStringLiteral(":other")}).exitCode,
                 10);

        const CliResult warm
            = cli.run({QStringLiteral("bundle"), QStringLiteral("warm"), id, QStringLiteral("--json")});
        QVERIFY2(warm.exitCode == 0, warm.err.constData());
        QCOMPARE(QJsonDocument::fromJson(warm.out).object().value(QStringLiteral("bundle_open_mode")).toString(),
                 QStringLiteral("Userspace"));
        const CliResult dry
            = cli.run({QStringLiteral("bundle"), QStringLiteral("warm"), id, QStringLiteral("--dry-run"),
                       QStringLiteral("--smoke-test"), QStringLiteral("--json")});
        const QJsonObject dryJson = QJsonDocument::fromJson(dry.out).object();
        QCOMPARE(dryJson.value(QStringLiteral("bundle_open_mode")).toString(), QStringLiteral("CacheReuse"));
        QVERIFY(dryJson.value(QStringLiteral("warnings"))
                    .toArray()
                    .contains(QStringLiteral("smoke test requested but no bundle runtime opener is configured")));
        const CliResult rollback
            = cli.run({QStringLiteral("bundle"), QStringLiteral("rollback"), id, QStringLiteral("--expected-cache-key"),
                       m_componentLayer.digest.toString()});
        QVERIFY2(rollback.exitCode == 0, rollback.err.constData());
        QCOMPARE(cli.run({QStringLiteral("bundle"), QStringLiteral("rollback"), id,
                          QStringLiteral("--expected-cache-key"), m_bigLayer.digest.toString()})
                     .exitCode,
                 2);

        // A blob altered on disk fails warm and rollback with a digest mismatch.
        QFile blob(Cache(cli.cacheDir()).blobPath(m_componentLayer.digest));
        QVERIFY(blob.open(QIODevice::ReadWrite));
        blob.seek(100);
        blob.write("XX");
        blob.close();
        const CliResult broken = cli.run({QStringLiteral("bundle"), QStringLiteral("warm"), id});
        QCOMPARE(broken.exitCode, 6);
        QVERIFY2(broken.err.contains("content_digest_match"), broken.err.constData());
        QCOMPARE(cli.run({QStringLiteral("bundle"), QStringLiteral("rollback"), id}).exitCode, 6);
    }

    void cleanupTestCase() { m_registry.stop(); }
};

QTEST_GUILESS_MAIN(TestRegistryPull)
#include "tst_registry_pull.moc"
