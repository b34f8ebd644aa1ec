// SPDX-License-Identifier: MIT
// Crash soak (scripts/soak.sh, not part of the default run): pulls from a real registry killed with
// SIGKILL at random moments must leave a cache where every entry verifies and the next pull
// completes; then several processes pull overlapping lockfiles into one cache at once.
// SOAK_KILLS (default 50) and SOAK_PROCESSES (default 8) scale it; SOAK_SEED replays a run.
#include "CliRunner.h"
#include "FaultProxy.h"
#include "OciLayout.h"
#include "TestRegistry.h"
#include "ThrottleProxy.h"

#include <core/Sha256.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace dist;
using namespace dist::test;

namespace {

struct Artifact
{
    QString repo;
    QByteArray bytes;
    Digest digest;
};

int envInt(const char* name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok && v > 0 ? v : fallback;
}

} // namespace

class TestSoak : public QObject
{
    Q_OBJECT

    TestRegistry m_registry;
    QTemporaryDir m_work;
    QList<Artifact> m_artifacts;
    quint64 m_seed = 0;

    QString refVia(quint16 port, const Artifact& a) const
    {
        return QStringLiteral("127.0.0.1:%1/%2:1").arg(port).arg(a.repo);
    }

    // Every entry re-hashes clean and the listing has `entries` entries.
    void expectVerified(const CliRunner& cli, int entries)
    {
        const CliResult v = cli.run({QStringLiteral("cache"), QStringLiteral("verify")}, 300000);
        QVERIFY2(v.exitCode == 0, QByteArray(v.out + v.err).constData());
        const CliResult ls = cli.run({QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(ls.out).array().size(), entries);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString started = m_registry.start();
        if (!started.isEmpty()) {
            QFAIL(qPrintable(started));
        }
        m_seed = qEnvironmentVariableIsSet("SOAK_SEED") ? qEnvironmentVariable("SOAK_SEED").toULongLong()
                                                        : QRandomGenerator::system()->generate64();
        qInfo("soak seed %llu (SOAK_SEED=%llu replays it)", static_cast<unsigned long long>(m_seed),
              static_cast<unsigned long long>(m_seed));
        QRandomGenerator rng(m_seed);
        const qsizetype sizes[] = {64 * 1024, 512 * 1024, 2 << 20, 4 << 20, 8 << 20, 16 << 20};
        for (int i = 0; i < 6; ++i) {
            Artifact a;
            a.repo = QStringLiteral("soak/c%1").arg(i);
            a.bytes.resize(sizes[i]);
            for (qsizetype j = 0; j < a.bytes.size(); j += 4) {
                const quint32 v = rng.generate();
                memcpy(a.bytes.data() + j, &v, size_t(qMin<qsizetype>(4, a.bytes.size() - j)));
            }
            a.bytes.replace(0, 8, QByteArray("\0asm\x0d\0\x01\0", 8));
            OciLayout layout(m_work.filePath(QStringLiteral("layout-%1").arg(i)));
            const OciDescriptor layer
                = layout.addBlob(a.bytes, QStringLiteral("application/vnd.wasm.component.v1+wasm"));
            a.digest = layer.digest;
            layout.tag(QStringLiteral("1"),
                       layout.addManifest({layer}, {}, QStringLiteral("application/vnd.greentic.component.v1")));
            layout.finish();
            const QString pushed = m_registry.push(layout.dir(), QStringLiteral("1"), a.repo);
            QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
            m_artifacts.append(a);
        }
    }

    void killedPullsLeaveAConsistentCache()
    {
        const int kills = envInt("SOAK_KILLS", 50);
        // Slow enough that a kill lands mid-blob most of the time.
        ThrottleProxy proxy(m_registry.port());
        QVERIFY(proxy.listen());
        constexpr qint64 kRate = 8 << 20;
        proxy.setBytesPerSecond(kRate);
        CliRunner cli(m_work.filePath(QStringLiteral("cache-kill")));
        QRandomGenerator rng(m_seed ^ 0x5eed);
        int midPull = 0;
        int finishedFirst = 0;
        for (int i = 0; i < kills; ++i) {
            const Artifact& a = m_artifacts.at(qsizetype(rng.bounded(quint32(m_artifacts.size()))));
            // Evict it first, so every pull transfers (resuming whatever partial an earlier kill left).
            cli.run({QStringLiteral("cache"), QStringLiteral("rm"), QStringLiteral("--force"), a.digest.toString()});
            auto p = cli.start({QStringLiteral("pull"), refVia(proxy.port(), a)});
            // A random moment in the first 80 % of the time a whole pull needs: connection set-up,
            // manifest, any point of the blob, or the final rename.
            const qint64 expectedMs = (a.bytes.size() * 1000 / kRate + 150) * 4 / 5;
            QTest::qWait(int(rng.bounded(quint32(expectedMs))));
            if (p->state() == QProcess::Running) {
                ::kill(pid_t(p->processId()), SIGKILL);
                ++midPull;
            } else {
                ++finishedFirst;
            }
            const CliResult r = CliRunner::collect(*p, 60000);
            QVERIFY(r.exitCode == 0 || r.crashed); // killed, or a complete pull
            // After every kill the cache is consistent, not only at the end.
            const CliResult v = cli.run({QStringLiteral("cache"), QStringLiteral("verify")}, 300000);
            QVERIFY2(v.exitCode == 0, QByteArray(v.out + v.err).constData());
        }
        // Every artifact pulls to completion from whatever the kills left behind.
        for (const Artifact& a : std::as_const(m_artifacts)) {
            const CliResult r = cli.run({QStringLiteral("pull"), refVia(proxy.port(), a)}, 300000);
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QFile blob(QString::fromUtf8(r.out).trimmed());
            QVERIFY(blob.open(QIODevice::ReadOnly));
            QCOMPARE(Sha256::hash(blob.readAll()), a.digest);
        }
        expectVerified(cli, int(m_artifacts.size()));
        const CliResult gc = cli.run({QStringLiteral("cache"), QStringLiteral("gc"), QStringLiteral("--json")});
        QCOMPARE(gc.exitCode, 0);
        expectVerified(cli, int(m_artifacts.size()));
        qInfo("soak: %d pulls started, %d killed mid-pull with SIGKILL, %d finished before the kill; cache verify "
              "clean after every kill; %lld/%lld final pulls complete; gc clean",
              kills, midPull, finishedFirst, static_cast<long long>(m_artifacts.size()),
              static_cast<long long>(m_artifacts.size()));
    }

    void concurrentLockfilePulls()
    {
        const int processes = envInt("SOAK_PROCESSES", 8);
        FaultProxy counter(m_registry.port()); // no faults: it counts requests per path
        QVERIFY(counter.listen());
        QRandomGenerator rng(m_seed ^ 0x10c5);
        const QString cacheDir = m_work.filePath(QStringLiteral("cache-concurrent"));
        QSet<int> used;
        std::vector<std::unique_ptr<QProcess>> running;
        for (int p = 0; p < processes; ++p) {
            QJsonArray components;
            QSet<int> mine;
            while (mine.size() < 4) {
                mine.insert(int(rng.bounded(quint32(m_artifacts.size()))));
            }
            for (int i : std::as_const(mine)) {
                components.append(refVia(counter.port(), m_artifacts.at(i)));
                used.insert(i);
            }
            const QString lock = m_work.filePath(QStringLiteral("lock-%1.json").arg(p));
            QFile f(lock);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(
                        QJsonObject{{QStringLiteral("schema_version"), 1}, {QStringLiteral("components"), components}})
                        .toJson());
            f.close();
            running.push_back(CliRunner(cacheDir).start({QStringLiteral("pull"), QStringLiteral("--lock"), lock,
                                                         QStringLiteral("--jobs"), QStringLiteral("3")}));
        }
        int failures = 0;
        for (auto& p : running) {
            const CliResult r = CliRunner::collect(*p, 300000);
            if (r.exitCode != 0) {
                ++failures;
                qWarning("%s", r.err.constData());
            }
        }
        QCOMPARE(failures, 0);
        CliRunner cli(cacheDir);
        expectVerified(cli, int(used.size()));
        int downloads = 0;
        for (int i : std::as_const(used)) {
            const QList<FaultProxy::Seen> gets
                = counter.seen(QStringLiteral("/blobs/") + m_artifacts.at(i).digest.toString());
            // A process that found the blob being fetched by another waits for it instead.
            QVERIFY2(gets.size() == 1, qPrintable(QStringLiteral("%1 downloads of one blob").arg(gets.size())));
            downloads += int(gets.size());
        }
        qInfo("soak: %d processes pulled overlapping lockfiles into one cache: %d failures, %d blob downloads for %lld "
              "distinct blobs, cache verify clean",
              processes, failures, downloads, static_cast<long long>(used.size()));
    }
};

QTEST_GUILESS_MAIN(TestSoak)
#include "tst_soak.moc"
