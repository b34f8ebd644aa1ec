// SPDX-License-Identifier: MIT
// Mirrors from registries.conf with real registries: an upstream docker-registry and a second one
// in proxy (pull-through cache) mode in front of it. Every case runs the real greentic-dist binary.
#include "CliRunner.h"
#include "OciLayout.h"
#include "TestRegistry.h"

#include <core/Sha256.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

class TestMirrors : public QObject
{
    Q_OBJECT

    TestRegistry m_upstream;
    TestRegistry m_mirror;
    QTemporaryDir m_work;
    QByteArray m_component;
    Digest m_componentDigest;
    Digest m_manifestDigest;
    int m_caches = 0;

    QString conf(const QString& name, const QString& body) const
    {
        const QString path = m_work.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(body.toUtf8());
        return path;
    }
    QString mirrorConf(bool digestOnly) const
    {
        return conf(digestOnly ? QStringLiteral("digest-only.conf") : QStringLiteral("mirror.conf"),
                    QStringLiteral("[[registry]]\nlocation = \"%1\"\ninsecure = true\nmirror-by-digest-only = %3\n"
                                   "[[registry.mirror]]\nlocation = \"%2\"\ninsecure = true\n")
                        .arg(m_upstream.host(), m_mirror.host(),
                             digestOnly ? QStringLiteral("true") : QStringLiteral("false")));
    }
    CliRunner runner() { return CliRunner(m_work.filePath(QStringLiteral("cache-%1").arg(++m_caches))); }
    static QString fetchedFrom(const CliRunner& cli)
    {
        const CliResult r = cli.run(
            {QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--long"), QStringLiteral("--json")});
        const QJsonArray entries = QJsonDocument::fromJson(r.out).array();
        return entries.isEmpty() ? QString()
                                 : entries.first().toObject().value(QStringLiteral("fetched_from")).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString started = m_upstream.start();
        if (!started.isEmpty()) {
            QFAIL(qPrintable(started));
        }
        m_mirror.setExtraConfig(QStringLiteral("proxy:\n  remoteurl: http://%1\n").arg(m_upstream.host()));
        started = m_mirror.start();
        if (!started.isEmpty()) {
            QFAIL(qPrintable(started));
        }
        OciLayout layout(m_work.filePath(QStringLiteral("layout")));
        m_component = QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(20000, 'm');
        const OciDescriptor layer
            = layout.addBlob(m_component, QStringLiteral("application/vnd.wasm.component.v1+wasm"));
        m_componentDigest = layer.digest;
        const OciDescriptor manifest
            = layout.addManifest({layer}, {}, QStringLiteral("application/vnd.greentic.component.v1"));
        m_manifestDigest = manifest.digest;
        layout.tag(QStringLiteral("1"), manifest);
        layout.finish();
        const QString pushed = m_upstream.push(layout.dir(), QStringLiteral("1"), QStringLiteral("org/comp"));
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
    }

    void pullsGoThroughTheMirror()
    {
        const CliRunner cli = runner();
        const QString ref = m_upstream.host() + QStringLiteral("/org/comp:1");
        QVERIFY(!QFileInfo::exists(m_mirror.blobDataPath(m_componentDigest)));
        CliResult r = cli.run({QStringLiteral("pull"), ref, QStringLiteral("--registries-conf"), mirrorConf(false)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(fetchedFrom(cli), QStringLiteral("http://%1/org/comp").arg(m_mirror.host()));
        // The pull-through cache now holds the blob: the next machine gets it from there.
        QVERIFY(QFileInfo::exists(m_mirror.blobDataPath(m_componentDigest)));
        // The pin is the origin's manifest digest, wherever the bytes came from.
        r = cli.run({QStringLiteral("resolve"), ref, QStringLiteral("--registries-conf"), mirrorConf(false)});
        QCOMPARE(r.out.trimmed(), m_manifestDigest.toString().toLatin1());
        // Without the config the origin is used.
        const CliRunner direct = runner();
        QCOMPARE(direct.run({QStringLiteral("pull"), ref}).exitCode, 0);
        QCOMPARE(fetchedFrom(direct), QStringLiteral("http://%1/org/comp").arg(m_upstream.host()));
    }

    void digestOnlyMirrorNeverResolvesTags()
    {
        const QString conf = mirrorConf(true);
        const QString tagRef = m_upstream.host() + QStringLiteral("/org/comp:1");
        const QString digestRef = m_upstream.host() + QStringLiteral("/org/comp@") + m_manifestDigest.toString();
        // The content is served by the mirror even for a tag pull (blobs are fetched by digest)...
        const CliRunner cli = runner();
        CliResult r = cli.run(
            {QStringLiteral("pull"), tagRef, QStringLiteral("--registries-conf"), conf, QStringLiteral("-v")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(fetchedFrom(cli), QStringLiteral("http://%1/org/comp").arg(m_mirror.host()));

        // ...but the tag is resolved only at the origin: with the origin down, a tag pull fails while a
        // digest pull is served by the mirror.
        m_upstream.stop();
        const CliRunner offlineOrigin = runner();
        r = offlineOrigin.run({QStringLiteral("pull"), tagRef, QStringLiteral("--registries-conf"), conf});
        QCOMPARE(r.exitCode, 10);
        r = offlineOrigin.run({QStringLiteral("pull"), digestRef, QStringLiteral("--registries-conf"), conf});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(fetchedFrom(offlineOrigin), QStringLiteral("http://%1/org/comp").arg(m_mirror.host()));
        // The same tag pull through an ordinary mirror succeeds: the pull-through cache answers the tag.
        const CliRunner viaMirror = runner();
        r = viaMirror.run({QStringLiteral("pull"), tagRef, QStringLiteral("--registries-conf"), mirrorConf(false)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(m_upstream.start().isEmpty()); // a new port; refresh the config
    }

    void fallsBackToTheOriginWhenTheMirrorIsDown()
    {
        // The upstream moved to a new port in the previous case: push again and point a fresh config at it.
        const QString pushed = m_upstream.push(m_work.filePath(QStringLiteral("layout")), QStringLiteral("1"),
                                               QStringLiteral("org/comp"));
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        const QString conf = mirrorConf(false);
        m_mirror.stop();
        const CliRunner cli = runner();
        const CliResult r = cli.run({QStringLiteral("pull"), m_upstream.host() + QStringLiteral("/org/comp:1"),
                                     QStringLiteral("--registries-conf"), conf, QStringLiteral("-v")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(fetchedFrom(cli), QStringLiteral("http://%1/org/comp").arg(m_upstream.host()));
    }

    void blockedAndBrokenConfigs()
    {
        const CliRunner cli = runner();
        const QString blocked
            = conf(QStringLiteral("blocked.conf"),
                   QStringLiteral("[[registry]]\nlocation = \"%1\"\nblocked = true\n").arg(m_upstream.host()));
        CliResult r = cli.run({QStringLiteral("pull"), m_upstream.host() + QStringLiteral("/org/comp:1"),
                               QStringLiteral("--registries-conf"), blocked});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("is blocked by"));
        const QString broken = conf(QStringLiteral("broken.conf"), QStringLiteral("[[registry]\n"));
        r = cli.run({QStringLiteral("pull"), m_upstream.host() + QStringLiteral("/org/comp:1"),
                     QStringLiteral("--registries-conf"), broken});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("broken.conf"));
        r = cli.run({QStringLiteral("pull"), m_upstream.host() + QStringLiteral("/org/comp:1"),
                     QStringLiteral("--registries-conf"), m_work.filePath(QStringLiteral("nope.conf"))});
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestMirrors)
#include "tst_mirrors.moc"
