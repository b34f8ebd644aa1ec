// SPDX-License-Identifier: MIT
// Several greentic-dist processes on one cache at once: what an operator's cron job, a CI runner
// and a desktop session do to the same directory. Each case starts 8 processes together and then
// checks an invariant the user relies on, over several rounds.
#include "CliRunner.h"
#include "TestWaits.h"

#include <bundles/BundleStore.h>
#include <cache/Cache.h>
#include <core/Sha256.h>
#include <retention/Retention.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace dist;
using namespace dist::test;

namespace {

constexpr int kProcesses = 8;
constexpr int kRounds = 4;

struct Finished
{
    QStringList args;
    CliResult result;
};

// Starts every command at once, then collects them all.
std::vector<Finished> runTogether(const CliRunner& cli, const QList<QStringList>& commands)
{
    std::vector<std::unique_ptr<QProcess>> running;
    for (const QStringList& args : commands) {
        running.push_back(cli.start(args));
    }
    std::vector<Finished> out;
    for (qsizetype i = 0; i < commands.size(); ++i) {
        out.push_back({commands.at(i), CliRunner::collect(*running.at(static_cast<size_t>(i)), scaled(120000))});
    }
    return out;
}

QByteArray component(int seed, int size)
{
    QByteArray bytes("\0asm\x0d\0\x01\0", 8);
    bytes.reserve(size);
    QRandomGenerator rng(static_cast<quint32>(seed));
    while (bytes.size() < size) {
        bytes.append(char(rng.bounded(256)));
    }
    return bytes;
}

} // namespace

class TestCacheRace : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeFile(const QString& name, const QByteArray& bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) {
            return QString();
        }
        return path;
    }

private Q_SLOTS:
    void verifyRacingHitsNeverLosesTheCorruptMark()
    {
        // A blob damaged on disk. `cache verify` marks it Corrupt while pulls of the same artifact
        // record their access (a read-modify-write of the same entry.json). Whatever the order, once
        // the processes are done the damage is on record: an entry whose blob does not hash to its
        // digest is Corrupt, never Ready (a Ready mark would serve damaged bytes to the next pull).
        const QString cacheDir = m_dir.filePath(QStringLiteral("verify-cache"));
        CliRunner cli(cacheDir);
        const QByteArray bytes = component(1, 2 * 1024 * 1024);
        const QString source = writeFile(QStringLiteral("verified.wasm"), bytes);
        QVERIFY(!source.isEmpty());
        const Digest digest = Sha256::hash(bytes);
        const CliResult first = cli.run({QStringLiteral("pull"), source});
        QVERIFY2(first.exitCode == 0, first.err.constData());
        Cache cache(cacheDir);

        for (int round = 0; round < kRounds; ++round) {
            // Damage the blob and make the entry look sound and long unused, so every pull writes.
            QFile blob(cache.blobPath(digest));
            blob.setPermissions(blob.permissions() | QFileDevice::WriteOwner);
            QVERIFY(blob.open(QIODevice::ReadWrite));
            QVERIFY(blob.seek(4096 + round));
            QVERIFY(blob.write("X", 1) == 1);
            blob.close();
            CacheEntry e = cache.stat(digest).value();
            e.state = EntryState::Ready;
            e.lastAccessedAt = 1;
            QVERIFY(cache.writeEntry(e));

            QList<QStringList> commands;
            for (int i = 0; i < kProcesses; ++i) {
                commands.append(i % 4 == 0 ? QStringList{QStringLiteral("cache"), QStringLiteral("verify")}
                                           : QStringList{QStringLiteral("pull"), source});
            }
            for (const Finished& f : runTogether(cli, commands)) {
                QVERIFY2(!f.result.crashed, qPrintable(f.args.join(u' ')));
                if (f.args.first() == u"pull") {
                    // A pull either served the entry (before it was marked) or fetched it again.
                    QVERIFY2(f.result.exitCode == 0, f.result.err.constData());
                } else {
                    // It finds the damage, or a pull repaired the entry (after the other verify's
                    // mark) before this one hashed it.
                    QVERIFY2(f.result.exitCode == 6 || f.result.exitCode == 0, f.result.err.constData());
                }
            }
            const auto after = cache.stat(digest);
            QVERIFY2(after, qPrintable(after ? QString() : after.message()));
            const auto hashed = Sha256::hashFile(cache.blobPath(digest));
            QVERIFY(hashed);
            if (hashed.value() != digest) {
                QVERIFY2(after->state == EntryState::Corrupt,
                         qPrintable(QStringLiteral("round %1: the blob is damaged but the entry says %2")
                                        .arg(round)
                                        .arg(after->state == EntryState::Ready ? QStringLiteral("Ready")
                                                                               : QStringLiteral("?"))));
            }
            // Whatever the outcome, the next pull serves sound bytes.
            const CliResult again = cli.run({QStringLiteral("pull"), source});
            QVERIFY2(again.exitCode == 0, again.err.constData());
            QCOMPARE(Sha256::hashFile(cache.blobPath(digest)).value(), digest);
        }
    }

    void retentionRacingPullsLeavesASoundCache()
    {
        // `retention apply` evicting everything while pulls of the same artifacts run: every pull
        // succeeds, what it reports is what it pulled, and the cache that remains is whole (each
        // entry has its blob and hashes right), with no staging left behind.
        const QString cacheDir = m_dir.filePath(QStringLiteral("retention-cache"));
        CliRunner cli(cacheDir);
        QStringList sources;
        QList<Digest> digests;
        for (int i = 0; i < 4; ++i) {
            const QByteArray bytes = component(100 + i, 256 * 1024);
            sources << writeFile(QStringLiteral("r%1.wasm").arg(i), bytes);
            QVERIFY(!sources.last().isEmpty());
            digests << Sha256::hash(bytes);
        }
        for (int round = 0; round < kRounds; ++round) {
            QList<QStringList> commands;
            for (int i = 0; i < kProcesses; ++i) {
                commands.append(i % 4 == 3 ? QStringList{QStringLiteral("retention"), QStringLiteral("apply"),
                                                         QStringLiteral("--max-bytes"), QStringLiteral("1")}
                                           : QStringList{QStringLiteral("--json"), QStringLiteral("pull"),
                                                         sources.at(i % sources.size())});
            }
            for (const Finished& f : runTogether(cli, commands)) {
                QVERIFY2(!f.result.crashed, qPrintable(f.args.join(u' ')));
                QVERIFY2(f.result.exitCode == 0,
                         qPrintable(f.args.join(u' ') + QStringLiteral(": ") + QString::fromUtf8(f.result.err)));
                if (f.args.contains(QStringLiteral("pull"))) {
                    const QJsonObject o = QJsonDocument::fromJson(f.result.out).object();
                    const qsizetype which = sources.indexOf(f.args.last());
                    QCOMPARE(o.value(QStringLiteral("digest")).toString(), digests.at(which).toString());
                }
            }
            const CliResult verify = cli.run({QStringLiteral("cache"), QStringLiteral("verify")});
            QVERIFY2(verify.exitCode == 0, QByteArray(verify.out + verify.err).constData());
            const CliResult gc = cli.run({QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("gc")});
            QVERIFY2(gc.exitCode == 0, gc.err.constData());
            QVERIFY2(QJsonDocument::fromJson(gc.out).array().isEmpty(), gc.out.constData()); // nothing half-made
        }
    }

    void retentionKeepsAnEntryPulledAfterItsPlan()
    {
        // The ordering behind "no pull returns a path that is gone", made deterministic: retention
        // plans, a pull hands an entry's path out, then the plan is applied. The entry the pull
        // opened stays (reported as a refusal) and the path it printed still exists; the entry
        // nobody opened goes. Applying a stale plan as it stands deletes both.
        const QString cacheDir = m_dir.filePath(QStringLiteral("planned-cache"));
        CliRunner cli(cacheDir);
        const QByteArray usedBytes = component(300, 64 * 1024);
        const QByteArray idleBytes = component(301, 64 * 1024);
        const QString used = writeFile(QStringLiteral("used.wasm"), usedBytes);
        const QString idle = writeFile(QStringLiteral("idle.wasm"), idleBytes);
        QVERIFY(!used.isEmpty() && !idle.isEmpty());
        for (const QString& source : {used, idle}) {
            const CliResult r = cli.run({QStringLiteral("pull"), source});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        const Digest usedDigest = Sha256::hash(usedBytes);
        const Digest idleDigest = Sha256::hash(idleBytes);
        Cache cache(cacheDir);
        for (const Digest& d : {usedDigest, idleDigest}) { // both last opened long ago, as the plan sees it
            QVERIFY(cache.updateEntry(d, [](CacheEntry& e) {
                e.lastAccessedAt = 1;
                return true;
            }));
        }
        RetentionLimits limits;
        limits.maxBytes = 1;
        const auto input = Retention::gather(cache, limits);
        QVERIFY2(input, input ? "" : qPrintable(input.message()));
        const RetentionOutcome plan = Retention::evaluate(input.value());
        QCOMPARE(plan.report.evicted, 2);

        const CliResult pulled = cli.run({QStringLiteral("--json"), QStringLiteral("pull"), used});
        QVERIFY2(pulled.exitCode == 0, pulled.err.constData());
        const QString path
            = QJsonDocument::fromJson(pulled.out).object().value(QStringLiteral("cache_path")).toString();
        QVERIFY2(QFileInfo::exists(path), pulled.out.constData());

        BundleStore bundles(cacheDir);
        const RetentionReport applied = Retention::apply(cache, bundles, plan);
        QCOMPARE(applied.evicted, 1);
        QCOMPARE(applied.refusals, QStringList{usedDigest.toString()});
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));
        QVERIFY(cache.lookup(usedDigest));
        QCOMPARE(cache.lookup(idleDigest).code(), ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestCacheRace)
#include "tst_cacherace.moc"
