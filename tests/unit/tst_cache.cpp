// SPDX-License-Identifier: MIT
#include <cache/Cache.h>
#include <cache/CacheLayout.h>
#include <cache/IngestFile.h>
#include <client/CacheMaintenance.h>
#include <core/Sha256.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <QElapsedTimer>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>

using namespace dist;

class TestCache : public QObject
{
    Q_OBJECT

    static CacheEntry entryFor(const Digest& d, qint64 size)
    {
        CacheEntry e;
        e.digest = d;
        e.mediaType = QStringLiteral("application/wasm");
        e.sizeBytes = size;
        e.sourceKind = QStringLiteral("File");
        e.rawRef = QStringLiteral("./x.wasm");
        e.canonicalRef = QStringLiteral("file:///x.wasm@") + d.toString();
        e.fetchedAt = 100;
        e.lastAccessedAt = 100;
        e.sourceSnapshot = {e.rawRef, e.canonicalRef, e.sourceKind, false};
        return e;
    }

    // Ingests bytes the way a download does and commits them.
    static Result<CacheEntry> put(Cache& cache, const QByteArray& bytes, qint64 fetchedAt = 100)
    {
        auto ingest = IngestFile::openTemporary(cache.ingestDir());
        if (!ingest) {
            return ingest.error();
        }
        if (auto w = (*ingest)->write(bytes); !w) {
            return w.error();
        }
        auto d = (*ingest)->finish();
        CacheEntry entry = entryFor(d.value(), bytes.size());
        entry.fetchedAt = fetchedAt;
        entry.lastAccessedAt = fetchedAt;
        return cache.commit(**ingest, entry);
    }

    // Feeds bytes through writeBuffer/commitBuffer the way HttpExchange does, in uneven reads.
    static bool stream(IngestFile& f, const QByteArray& data)
    {
        static const qint64 reads[] = {4093, 70001, 1, 16384, 333333, 65536, 7};
        qint64 at = 0;
        for (int i = 0; at < data.size(); ++i) {
            qint64 capacity = 0;
            char* buffer = f.writeBuffer(&capacity);
            const qint64 n = std::min({capacity, reads[i % 7], qint64(data.size()) - at});
            std::memcpy(buffer, data.constData() + at, static_cast<size_t>(n));
            if (!f.commitBuffer(n)) {
                return false;
            }
            at += n;
        }
        return true;
    }
    static QByteArray pattern(qint64 size, int seed)
    {
        QByteArray data(size, Qt::Uninitialized);
        for (qint64 i = 0; i < size; ++i) {
            data[i] = static_cast<char>((i * 7 + seed) ^ (i >> 8));
        }
        return data;
    }
    static QByteArray readAll(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private Q_SLOTS:
    void layoutIsTheRustOne()
    {
        // Written out here on purpose: a change to CacheLayout that moves a path breaks caches shared
        // with the Rust client, and must show up as a failing test.
        const CacheLayout l(QStringLiteral("/c"));
        const Digest d = Sha256::hash(QByteArray("layout"));
        const QString hex = d.hex();
        QCOMPARE(l.entryDir(d), QStringLiteral("/c/artifacts/sha256/") + hex.left(2) + u'/' + hex.mid(2));
        QCOMPARE(l.blobPath(d), l.entryDir(d) + QStringLiteral("/blob"));
        QCOMPARE(l.entryPath(d), l.entryDir(d) + QStringLiteral("/entry.json"));
        QCOMPARE(l.lockPath(d), QStringLiteral("/c/ingest/") + hex + QStringLiteral(".lock"));
        QCOMPARE(l.partialPath(d), QStringLiteral("/c/ingest/") + hex + QStringLiteral(".partial"));
        QCOMPARE(l.anonymousPartialPath(0xabc), QStringLiteral("/c/ingest/tmp-0000000000000abc.partial"));
        QCOMPARE(l.cacheLockPath(), QStringLiteral("/c/cache.lock"));
        QCOMPARE(l.manifestIndexPath(d), QStringLiteral("/c/index/manifests/sha256/") + hex);
        QCOMPARE(l.bundlesDir(), QStringLiteral("/c/bundles"));
        QCOMPARE(l.releaseIndexPath(QStringLiteral("stable"), QStringLiteral("1.2")),
                 QStringLiteral("/c/release-index/v1/stable/1.2.json"));
        QString owner;
        QCOMPARE(CacheLayout::classifyIngest(hex + QStringLiteral(".partial"), &owner),
                 CacheLayout::IngestKind::Partial);
        QCOMPARE(owner, hex);
        QCOMPARE(CacheLayout::classifyIngest(QFileInfo(l.stagingDir(d, 7)).fileName(), &owner),
                 CacheLayout::IngestKind::Staging);
        QCOMPARE(CacheLayout::classifyIngest(QFileInfo(l.trashDir(d, 7)).fileName(), &owner),
                 CacheLayout::IngestKind::Staging);
        QCOMPARE(CacheLayout::classifyIngest(QStringLiteral("tmp-0000000000000abc.partial"), &owner),
                 CacheLayout::IngestKind::AnonymousPartial);
        QCOMPARE(CacheLayout::classifyIngest(QStringLiteral("notes.txt"), &owner), CacheLayout::IngestKind::Other);
    }

    void removalDuringAnUpdateNeverLeavesEntryJsonWithoutItsBlob()
    {
        // An update that read the entry just before another process removed it must not write it
        // back: entry.json without its blob blocks every later commit of that digest. The removal
        // starts while the update holds the entry's lock, between its read and its write.
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto put1 = put(cache, QByteArrayLiteral("removed while updated"));
        QVERIFY(put1);
        const Digest d = put1->digest;
        std::atomic<bool> removed{false};
        std::thread remover;
        auto updated = cache.updateEntry(d, [&](CacheEntry& e) {
            remover = std::thread([&cache, &removed, d] { removed = cache.remove(d).ok(); });
            // Gives an unlocked removal every chance to finish first; a locked one waits for us.
            QElapsedTimer t;
            t.start();
            while (!removed && t.elapsed() < 500) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            e.lastAccessedAt = 42;
            return true;
        });
        remover.join();
        QVERIFY2(updated, qPrintable(updated ? QString() : updated.message()));
        QVERIFY(removed);
        QVERIFY2(!QFileInfo::exists(cache.entryPath(d)), "the update wrote back an entry that was removed");
        QCOMPARE(cache.stat(d).code(), ErrorCode::NotFound);
        // And the digest can be committed afresh.
        QVERIFY(put(cache, QByteArrayLiteral("removed while updated")));
        QVERIFY(cache.stat(d));
    }

    void updateEntryNeverLosesAConcurrentChange()
    {
        // Two writers of one entry.json: a last-used update that takes its time and a Corrupt mark
        // that arrives meanwhile. Both changes survive, in either order; an update that read the
        // file before the mark and wrote after it would erase the mark.
        QTemporaryDir dir;
        Cache cache(dir.path());
        QVERIFY(put(cache, "contended"));
        const Digest d = Sha256::hash("contended");
        std::atomic<bool> markStarted = false;
        std::atomic<bool> markDone = false;
        std::thread slow([&] {
            Cache mine(dir.path());
            (void)mine.updateEntry(d, [&](CacheEntry& e) {
                QElapsedTimer waited;
                waited.start();
                while (!markStarted) {
                    std::this_thread::yield();
                }
                // Give the mark every chance to land inside this read-modify-write: it cannot
                // while the update lock is held, so this waits out its bound.
                while (!markDone && waited.elapsed() < 500) {
                    std::this_thread::yield();
                }
                e.lastAccessedAt = 4242;
                return true;
            });
        });
        std::thread mark([&] {
            Cache mine(dir.path());
            markStarted = true;
            (void)mine.updateEntry(d, [](CacheEntry& e) {
                e.state = EntryState::Corrupt;
                return true;
            });
            markDone = true;
        });
        slow.join();
        mark.join();
        const auto after = cache.stat(d);
        QVERIFY(after);
        QCOMPARE(after->state, EntryState::Corrupt);
        QCOMPARE(after->lastAccessedAt, qint64(4242));
    }

    void commitStatOpen()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto e = put(cache, "hello-component");
        QVERIFY2(e, qPrintable(e ? QString() : e.message()));
        const Digest d = Sha256::hash("hello-component");
        QCOMPARE(e->digest, d);
        QVERIFY(QFile::exists(dir.path() + QStringLiteral("/artifacts/sha256/") + d.hex().left(2) + u'/'
                              + d.hex().mid(2) + QStringLiteral("/blob")));
        QCOMPARE(cache.digests(), QList<Digest>{d});
        auto s = cache.stat(d);
        QVERIFY(s);
        QCOMPARE(s->localPath, cache.blobPath(d));
        QCOMPARE(s->lastAccessedAt, qint64(100));
        // open records the access: real LRU, not "least recently fetched"
        auto o = cache.open(d);
        QVERIFY(o);
        QVERIFY(o->lastAccessedAt >= QDateTime::currentSecsSinceEpoch() - 5);
        QCOMPARE(cache.stat(d)->lastAccessedAt, o->lastAccessedAt);
        QCOMPARE(cache.stat(d)->fetchedAt, qint64(100));
        // nothing left behind in ingest/
        QCOMPARE(QDir(cache.ingestDir()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
    }

    void missingEntryIsNotFound()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto s = cache.stat(Sha256::hash("x"));
        QVERIFY(!s);
        QCOMPARE(s.code(), ErrorCode::NotFound);
    }

    void missingBlobIsCorruptNotMiss()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto e = put(cache, "abc");
        QVERIFY(QFile::remove(cache.blobPath(e->digest)));
        auto s = cache.stat(e->digest);
        QVERIFY(!s);
        QCOMPARE(s.code(), ErrorCode::Integrity);
        QVERIFY(s.message().contains(QLatin1String("blob is missing")));
    }

    void malformedEntryIsCacheError()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto e = put(cache, "abc");
        auto good = put(cache, "def");
        QFile f(cache.entryPath(e->digest));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("{ broken");
        f.close();
        QCOMPARE(cache.stat(e->digest).code(), ErrorCode::Cache);
        QStringList problems;
        const auto entries = cache.entries(&problems);
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().digest, good->digest);
        QCOMPARE(problems.size(), 1);
    }

    void directoryWithoutEntryJsonIsInvisible()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        const Digest d = Sha256::hash("orphan");
        QVERIFY(QDir().mkpath(cache.entryDir(d)));
        QFile blob(cache.blobPath(d));
        QVERIFY(blob.open(QIODevice::WriteOnly));
        blob.write("orphan");
        blob.close();
        QVERIFY(cache.digests().isEmpty());
        QCOMPARE(cache.stat(d).code(), ErrorCode::NotFound);
        // a later commit of the same digest replaces the leftover
        auto e = put(cache, "orphan");
        QVERIFY(e);
        QCOMPARE(cache.digests().size(), 1);
    }

    void secondCommitOfSameDigestKeepsFirst()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto first = put(cache, "same", 100);
        auto second = put(cache, "same", 200);
        QVERIFY(first && second);
        // The entry already there wins: the second commit reports it and does not rewrite it.
        QCOMPARE(first->fetchedAt, qint64(100));
        QCOMPARE(second->fetchedAt, qint64(100));
        QCOMPARE(cache.stat(first->digest)->fetchedAt, qint64(100));
        QCOMPARE(cache.digests().size(), 1);
        QVERIFY(QDir(cache.ingestDir()).entryList({QStringLiteral("*.partial")}).isEmpty());
    }

    void manifestIndex()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto e = put(cache, "layer-bytes");
        const Digest manifest = Sha256::hash("manifest");
        QVERIFY(!cache.lookup(manifest));
        QVERIFY(cache.recordManifest(manifest, e->digest));
        auto hit = cache.lookup(manifest);
        QVERIFY(hit);
        QCOMPARE(hit->digest, e->digest);
        QVERIFY(cache.lookup(e->digest));
        QVERIFY(cache.remove(e->digest));
        QCOMPARE(cache.lookup(manifest).code(), ErrorCode::NotFound);
    }

    void removeReportsBytes()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto e = put(cache, QByteArray(1000, 'z'));
        auto bytes = cache.remove(e->digest);
        QVERIFY(bytes);
        QVERIFY(bytes.value() >= 1000);
        QVERIFY(!QFile::exists(cache.entryDir(e->digest)));
        QCOMPARE(cache.remove(e->digest).code(), ErrorCode::NotFound);
    }

    void ingestResumesAfterCrash()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        QByteArray data(3 * 1024 * 1024, Qt::Uninitialized);
        for (int i = 0; i < data.size(); ++i) {
            data[i] = static_cast<char>((i * 7) ^ (i >> 8));
        }
        const Digest d = Sha256::hash(data);
        {
            auto first = IngestFile::openForDigest(cache.ingestDir(), d, data.size(), true);
            QVERIFY(first);
            QVERIFY((*first)->write(data.left(1000000)));
            // dropped without finish(): what a killed process leaves behind
        }
        auto resumed = IngestFile::openForDigest(cache.ingestDir(), d, data.size(), true);
        QVERIFY(resumed);
        QCOMPARE((*resumed)->size(), qint64(1000000));
        QCOMPARE((*resumed)->resumedFrom(), qint64(1000000));
        QVERIFY((*resumed)->write(data.mid(1000000)));
        auto digest = (*resumed)->finish();
        QVERIFY(digest);
        QCOMPARE(digest.value(), d);
    }

    // Whole buffers may bypass the page cache (direct I/O) and the tail may not: the file must hold
    // exactly the bytes received, in order, whatever the read sizes were.
    void streamedIngestKeepsEveryByte_data()
    {
        // the temporary directory's file system (direct I/O on ext4/xfs/btrfs), and tmpfs (buffered)
        QTest::addColumn<QString>("base");
        QTest::newRow("tmp") << QDir::tempPath();
        if (QFileInfo(QStringLiteral("/dev/shm")).isWritable()) {
            QTest::newRow("tmpfs") << QStringLiteral("/dev/shm");
        }
    }
    void streamedIngestKeepsEveryByte()
    {
        QFETCH(QString, base);
        QTemporaryDir dir(base + QStringLiteral("/tst_cache-XXXXXX"));
        QVERIFY(dir.isValid());
        Cache cache(dir.path());
        for (const qint64 size : {qint64(0), qint64(1), qint64(4096), qint64(1) << 20, (qint64(5) << 20) + 4097}) {
            const QByteArray data = pattern(size, int(size % 251));
            const Digest d = Sha256::hash(data);
            auto f = IngestFile::openForDigest(cache.ingestDir(), d, size, false);
            QVERIFY(f);
            QVERIFY(stream(**f, data));
            QCOMPARE((*f)->size(), size);
            const QString path = (*f)->path();
            auto digest = (*f)->finish();
            QVERIFY(digest);
            QCOMPARE(digest.value(), d);
            QCOMPARE(readAll(path), data);
            // small writes after a finished stream's descriptor is gone are not possible; a new
            // file mixing both paths must still be in order
            auto mixed = IngestFile::openTemporary(cache.ingestDir());
            QVERIFY(mixed);
            QVERIFY(stream(**mixed, data));
            QVERIFY((*mixed)->write(QByteArray("tail")));
            const QString mixedPath = (*mixed)->path();
            QCOMPARE((*mixed)->finish().value(), Sha256::hash(data + "tail"));
            QCOMPARE(readAll(mixedPath), data + "tail");
        }
    }

    // A pull that stops mid-stream (error, cancel) leaves every byte it received in the partial,
    // including the part of a buffer that was not full yet, so the next pull resumes after them;
    // a resume from an unaligned offset streams the rest correctly.
    void streamedIngestResumesWithEveryReceivedByte()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        const QByteArray data = pattern((qint64(3) << 20) + 12345, 3);
        const Digest d = Sha256::hash(data);
        const qint64 cut = (qint64(2) << 20) + 777;
        {
            auto first = IngestFile::openForDigest(cache.ingestDir(), d, data.size(), true);
            QVERIFY(first);
            QVERIFY(stream(**first, data.left(cut)));
            QCOMPARE((*first)->size(), cut);
        }
        auto resumed = IngestFile::openForDigest(cache.ingestDir(), d, data.size(), true);
        QVERIFY(resumed);
        QCOMPARE((*resumed)->resumedFrom(), cut);
        QVERIFY(stream(**resumed, data.mid(cut)));
        QCOMPARE((*resumed)->finish().value(), d);
    }

    // The server ignored a Range request: what was streamed so far is dropped, pending bytes too.
    void streamedIngestRestart()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        const QByteArray junk = pattern((qint64(1) << 20) + 5000, 1);
        const QByteArray data = pattern((qint64(2) << 20) + 3, 2);
        auto f = IngestFile::openTemporary(cache.ingestDir());
        QVERIFY(f);
        QVERIFY(stream(**f, junk));
        QVERIFY((*f)->restart());
        QCOMPARE((*f)->size(), qint64(0));
        QVERIFY(stream(**f, data));
        const QString path = (*f)->path();
        QCOMPARE((*f)->finish().value(), Sha256::hash(data));
        QCOMPARE(readAll(path), data);
    }

    // discard() while buffers are still queued must not write into a closed (or reused) descriptor.
    void streamedIngestDiscard()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto f = IngestFile::openTemporary(cache.ingestDir());
        QVERIFY(f);
        QVERIFY(stream(**f, pattern(qint64(6) << 20, 4)));
        const QString path = (*f)->path();
        (*f)->discard();
        QVERIFY(!QFile::exists(path));
        f->reset();
        QVERIFY(!QFile::exists(path));
    }

    void ingestRestartsWhenPartialIsTooLong()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        const Digest d = Sha256::hash("short");
        {
            auto f = IngestFile::openForDigest(cache.ingestDir(), d, 5, true);
            QVERIFY((*f)->write(QByteArray("much too long")));
        }
        auto f = IngestFile::openForDigest(cache.ingestDir(), d, 5, true);
        QCOMPARE((*f)->size(), qint64(0));
        QVERIFY((*f)->write("short"));
        QCOMPARE((*f)->finish().value(), d);
        auto fresh = IngestFile::openForDigest(cache.ingestDir(), d, 5, false);
        QCOMPARE((*fresh)->size(), qint64(0));
    }

    void verifyMarksCorrupt()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto good = put(cache, "good");
        auto bad = put(cache, "bad");
        QFile f(cache.blobPath(bad->digest));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("evil");
        f.close();
        CacheMaintenance m(cache);
        const auto outcomes = m.verify({});
        QCOMPARE(outcomes.size(), 2);
        int corrupt = 0;
        for (const auto& o : outcomes) {
            if (o.digest == bad->digest) {
                QVERIFY(!o.ok);
                QVERIFY(o.detail.contains(QLatin1String("hashes to")));
                ++corrupt;
            } else {
                QVERIFY(o.ok);
            }
        }
        QCOMPARE(corrupt, 1);
        QCOMPARE(cache.stat(bad->digest)->state, EntryState::Corrupt);
        QVERIFY(cache.stat(good->digest)->lastVerifiedAt.has_value());
    }

    // Entries are checked on several threads: every outcome still lands on its own digest, in the
    // order asked, and each entry.json records its own result.
    void verifyManyKeepsOrder()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        QList<Digest> asked;
        QSet<Digest> broken;
        for (int i = 0; i < 40; ++i) {
            auto e = put(cache, pattern(1000 + i * 517, i));
            QVERIFY(e);
            asked.prepend(e->digest); // not the cache's own order
            if (i % 7 == 3) {
                QFile f(cache.blobPath(e->digest));
                QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Append));
                f.write("x");
                broken.insert(e->digest);
            }
        }
        const auto outcomes = CacheMaintenance(cache).verify(asked);
        QCOMPARE(outcomes.size(), asked.size());
        for (int i = 0; i < asked.size(); ++i) {
            QCOMPARE(outcomes.at(i).digest, asked.at(i));
            QCOMPARE(outcomes.at(i).ok, !broken.contains(asked.at(i)));
            QCOMPARE(cache.stat(asked.at(i))->state == EntryState::Corrupt, broken.contains(asked.at(i)));
        }
    }

    void evict()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto a = put(cache, "aaaa");
        auto b = put(cache, "bbbb");
        CacheMaintenance m(cache);
        const QString missing = Sha256::hash("nope").toString();
        auto report = m.evict({a->digest.toString(), b->digest.hex(), missing});
        QVERIFY(report);
        QCOMPARE(report->scanned, 3);
        QCOMPARE(report->evicted, 2);
        QCOMPARE(report->refusals.size(), 1);
        QVERIFY(report->refusals.first().startsWith(missing));
        QVERIFY(cache.digests().isEmpty());
        QCOMPARE(m.evict({QStringLiteral("not-a-digest")}).code(), ErrorCode::InvalidInput);
    }

    void evictReportsEachEntryAndStopsWhenAsked()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto a = put(cache, "aaaa");
        auto b = put(cache, "bbbb");
        auto c = put(cache, "cccc");
        CacheMaintenance m(cache);
        const QString missing = Sha256::hash("nope").toString();
        QList<EvictStep> steps;
        auto all = m.evict({a->digest.toString(), missing, b->digest.toString()}, false, [&](const EvictStep& s) {
            steps.append(s);
            return true;
        });
        QVERIFY(all);
        QCOMPARE(steps.size(), 3);
        QCOMPARE(steps.at(0).done, 1);
        QCOMPARE(steps.at(0).total, 3);
        QVERIFY(steps.at(0).evicted);
        QCOMPARE(steps.at(1).digest, missing);
        QVERIFY(!steps.at(1).evicted);
        QCOMPARE(steps.at(1).outcome, QStringLiteral("not in the cache"));
        QVERIFY(steps.at(2).evicted && steps.at(2).done == 3);
        QVERIFY(!all->cancelled);
        // Stopped after the first entry: the rest are left as they are.
        auto d = put(cache, "dddd");
        steps.clear();
        auto stopped = m.evict({c->digest.toString(), d->digest.toString()}, false, [&](const EvictStep& s) {
            steps.append(s);
            return false;
        });
        QVERIFY(stopped);
        QVERIFY(stopped->cancelled);
        QCOMPARE(stopped->evicted, 1);
        QCOMPARE(steps.size(), 1);
        QCOMPARE(cache.lookup(c->digest).code(), ErrorCode::NotFound);
        QVERIFY(cache.lookup(d->digest));
    }

    void evictRefusesEntryBeingWritten()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto a = put(cache, "busy");
        QLockFile writer(cache.lockPath(a->digest));
        QVERIFY(writer.tryLock(0));
        CacheMaintenance m(cache);
        auto report = m.evict({a->digest.toString()});
        QCOMPARE(report->evicted, 0);
        QCOMPARE(report->refusals.size(), 1);
        QVERIFY(cache.stat(a->digest));
    }

    void gcCollectsLeftovers()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        auto keep = put(cache, "keep");
        auto broken = put(cache, "broken");
        QVERIFY(QFile::remove(cache.blobPath(broken->digest)));
        // a stale temporary partial and a fresh one
        QDir().mkpath(cache.ingestDir());
        const QString stale = cache.ingestDir() + QStringLiteral("/tmp-0000000000000001.partial");
        const QString fresh = cache.ingestDir() + QStringLiteral("/tmp-0000000000000002.partial");
        for (const QString& p : {stale, fresh}) {
            QFile f(p);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("x");
        }
        QFile staleFile(stale);
        QVERIFY(staleFile.open(QIODevice::ReadWrite));
        QVERIFY(staleFile.setFileTime(QDateTime::currentDateTime().addDays(-2), QFileDevice::FileModificationTime));
        staleFile.close();
        // a dangling manifest record
        QVERIFY(cache.recordManifest(Sha256::hash("m"), Sha256::hash("gone")));

        CacheMaintenance m(cache);
        auto report = m.collectGarbage();
        QVERIFY2(report, qPrintable(report ? QString() : report.message()));
        QCOMPARE(report->removed, QStringList{broken->digest.toString()});
        QVERIFY(!QFile::exists(stale));
        QVERIFY(QFile::exists(fresh));
        QVERIFY(report->staleFiles >= 2);
        QVERIFY(cache.stat(keep->digest));
        QVERIFY(!QFile::exists(cache.entryDir(broken->digest)));
    }

    void gcRefusesWhileAnotherGcRuns()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        QLockFile other(cache.cacheLockPath());
        QVERIFY(other.tryLock(0));
        CacheMaintenance m(cache);
        auto r = m.collectGarbage();
        QVERIFY(!r);
        QVERIFY(r.message().contains(QLatin1String("another process")));
    }

    void rootPrecedence()
    {
        qputenv("GREENTIC_DIST_CACHE_DIR", "/a");
        qputenv("GREENTIC_CACHE_DIR", "/b");
        qputenv("XDG_CACHE_HOME", "/c");
        QCOMPARE(Cache::resolveRoot(QStringLiteral("/flag")), QStringLiteral("/flag"));
        QCOMPARE(Cache::resolveRoot(), QStringLiteral("/a"));
        qunsetenv("GREENTIC_DIST_CACHE_DIR");
        QCOMPARE(Cache::resolveRoot(), QStringLiteral("/b"));
        qunsetenv("GREENTIC_CACHE_DIR");
        QCOMPARE(Cache::resolveRoot(), QStringLiteral("/c/greentic/dist"));
        qunsetenv("XDG_CACHE_HOME");
        QCOMPARE(Cache::resolveRoot(), QDir::homePath() + QStringLiteral("/.cache/greentic/dist"));
    }
};

QTEST_GUILESS_MAIN(TestCache)
#include "tst_cache.moc"
