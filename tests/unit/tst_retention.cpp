// SPDX-License-Identifier: MIT
#include <bundles/BundleStore.h>
#include <cache/Cache.h>
#include <cache/IngestFile.h>
#include <core/Sha256.h>
#include <retention/Retention.h>
#include <retention/RetentionRun.h>

#include "TestWaits.h"

#include <QLockFile>
#include <QSignalSpy>

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace dist;

namespace {

CacheEntry entry(const QByteArray& seed, qint64 size, qint64 fetchedAt, qint64 lastAccessedAt,
                 EntryState state = EntryState::Ready)
{
    CacheEntry e;
    e.digest = Sha256::hash(seed);
    e.sizeBytes = size;
    e.fetchedAt = fetchedAt;
    e.lastAccessedAt = lastAccessedAt;
    e.state = state;
    return e;
}

QString idOf(const CacheEntry& e)
{
    return BundleId::forDigest(e.digest);
}

const RetentionDecision& decisionFor(const RetentionOutcome& o, const CacheEntry& e)
{
    for (const RetentionDecision& d : o.decisions) {
        if (d.cacheKey == e.digest) {
            return d;
        }
    }
    qFatal("no decision");
}

} // namespace

class TestRetention : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void protectionsInOrder()
    {
        RetentionInput in;
        in.now = 1000;
        const QList<QByteArray> seeds = {"active", "session", "warming", "ready", "draining", "staged", "plain"};
        for (const QByteArray& s : seeds) {
            in.entries.append(entry(s, 10, 1, 1));
        }
        // "active" is also staged and in a session: the first protection in the order wins.
        in.activeBundleIds = {idOf(in.entries[0])};
        in.sessionBundleIds = {idOf(in.entries[0]), idOf(in.entries[1])};
        in.warmingBundleIds = {idOf(in.entries[2])};
        in.readyBundleIds = {idOf(in.entries[3])};
        in.drainingBundleIds = {idOf(in.entries[4])};
        in.stagedBundleIds = {idOf(in.entries[0]), idOf(in.entries[5])};
        in.maxCacheBytes = 1; // everything unprotected must go
        const RetentionOutcome o = Retention::evaluate(in);
        const QStringList expected
            = {QStringLiteral("active_bundle"), QStringLiteral("session_reference"), QStringLiteral("warming_bundle"),
               QStringLiteral("ready_bundle"),  QStringLiteral("draining_bundle"),   QStringLiteral("staged_bundle"),
               QStringLiteral("cache_budget")};
        QCOMPARE(o.decisions.size(), 7);
        for (int i = 0; i < 7; ++i) {
            QCOMPARE(o.decisions.at(i).cacheKey, in.entries.at(i).digest); // input order
            QCOMPARE(o.decisions.at(i).reasonCode, expected.at(i));
            QCOMPARE(o.decisions.at(i).decision, i < 6 ? RetentionDecisionKind::Protect : RetentionDecisionKind::Evict);
        }
        QCOMPARE(o.decisions.at(0).reasonDetail, QStringLiteral("bundle is currently active"));
        QCOMPARE(o.report.protectedEntries, 6);
        QCOMPARE(o.report.evicted, 1);
        QCOMPARE(o.report.scannedEntries, 7);
    }

    void withinPolicyIsKept()
    {
        RetentionInput in;
        in.now = 100;
        in.entries = {entry("a", 10, 1, 1)};
        const RetentionOutcome o = Retention::evaluate(in);
        QCOMPARE(o.decisions.first().decision, RetentionDecisionKind::Keep);
        QCOMPARE(o.decisions.first().reasonCode, QStringLiteral("within_policy"));
        QCOMPARE(o.decisions.first().reasonDetail, QStringLiteral("entry remains available"));
    }

    void corruptFirstThenLeastRecentlyUsed()
    {
        RetentionInput in;
        in.now = 10000;
        const CacheEntry old = entry("old", 100, 1, 10);
        const CacheEntry corrupt = entry("corrupt", 100, 500, 9000, EntryState::Corrupt);
        const CacheEntry recentlyUsed = entry("fetched-first", 100, 0, 9500); // oldest fetch, newest use
        const CacheEntry middle = entry("middle", 100, 200, 5000);
        in.entries = {recentlyUsed, middle, corrupt, old};
        in.maxCacheBytes = 250; // 400 bytes: two evictions bring it to 200
        const RetentionOutcome o = Retention::evaluate(in);
        QCOMPARE(decisionFor(o, corrupt).reasonCode, QStringLiteral("corrupt_entry"));
        QCOMPARE(decisionFor(o, old).reasonCode, QStringLiteral("cache_budget"));
        QCOMPARE(decisionFor(o, middle).decision, RetentionDecisionKind::Keep);
        // LRU means last use, not first fetch: the entry fetched first but used last stays.
        QCOMPARE(decisionFor(o, recentlyUsed).decision, RetentionDecisionKind::Keep);
    }

    void corruptIsEvictedEvenWithinBudget()
    {
        RetentionInput in;
        in.now = 10;
        const CacheEntry corrupt = entry("c", 1, 1, 1, EntryState::Corrupt);
        in.entries = {corrupt, entry("ok", 1, 1, 1)};
        const RetentionOutcome o = Retention::evaluate(in);
        QCOMPARE(decisionFor(o, corrupt).decision, RetentionDecisionKind::Evict);
        QCOMPARE(o.report.evicted, 1);
    }

    void protectedCorruptIsNeverEvicted()
    {
        RetentionInput in;
        in.now = 10;
        const CacheEntry corrupt = entry("c", 1, 1, 1, EntryState::Corrupt);
        in.entries = {corrupt};
        in.readyBundleIds = {idOf(corrupt)};
        in.maxCacheBytes = 1;
        in.maxEntryAgeSeconds = 0;
        QCOMPARE(Retention::evaluate(in).decisions.first().decision, RetentionDecisionKind::Protect);
    }

    void cacheKeyBreaksTies()
    {
        RetentionInput in;
        in.now = 100;
        QList<CacheEntry> same;
        for (const QByteArray s : {"t1", "t2", "t3", "t4"}) {
            same.append(entry(s, 10, 5, 5));
        }
        in.entries = same;
        in.maxCacheBytes = 25; // 40 bytes: evict two
        const RetentionOutcome o = Retention::evaluate(in);
        QList<Digest> sorted;
        for (const CacheEntry& e : same) {
            sorted.append(e.digest);
        }
        std::sort(sorted.begin(), sorted.end());
        for (const RetentionDecision& d : o.decisions) {
            const bool shouldGo = d.cacheKey == sorted.at(0) || d.cacheKey == sorted.at(1);
            QCOMPARE(d.decision == RetentionDecisionKind::Evict, shouldGo);
        }
    }

    void maxAgeIsStrict()
    {
        RetentionInput in;
        in.now = 1000;
        const CacheEntry exactly = entry("exact", 1, 0, 900);
        const CacheEntry older = entry("older", 1, 0, 899);
        in.entries = {exactly, older};
        in.maxEntryAgeSeconds = 100;
        const RetentionOutcome o = Retention::evaluate(in);
        QCOMPARE(decisionFor(o, exactly).decision, RetentionDecisionKind::Keep);
        QCOMPARE(decisionFor(o, older).reasonCode, QStringLiteral("max_age_exceeded"));
        QCOMPARE(decisionFor(o, older).reasonDetail, QStringLiteral("entry exceeded retention age"));
    }

    void budgetStopsWhenMet()
    {
        RetentionInput in;
        in.now = 100;
        in.entries = {entry("a", 40, 1, 1), entry("b", 40, 1, 2), entry("c", 40, 1, 3)};
        in.maxCacheBytes = 80;
        const RetentionOutcome o = Retention::evaluate(in);
        QCOMPARE(o.report.evicted, 1);
        QCOMPARE(decisionFor(o, in.entries[0]).decision, RetentionDecisionKind::Evict);
    }

    void rollbackDepth()
    {
        RetentionInput in;
        in.now = 100;
        const CacheEntry a = entry("a", 10, 1, 1);
        const CacheEntry b = entry("b", 10, 2, 1);
        const CacheEntry c = entry("c", 10, 3, 1);
        const CacheEntry d = entry("d", 10, 4, 1);
        in.entries = {d, a, c, b};
        in.maxCacheBytes = 1;
        in.minimumRollbackDepth = 2;
        in.activeBundleIds = {idOf(d)}; // the newest is active, so rollback keeps the next two
        const RetentionOutcome o = Retention::evaluate(in);
        QCOMPARE(decisionFor(o, d).reasonCode, QStringLiteral("active_bundle"));
        QCOMPARE(decisionFor(o, c).reasonCode, QStringLiteral("rollback_depth"));
        QCOMPARE(decisionFor(o, b).reasonCode, QStringLiteral("rollback_depth"));
        QCOMPARE(decisionFor(o, c).reasonDetail, QStringLiteral("bundle is protected for rollback depth"));
        QCOMPARE(decisionFor(o, a).decision, RetentionDecisionKind::Evict);
        // With staged ids, the rollback set is drawn from them (and they show as staged).
        in.activeBundleIds.clear();
        in.stagedBundleIds = {idOf(a), idOf(b)};
        const RetentionOutcome s = Retention::evaluate(in);
        QCOMPARE(decisionFor(s, a).reasonCode, QStringLiteral("staged_bundle"));
        QCOMPARE(decisionFor(s, c).decision, RetentionDecisionKind::Evict);
        QCOMPARE(decisionFor(s, d).decision, RetentionDecisionKind::Evict);
    }

    void deterministic()
    {
        RetentionInput in;
        in.now = 5000;
        QRandomGenerator rng(42);
        for (int i = 0; i < 500; ++i) {
            in.entries.append(entry(QByteArray::number(i), rng.bounded(1000), rng.bounded(100), rng.bounded(5000),
                                    rng.bounded(10) == 0 ? EntryState::Corrupt : EntryState::Ready));
            if (i % 17 == 0) {
                in.stagedBundleIds.append(idOf(in.entries.last()));
            }
        }
        in.maxCacheBytes = 100000;
        in.maxEntryAgeSeconds = 4000;
        in.minimumRollbackDepth = 3;
        const QByteArray first = Retention::evaluate(in).toJson();
        QCOMPARE(Retention::evaluate(in).toJson(), first);
        // the same entries in another order get the same decisions
        RetentionInput shuffled = in;
        std::reverse(shuffled.entries.begin(), shuffled.entries.end());
        const RetentionOutcome a = Retention::evaluate(in);
        const RetentionOutcome b = Retention::evaluate(shuffled);
        for (const CacheEntry& e : in.entries) {
            QCOMPARE(decisionFor(a, e).decision, decisionFor(b, e).decision);
            QCOMPARE(decisionFor(a, e).reasonCode, decisionFor(b, e).reasonCode);
        }
    }

    void jsonShape()
    {
        RetentionInput in;
        in.now = 10;
        in.entries = {entry("a", 1, 1, 1)};
        const QByteArray json = Retention::evaluate(in).toJson();
        QVERIFY(json.startsWith("{\n  \"decisions\": [\n    {\n      \"cache_key\": \"sha256:"));
        QVERIFY(json.contains("\"decision\": \"Keep\",\n      \"reason_code\": \"within_policy\""));
        QVERIFY(json.contains("\"report\": {\n    \"scanned_entries\": 1,\n    \"kept\": 1,\n    \"evicted\": 0,\n    "
                              "\"protected\": 0,\n    \"bytes_reclaimed\": 0,\n    \"refusals\": []\n  }"));
    }

    void applyRemovesEntriesAndRecords()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        BundleStore bundles(dir.path());
        QList<CacheEntry> entries;
        for (const QByteArray s : {"one", "two"}) {
            auto ingest = IngestFile::openTemporary(cache.ingestDir());
            QVERIFY((*ingest)->write(s));
            CacheEntry e = entry(s, s.size(), 1, 1);
            entries.append(cache.commit(**ingest, e).value());
            QVERIFY(bundles.write(BundleRecord{BundleId::forDigest(e.digest), e.digest, QStringLiteral("x"),
                                               QStringLiteral("File"), 1, BundleState::Inactive}));
        }
        RetentionInput in;
        in.entries = entries;
        in.now = 10;
        in.maxEntryAgeSeconds = 0;
        RetentionOutcome o = Retention::evaluate(in);
        QCOMPARE(o.report.evicted, 2);
        // one of them disappears before apply: a refusal, not a failure
        QVERIFY(cache.remove(entries.at(1).digest));
        const RetentionReport r = Retention::apply(cache, bundles, o);
        QCOMPARE(r.evicted, 1);
        QCOMPARE(r.bytesReclaimed, qint64(3));
        QCOMPARE(r.refusals, QStringList{entries.at(1).digest.toString()});
        QVERIFY(cache.digests().isEmpty());
        QCOMPARE(bundles.stat(BundleId::forDigest(entries.at(0).digest)).code(), ErrorCode::NotFound);
    }

    void applyReportsEachEntryAndStopsWhenAsked()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        BundleStore bundles(dir.path());
        QList<CacheEntry> entries;
        for (const QByteArray s : {"alpha", "bravo", "charlie"}) {
            auto ingest = IngestFile::openTemporary(cache.ingestDir());
            QVERIFY((*ingest)->write(s));
            entries.append(cache.commit(**ingest, entry(s, s.size(), 1, 1)).value());
        }
        RetentionInput in;
        in.entries = entries;
        in.now = 10;
        in.maxEntryAgeSeconds = 0;
        const RetentionOutcome o = Retention::evaluate(in);
        QCOMPARE(o.report.evicted, 3);
        // Every step when nobody stops it: done counts up to the total, each with its bytes.
        QList<EvictStep> steps;
        QVERIFY(cache.remove(entries.at(2).digest)); // gone before apply: a step that stayed
        RetentionReport r = Retention::apply(cache, bundles, o, [&steps](const EvictStep& s) {
            steps.append(s);
            return true;
        });
        QCOMPARE(steps.size(), 3);
        QCOMPARE(r.cancelled, false);
        qint64 freed = 0;
        for (int i = 0; i < steps.size(); ++i) {
            QCOMPARE(steps.at(i).done, i + 1);
            QCOMPARE(steps.at(i).total, 3);
            freed += steps.at(i).bytes;
        }
        QCOMPARE(freed, r.bytesReclaimed);
        QCOMPARE(r.evicted, 2);
        const auto gone = std::find_if(steps.cbegin(), steps.cend(),
                                       [&](const EvictStep& s) { return s.digest == entries.at(2).digest.toString(); });
        QVERIFY(gone != steps.cend());
        QVERIFY(!gone->evicted);
        QCOMPARE(gone->outcome, QStringLiteral("already gone"));
        QCOMPARE(gone->bytes, qint64(0));

        // Stopped after the first: the report says so and the rest stay.
        QList<CacheEntry> again;
        for (const QByteArray s : {"delta", "echo", "foxtrot"}) {
            auto ingest = IngestFile::openTemporary(cache.ingestDir());
            QVERIFY((*ingest)->write(s));
            again.append(cache.commit(**ingest, entry(s, s.size(), 1, 1)).value());
        }
        in.entries = again;
        int heard = 0;
        r = Retention::apply(cache, bundles, Retention::evaluate(in), [&heard](const EvictStep&) {
            ++heard;
            return false;
        });
        QCOMPARE(heard, 1);
        QVERIFY(r.cancelled);
        QCOMPARE(r.evicted, 1);
        QCOMPARE(cache.digests().size(), 2);
    }

    void runWaitsForTheCacheLockAndPlansAfresh()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto addCorrupt = [&](const QByteArray& s) {
            auto ingest = IngestFile::openTemporary(cache.ingestDir());
            QVERIFY((*ingest)->write(s));
            auto committed = cache.commit(**ingest, entry(s, s.size(), 1, 1));
            QVERIFY2(committed, qPrintable(committed ? QString() : committed.message()));
            CacheEntry e = committed.value();
            e.state = EntryState::Corrupt; // evicted whatever the limits
            QVERIFY(cache.writeEntry(e));
        };
        addCorrupt("first");
        QLockFile held(cache.cacheLockPath());
        QVERIFY(held.tryLock(0));

        // Busy for longer than the caller will wait: a LockBusy error that names the cache.
        std::optional<Result<RetentionApplied>> busy;
        RetentionRun::start(
            dir.path(), RetentionLimits{}, this, [&](Result<RetentionApplied> r) { busy = r; }, {}, 0);
        QTRY_VERIFY_WITH_TIMEOUT(busy.has_value(), test::scaled(5000));
        QVERIFY2(!*busy, "the run went ahead although another process held the cache lock");
        QCOMPARE(busy->detail(), ErrorDetail::LockBusy);
        QVERIFY2(busy->message().contains(dir.path()), qPrintable(busy->message()));
        QCOMPARE(cache.digests().size(), 1);

        // Started while the lock is held, the run waits; what it plans is the cache once it has the
        // lock, so an entry written meanwhile is part of it.
        std::optional<Result<RetentionApplied>> applied;
        bool waiting = false;
        RetentionRun::start(
            dir.path(), RetentionLimits{}, this, [&](Result<RetentionApplied> r) { applied = r; },
            [&] { waiting = true; });
        QTRY_VERIFY_WITH_TIMEOUT(waiting, test::scaled(5000));
        addCorrupt("second");
        QVERIFY(!applied.has_value());
        held.unlock();
        QTRY_VERIFY_WITH_TIMEOUT(applied.has_value(), test::scaled(10000));
        QVERIFY2(*applied, qPrintable(*applied ? QString() : applied->message()));
        QCOMPARE((*applied)->report.evicted, 2);
        QVERIFY(cache.digests().isEmpty());
        QVERIFY(QLockFile(cache.cacheLockPath()).tryLock(0)); // released after the run
    }

    void capAfterWriteProtectsStaged()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        BundleStore bundles(dir.path());
        auto put = [&](const QByteArray& bytes, qint64 lastAccess) {
            auto ingest = IngestFile::openTemporary(cache.ingestDir());
            (void)(*ingest)->write(bytes);
            return cache.commit(**ingest, entry(bytes, bytes.size(), lastAccess, lastAccess)).value();
        };
        const CacheEntry staged = put("staged--", 1);
        const CacheEntry archived = put("archived", 2);
        const CacheEntry fresh = put("freshone", 3);
        QVERIFY(bundles.write(
            {BundleId::forDigest(staged.digest), staged.digest, {}, QStringLiteral("File"), 1, BundleState::Staged}));
        QVERIFY(bundles.write({BundleId::forDigest(archived.digest),
                               archived.digest,
                               {},
                               QStringLiteral("File"),
                               2,
                               BundleState::Archived}));
        auto report = Retention::enforceCap(cache, fresh.digest, 16); // 24 bytes cached, cap 16
        QVERIFY(report);
        QCOMPARE(report->evicted, 1);
        QVERIFY(cache.stat(staged.digest));
        QVERIFY(cache.stat(fresh.digest));
        QCOMPARE(cache.stat(archived.digest).code(), ErrorCode::NotFound);
        QCOMPARE(bundles.stat(BundleId::forDigest(archived.digest)).code(), ErrorCode::NotFound);
        // everything protected: nothing to evict even when still over the cap
        auto none = Retention::enforceCap(cache, fresh.digest, 1);
        QCOMPARE(none->evicted, 0);
        // a malformed record fails the write that triggered enforcement
        QFile bad(bundles.directory() + QStringLiteral("/broken.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{");
        bad.close();
        QCOMPARE(Retention::enforceCap(cache, fresh.digest, 1000).code(), ErrorCode::Cache);
    }

    void capFromEnvironment()
    {
        qunsetenv("GREENTIC_CACHE_MAX_BYTES");
        QCOMPARE(Retention::cacheCapFromEnvironment(), qint64(3221225472));
        qputenv("GREENTIC_CACHE_MAX_BYTES", "1024");
        QCOMPARE(Retention::cacheCapFromEnvironment(), qint64(1024));
        qputenv("GREENTIC_CACHE_MAX_BYTES", "lots");
        QCOMPARE(Retention::cacheCapFromEnvironment(), qint64(3221225472));
        qunsetenv("GREENTIC_CACHE_MAX_BYTES");
    }
};

QTEST_GUILESS_MAIN(TestRetention)
#include "tst_retention.moc"
