// SPDX-License-Identifier: MIT
// Registry faults with a real docker-registry behind a fault-injecting proxy: every fault either
// heals (retried or resumed) or fails with one clear line and the right exit code, and in every
// case the cache passes `cache verify` and holds no half entry.
#include "CliRunner.h"
#include "FaultProxy.h"
#include "OciLayout.h"
#include "ScriptedServer.h"
#include "TestRegistry.h"

#include <core/Sha256.h>
#include <net/HttpOptions.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

namespace {

constexpr qint64 kBlobSize = 4 * 1024 * 1024;
constexpr qint64 kCut = 1024 * 1024 + 123;

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT

    TestRegistry m_registry;
    std::unique_ptr<FaultProxy> m_proxy;
    QTemporaryDir m_work;
    QByteArray m_component;
    Digest m_componentDigest;
    int m_caches = 0;

    QString ref() const { return m_proxy->host() + QStringLiteral("/org/comp:1"); }
    QString blobPath() const { return QStringLiteral("/blobs/") + m_componentDigest.toString(); }
    CliRunner runner()
    {
        CliRunner r(m_work.filePath(QStringLiteral("cache-%1").arg(++m_caches)));
        r.env().insert(QStringLiteral("GREENTIC_DIST_MAX_ATTEMPTS"), QStringLiteral("4"));
        return r;
    }
    static FaultProxy::Fault fault(FaultProxy::Kind kind, const QString& path, int times = 1)
    {
        FaultProxy::Fault f;
        f.kind = kind;
        f.pathContains = path;
        f.times = times;
        return f;
    }

    // The pulled blob is the published one, `cache verify` is clean and there is exactly `entries`.
    void expectConsistentCache(const CliRunner& cli, int entries)
    {
        const CliResult verify = cli.run({QStringLiteral("cache"), QStringLiteral("verify")});
        QVERIFY2(verify.exitCode == 0, QByteArray(verify.out + verify.err).constData());
        const CliResult ls = cli.run({QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--json")});
        QCOMPARE(ls.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(ls.out).array().size(), entries);
    }
    void expectPulled(const CliResult& r)
    {
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile blob(QString::fromUtf8(r.out).trimmed());
        QVERIFY(blob.open(QIODevice::ReadOnly));
        QCOMPARE(Sha256::hash(blob.readAll()), m_componentDigest);
    }
    // The blob was fetched twice: the second request resumed where the fault cut the first.
    void expectResumedFrom(qint64 minOffset, qint64 maxOffset)
    {
        const QList<FaultProxy::Seen> blobs = m_proxy->seen(blobPath());
        QVERIFY2(blobs.size() == 2, qPrintable(QString::number(blobs.size())));
        QVERIFY(blobs.first().range.isEmpty());
        const QByteArray range = blobs.last().range;
        QVERIFY2(range.startsWith("bytes=") && range.endsWith('-'), range.constData());
        const qint64 offset = range.mid(6).chopped(1).toLongLong();
        QVERIFY2(offset >= minOffset && offset <= maxOffset, range.constData());
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString started = m_registry.start();
        if (!started.isEmpty()) {
            QFAIL(qPrintable(started));
        }
        m_component = QByteArray("\0asm\x0d\0\x01\0", 8);
        m_component.resize(kBlobSize);
        QRandomGenerator rng(42);
        for (qsizetype i = 8; i < m_component.size(); ++i) {
            m_component[i] = char(rng.bounded(256));
        }
        OciLayout layout(m_work.filePath(QStringLiteral("layout")));
        const OciDescriptor layer
            = layout.addBlob(m_component, QStringLiteral("application/vnd.wasm.component.v1+wasm"));
        m_componentDigest = layer.digest;
        layout.tag(QStringLiteral("1"),
                   layout.addManifest({layer}, {}, QStringLiteral("application/vnd.greentic.component.v1")));
        layout.finish();
        const QString pushed = m_registry.push(layout.dir(), QStringLiteral("1"), QStringLiteral("org/comp"));
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
    }

    void init()
    {
        m_proxy = std::make_unique<FaultProxy>(m_registry.port());
        QVERIFY(m_proxy->listen());
    }

    void cleanup() { m_proxy.reset(); }

    void connectionResetMidBlobResumes()
    {
        FaultProxy::Fault f = fault(FaultProxy::Kind::Reset, blobPath());
        f.afterBytes = kCut;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        expectPulled(cli.run({QStringLiteral("pull"), ref()}));
        // A reset may lose what was in flight, never more than what the proxy sent.
        expectResumedFrom(1, kCut);
        expectConsistentCache(cli, 1);
    }

    void stallTimesOutAndResumes()
    {
        FaultProxy::Fault f = fault(FaultProxy::Kind::Stall, blobPath());
        f.afterBytes = kCut;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        cli.env().insert(QStringLiteral("GREENTIC_DIST_TIMEOUT_SECS"), QStringLiteral("1"));
        QElapsedTimer timer;
        timer.start();
        const CliResult r = cli.run({QStringLiteral("pull"), ref(), QStringLiteral("-v")});
        expectPulled(r);
        QVERIFY2(r.err.contains("timed out") || r.err.contains("timeout"), r.err.constData());
        QVERIFY2(timer.elapsed() >= 900, qPrintable(QString::number(timer.elapsed()))); // the inactivity timeout
        expectResumedFrom(kCut, kCut); // everything before the stall was kept
        expectConsistentCache(cli, 1);
    }

    // A registry that sends a little of the blob and goes quiet, on every connection: three stalls
    // (counted across the resumes) end the pull with one line and exit 10, and what arrived is kept.
    void stallEveryTimeFailsAfterThreeStalls()
    {
        FaultProxy::Fault f = fault(FaultProxy::Kind::Stall, blobPath(), 100);
        f.afterBytes = 1024;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        cli.env().insert(QStringLiteral("GREENTIC_DIST_MAX_ATTEMPTS"), QStringLiteral("10"));
        cli.env().insert(QStringLiteral("GREENTIC_DIST_TIMEOUT_SECS"), QStringLiteral("30")); // the flag wins
        QElapsedTimer timer;
        timer.start();
        const CliResult r
            = cli.run({QStringLiteral("--inactivity-timeout"), QStringLiteral("1"), QStringLiteral("pull"), ref()});
        QCOMPARE(r.exitCode, 10);
        QCOMPARE(r.err.count('\n'), 1);
        const QByteArray expected = "network error: no data from " + m_proxy->host().toUtf8() + " for 1 s, 3 attempts";
        QVERIFY2(r.err.startsWith(expected), r.err.constData());
        QVERIFY2(r.err.contains("bytes received are kept"), r.err.constData());
        QVERIFY2(timer.elapsed() >= 2700, qPrintable(QString::number(timer.elapsed()))); // three 1 s timeouts
        const QList<FaultProxy::Seen> blobs = m_proxy->seen(blobPath());
        QCOMPARE(blobs.size(), 3); // not GREENTIC_DIST_MAX_ATTEMPTS
        QVERIFY(blobs.at(1).range.startsWith("bytes=")); // each stall was resumed, and still counted
        QVERIFY(blobs.at(2).range.startsWith("bytes="));
        expectConsistentCache(cli, 0);
        // The next run resumes from what the stalled ones received.
        m_proxy->clear();
        expectPulled(cli.run({QStringLiteral("pull"), ref()}));
        const QList<FaultProxy::Seen> resumed = m_proxy->seen(blobPath());
        QCOMPARE(resumed.size(), 1);
        QVERIFY2(resumed.first().range.startsWith("bytes=")
                     && resumed.first().range.mid(6).chopped(1).toLongLong() >= 1024,
                 resumed.first().range.constData());
        expectConsistentCache(cli, 1);
    }

    void stallBeforeTheHeadersFailsAfterThreeStalls()
    {
        m_proxy->addFault(fault(FaultProxy::Kind::StallBeforeHead, blobPath(), 100));
        CliRunner cli = runner();
        cli.env().insert(QStringLiteral("GREENTIC_DIST_TIMEOUT_SECS"), QStringLiteral("1"));
        const CliResult r = cli.run({QStringLiteral("pull"), ref()});
        QCOMPARE(r.exitCode, 10);
        const QByteArray expected = "network error: no data from " + m_proxy->host().toUtf8() + " for 1 s, 3 attempts";
        QVERIFY2(r.err.startsWith(expected), r.err.constData());
        QVERIFY2(!r.err.contains("kept"), r.err.constData()); // nothing arrived
        QCOMPARE(m_proxy->seen(blobPath()).size(), 3);
        expectConsistentCache(cli, 0);
        // GREENTIC_DIST_MAX_STALLS moves the bound.
        m_proxy->clear();
        m_proxy->addFault(fault(FaultProxy::Kind::StallBeforeHead, blobPath(), 1));
        cli.env().insert(QStringLiteral("GREENTIC_DIST_MAX_STALLS"), QStringLiteral("1"));
        const CliResult once = cli.run({QStringLiteral("pull"), ref()});
        QCOMPARE(once.exitCode, 10);
        QVERIFY2(once.err.contains("for 1 s, 1 attempt ("), once.err.constData());
        QCOMPARE(m_proxy->seen(blobPath()).size(), 1);
        // A bad flag value is a usage error.
        QCOMPARE(cli.run({QStringLiteral("--inactivity-timeout"), QStringLiteral("0"), QStringLiteral("pull"), ref()})
                     .exitCode,
                 2);
    }

    void truncatedBodyResumes()
    {
        FaultProxy::Fault f = fault(FaultProxy::Kind::Truncate, blobPath());
        f.afterBytes = kCut;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        expectPulled(cli.run({QStringLiteral("pull"), ref()}));
        // The resume starts where the written bytes end, never past the cut. It can start up to one
        // read buffer earlier: when the FIN arrives while Qt's reply buffer is full (a busy machine),
        // Qt reports the close and discards what is still in the socket, so those bytes are fetched
        // again. Anything earlier than that would mean the client threw away bytes it had.
        expectResumedFrom(kCut - HttpOptions{}.readBufferBytes, kCut);
        expectConsistentCache(cli, 1);
    }

    void serverErrorBurstIsRetried()
    {
        FaultProxy::Fault f = fault(FaultProxy::Kind::Status, QStringLiteral("/manifests/"), 2);
        f.status = 500;
        m_proxy->addFault(f);
        f = fault(FaultProxy::Kind::Status, blobPath(), 2);
        f.status = 503;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        expectPulled(cli.run({QStringLiteral("pull"), ref()}));
        QCOMPARE(m_proxy->seen(QStringLiteral("/manifests/")).size(), 3);
        QCOMPARE(m_proxy->seen(blobPath()).size(), 3);
        expectConsistentCache(cli, 1);
    }

    void persistentServerErrorsFailCleanly()
    {
        FaultProxy::Fault f = fault(FaultProxy::Kind::Status, blobPath(), 100);
        f.status = 502;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        const CliResult r = cli.run({QStringLiteral("pull"), ref()});
        QCOMPARE(r.exitCode, 10);
        QCOMPARE(r.err.count('\n'), 1); // one plain line
        QVERIFY2(r.err.contains("502"), r.err.constData());
        QCOMPARE(m_proxy->seen(blobPath()).size(), 4); // GREENTIC_DIST_MAX_ATTEMPTS, then it gives up
        expectConsistentCache(cli, 0);
        // Once the registry recovers, the same cache pulls normally.
        m_proxy->clear();
        expectPulled(cli.run({QStringLiteral("pull"), ref()}));
        expectConsistentCache(cli, 1);
    }

    void tooManyRequestsHonoursRetryAfter()
    {
        FaultProxy::Fault f = fault(FaultProxy::Kind::Status, blobPath(), 2);
        f.status = 429;
        f.retryAfter = "1";
        m_proxy->addFault(f);
        CliRunner cli = runner();
        QElapsedTimer timer;
        timer.start();
        expectPulled(cli.run({QStringLiteral("pull"), ref()}));
        // Two waits of one second (±10 % jitter), not the 20 ms test backoff.
        QVERIFY2(timer.elapsed() >= 1700, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(m_proxy->seen(blobPath()).size(), 3);
        expectConsistentCache(cli, 1);
    }

    void contentLengthTooLongIsATruncation()
    {
        // The server promises more than it sends and closes: the bytes that did arrive are the
        // whole blob, which the descriptor's size and digest prove.
        FaultProxy::Fault f = fault(FaultProxy::Kind::ContentLength, blobPath());
        f.lengthDelta = 1000;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        expectPulled(cli.run({QStringLiteral("pull"), ref()}));
        expectConsistentCache(cli, 1);
    }

    void contentLengthTooShortIsRefetched()
    {
        // The server claims fewer bytes than the descriptor: the short body is not accepted as the
        // blob; the pull resumes for the rest.
        FaultProxy::Fault f = fault(FaultProxy::Kind::ContentLength, blobPath());
        f.lengthDelta = -1000;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        expectPulled(cli.run({QStringLiteral("pull"), ref()}));
        expectResumedFrom(kBlobSize - 1000, kBlobSize - 1000);
        expectConsistentCache(cli, 1);
    }

    void contentLengthTooShortEveryTimeFails()
    {
        FaultProxy::Fault f = fault(FaultProxy::Kind::ContentLength, blobPath(), 100);
        f.lengthDelta = -kBlobSize / 2;
        m_proxy->addFault(f);
        CliRunner cli = runner();
        const CliResult r = cli.run({QStringLiteral("pull"), ref()});
        QVERIFY2(r.exitCode == 10 || r.exitCode == 6, r.err.constData());
        QCOMPARE(r.err.count('\n'), 1);
        expectConsistentCache(cli, 0);
    }

    void redirectToAnotherHostDropsAuthorization()
    {
        // The registry wants Basic credentials; its blobs live on a "CDN" on another port.
        ScriptedServer cdn;
        QVERIFY(cdn.start());
        cdn.setHandler([this](const RecordedRequest& r) -> ScriptedReply {
            if (!r.path.endsWith(m_componentDigest.toString())) {
                return {404, {}, {}, -1};
            }
            return {200, {{"Content-Type", "application/octet-stream"}}, m_component, -1};
        });
        m_proxy->requireBasicAuth("ci", "s3cret-token");
        FaultProxy::Fault f = fault(FaultProxy::Kind::Redirect, blobPath());
        f.redirectTo = cdn.origin();
        m_proxy->addFault(f);

        CliRunner anonymous = runner();
        const CliResult denied = anonymous.run({QStringLiteral("pull"), ref()});
        QCOMPARE(denied.exitCode, 5);

        CliRunner cli = runner();
        const QString key = QStringLiteral("127_0_0_1_%1").arg(m_proxy->port());
        cli.env().insert(QStringLiteral("GREENTIC_DIST_REGISTRY_TOKEN_") + key, QStringLiteral("s3cret-token"));
        cli.env().insert(QStringLiteral("GREENTIC_DIST_REGISTRY_USERNAME_") + key, QStringLiteral("ci"));
        const CliResult r = cli.run({QStringLiteral("pull"), ref(), QStringLiteral("-v")});
        expectPulled(r);
        QVERIFY(!r.err.contains("s3cret-token"));
        const QList<FaultProxy::Seen> manifests = m_proxy->seen(QStringLiteral("/manifests/"));
        QVERIFY(!manifests.isEmpty());
        QVERIFY(manifests.last().authorization.startsWith("Basic "));
        QCOMPARE(cdn.requests().size(), 1);
        QVERIFY(cdn.requests().first().header("Authorization").isEmpty());
        expectConsistentCache(cli, 1);
    }
};

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
