// SPDX-License-Identifier: MIT
#include <cache/Cache.h>
#include <cache/EntryIndex.h>
#include <cache/IngestFile.h>
#include <core/Sha256.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>

using namespace dist;

class TestEntryIndex : public QObject
{
    Q_OBJECT

    static CacheEntry put(Cache& cache, const QByteArray& bytes, qint64 lastAccess)
    {
        auto ingest = IngestFile::openTemporary(cache.ingestDir());
        (void)(*ingest)->write(bytes);
        CacheEntry e;
        e.digest = (*ingest)->finish().value();
        e.sizeBytes = bytes.size();
        e.fetchedAt = lastAccess;
        e.lastAccessedAt = lastAccess;
        e.artifactType = ArtifactType::Pack;
        return cache.commit(**ingest, e).value();
    }

    static const CacheEntry* find(const QList<CacheEntry>& list, const Digest& d)
    {
        for (const CacheEntry& e : list) {
            if (e.digest == d) {
                return &e;
            }
        }
        return nullptr;
    }

private Q_SLOTS:
    void summariesFollowTheEntries()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        const CacheEntry a = put(cache, "alpha", 10);
        const CacheEntry b = put(cache, "bravo-bytes", 20);
        EntryIndex index(cache);
        QList<CacheEntry> first = index.summaries();
        QCOMPARE(first.size(), 2);
        QVERIFY(QFile::exists(index.snapshotPath()));
        QCOMPARE(find(first, b.digest)->sizeBytes, qint64(11));
        QCOMPARE(find(first, b.digest)->artifactType, ArtifactType::Pack);
        QCOMPARE(find(first, a.digest)->lastAccessedAt, qint64(10));

        // A rewritten entry.json is picked up even though the snapshot says otherwise.
        CacheEntry changed = cache.stat(a.digest).value();
        changed.lastAccessedAt = 99;
        changed.state = EntryState::Corrupt;
        QVERIFY(cache.writeEntry(changed));
        const CacheEntry c = put(cache, "charlie", 30);
        QVERIFY(cache.remove(b.digest));
        QList<CacheEntry> second = index.summaries();
        QCOMPARE(second.size(), 2);
        QCOMPARE(find(second, a.digest)->lastAccessedAt, qint64(99));
        QCOMPARE(find(second, a.digest)->state, EntryState::Corrupt);
        QVERIFY(find(second, c.digest));
        QVERIFY(!find(second, b.digest));
        QVERIFY(second.at(0).digest < second.at(1).digest);
    }

    void emptiedCacheReadsBackEmpty()
    {
        // Retention can evict everything: the snapshot then holds no records, and reading it back
        // (UBSan watches the copy) gives an empty list, and the next entry shows up again.
        QTemporaryDir dir;
        Cache cache(dir.path());
        const CacheEntry a = put(cache, "only", 10);
        EntryIndex index(cache);
        QCOMPARE(index.summaries().size(), 1);
        QVERIFY(cache.remove(a.digest));
        QCOMPARE(index.summaries().size(), 0);
        QFile snapshot(index.snapshotPath());
        QVERIFY(snapshot.open(QIODevice::ReadOnly));
        QCOMPARE(snapshot.size(), qint64(8)); // the magic and nothing else
        snapshot.close();
        QCOMPARE(index.summaries().size(), 0);
        const CacheEntry b = put(cache, "again", 20);
        const QList<CacheEntry> after = index.summaries();
        QCOMPARE(after.size(), 1);
        QCOMPARE(after.first().digest, b.digest);
    }

    void snapshotIsOnlyACache()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        put(cache, "one", 1);
        put(cache, "two", 2);
        EntryIndex index(cache);
        const QList<CacheEntry> before = index.summaries();
        // garbage in the snapshot, then no snapshot at all: the answers stay the same
        QFile f(index.snapshotPath());
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("not a snapshot");
        f.close();
        QCOMPARE(index.summaries().size(), before.size());
        QVERIFY(QFile::remove(index.snapshotPath()));
        const QList<CacheEntry> after = index.summaries();
        QCOMPARE(after.size(), before.size());
        for (int i = 0; i < after.size(); ++i) {
            QCOMPARE(after.at(i).digest, before.at(i).digest);
            QCOMPARE(after.at(i).lastAccessedAt, before.at(i).lastAccessedAt);
        }
    }

    // Prefix directories are scanned on several threads: every entry is seen once, with its own
    // fields, and the problems come out in digest order whatever thread found them.
    void scanAcrossManyPrefixes()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        QList<CacheEntry> written;
        for (int i = 0; i < 600; ++i) {
            written.append(put(cache, "entry-" + QByteArray::number(i), 1000 + i));
        }
        std::sort(written.begin(), written.end(),
                  [](const CacheEntry& a, const CacheEntry& b) { return a.digest < b.digest; });
        QStringList brokenPaths;
        for (int i = 0; i < written.size(); i += 97) {
            QFile f(cache.entryPath(written.at(i).digest));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("[]");
            brokenPaths.append(f.fileName());
        }
        for (int round = 0; round < 2; ++round) { // cold (no snapshot), then from the snapshot
            QStringList problems;
            const QList<CacheEntry> got = EntryIndex(cache).summaries(&problems);
            QCOMPARE(got.size(), written.size() - brokenPaths.size());
            if (round == 0) {
                QCOMPARE(problems.size(), brokenPaths.size());
                for (int i = 0; i < problems.size(); ++i) {
                    QVERIFY2(problems.at(i).contains(brokenPaths.at(i)), qPrintable(problems.at(i)));
                }
            }
            int w = 0;
            for (const CacheEntry& e : got) {
                while (written.at(w).digest != e.digest) {
                    ++w;
                }
                QCOMPARE(e.lastAccessedAt, written.at(w).lastAccessedAt);
                QCOMPARE(e.sizeBytes, written.at(w).sizeBytes);
            }
        }
    }

    void summariesCarryWhatTheCacheTableShows()
    {
        // The window's table is filled from summaries: references, media type and the last
        // verification come back the same whether entry.json was parsed or the snapshot answered.
        QTemporaryDir dir;
        Cache cache(dir.path());
        CacheEntry a = put(cache, "with references", 10);
        a.rawRef = QStringLiteral("ghcr.io/greenticai/components/hello:1.0");
        a.canonicalRef = QStringLiteral("oci://ghcr.io/greenticai/components/hello:1.0");
        a.mediaType = QStringLiteral("application/vnd.wasm.component.v1+wasm");
        a.lastVerifiedAt = 12345;
        QVERIFY(cache.writeEntry(a));
        CacheEntry b = put(cache, "same canonical", 20);
        b.rawRef = QStringLiteral("./fichiers/été-ünïcode.wasm");
        b.canonicalRef = b.rawRef;
        b.mediaType = a.mediaType;
        QVERIFY(cache.writeEntry(b));
        const CacheEntry c = put(cache, "no references", 30);
        EntryIndex index(cache);
        const auto check = [&](const QList<CacheEntry>& got) {
            QCOMPARE(got.size(), 3);
            const CacheEntry* ga = find(got, a.digest);
            const CacheEntry* gb = find(got, b.digest);
            const CacheEntry* gc = find(got, c.digest);
            QVERIFY(ga && gb && gc);
            QCOMPARE(ga->rawRef, a.rawRef);
            QCOMPARE(ga->canonicalRef, a.canonicalRef);
            QCOMPARE(ga->mediaType, a.mediaType);
            QCOMPARE(ga->lastVerifiedAt, std::optional<qint64>(12345));
            QCOMPARE(gb->rawRef, b.rawRef);
            QCOMPARE(gb->canonicalRef, b.rawRef);
            QCOMPARE(gb->mediaType, a.mediaType);
            QCOMPARE(gb->lastVerifiedAt, std::nullopt);
            QVERIFY(gc->rawRef.isEmpty());
            QVERIFY(gc->mediaType.isEmpty());
            QCOMPARE(gc->sizeBytes, qint64(13));
        };
        check(index.summaries()); // parsed
        check(index.summaries()); // from the snapshot
        const auto remembered = index.remembered();
        QVERIFY(remembered);
        check(*remembered);
    }

    void rememberedIsTheLastScanWithoutLookingAtTheEntries()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        const CacheEntry a = put(cache, "first", 10);
        EntryIndex index(cache);
        QVERIFY(!index.remembered()); // no snapshot yet: nothing to show before a scan
        QCOMPARE(index.summaries().size(), 1);
        // Changes after the scan are not seen until the next one: remembered() reads no entry.
        const CacheEntry b = put(cache, "second", 20);
        QVERIFY(cache.remove(a.digest));
        auto old = index.remembered();
        QVERIFY(old);
        QCOMPARE(old->size(), 1);
        QCOMPARE(old->first().digest, a.digest);
        QCOMPARE(index.summaries().size(), 1);
        auto now = index.remembered();
        QVERIFY(now);
        QCOMPARE(now->size(), 1);
        QCOMPARE(now->first().digest, b.digest);
        // A damaged snapshot is no answer at all (rather than an empty cache).
        QFile f(index.snapshotPath());
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() - 3));
        f.close();
        QVERIFY(!index.remembered());
        QCOMPARE(index.summaries().size(), 1);
        QVERIFY(index.remembered());
    }

    void malformedEntriesAreReported()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        const CacheEntry bad = put(cache, "bad", 1);
        put(cache, "good", 2);
        QFile f(cache.entryPath(bad.digest));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{");
        f.close();
        QStringList problems;
        QCOMPARE(EntryIndex(cache).summaries(&problems).size(), 1);
        QCOMPARE(problems.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestEntryIndex)
#include "tst_entryindex.moc"
