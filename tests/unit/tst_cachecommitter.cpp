// SPDX-License-Identifier: MIT
#include "TestWaits.h"
#include <cache/Cache.h>
#include <pull/CacheCommitter.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;

namespace {

CacheEntry packEntry(const QString& raw)
{
    CacheEntry e = CacheEntry::fresh(Digest(), 0, raw, QStringLiteral("File"), raw);
    e.mediaType = QStringLiteral("application/octet-stream");
    e.artifactType = ArtifactType::Component;
    return e;
}

} // namespace

class TestCacheCommitter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Five commits in flight at once, a cap that holds two: the cap checks run one at a time off the
    // caller's thread, each writer is handed an entry that still exists, and the cache ends under its
    // cap with the running total right (no check works from a total that misses a commit).
    void commitsInFlightTogetherEndUnderTheCap()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        CacheCommitter committer(cache, 250);
        int finished = 0;
        QStringList problems;
        for (int i = 0; i < 5; ++i) {
            const QString raw = QStringLiteral("file:///blob-%1").arg(i);
            committer.commitBytes(raw, QByteArray(100, char('a' + i)), packEntry(raw),
                                  [&finished, &problems, raw](Result<PullResult> r) {
                                      ++finished;
                                      if (!r) {
                                          problems << raw + QStringLiteral(": ") + r.message();
                                      } else if (!QFile::exists(r->entry.localPath)) {
                                          problems << raw + QStringLiteral(": handed a path that is gone");
                                      } else if (!r->fetched) {
                                          problems << raw + QStringLiteral(": reported as a cache hit");
                                      }
                                  });
        }
        QCOMPARE(finished, 0); // nothing is delivered inside the call
        QTRY_COMPARE_WITH_TIMEOUT(finished, 5, test::scaled(20000));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        QVERIFY2(cache.blobBytes() <= 250, qPrintable(QString::number(cache.blobBytes())));
        QCOMPARE(cache.digests().size(), 2);

        // Later writes keep counting from the right total: one more commit evicts again.
        bool done = false;
        committer.commitBytes(QStringLiteral("file:///late"), QByteArray(100, 'z'), packEntry(QStringLiteral("late")),
                              [&done](Result<PullResult> r) { done = r.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(done, test::scaled(20000));
        QVERIFY(cache.blobBytes() <= 250);
    }

    void sameBytesTwiceIsOneEntryFetchedOnce()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        CacheCommitter committer(cache, 0);
        QList<bool> fetched;
        for (int i = 0; i < 2; ++i) {
            committer.commitBytes(QStringLiteral("a"), QByteArrayLiteral("same bytes"), packEntry(QStringLiteral("a")),
                                  [&fetched](Result<PullResult> r) { fetched << (r && r->fetched); });
            QTRY_COMPARE_WITH_TIMEOUT(fetched.size(), i + 1, test::scaled(10000));
        }
        QCOMPARE(fetched, (QList<bool>{true, false}));
        QCOMPARE(cache.digests().size(), 1);
    }

    void aCorruptEntryIsNotReused()
    {
        QTemporaryDir dir;
        Cache cache(dir.path());
        CacheCommitter committer(cache, 0);
        std::optional<Result<PullResult>> first;
        committer.commitBytes(QStringLiteral("a"), QByteArrayLiteral("payload"), packEntry(QStringLiteral("a")),
                              [&first](Result<PullResult> r) { first = r; });
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), test::scaled(10000));
        QVERIFY(first->ok());
        const Digest d = (*first)->entry.digest;
        QVERIFY(cache.updateEntry(d, [](CacheEntry& e) {
            e.state = EntryState::Corrupt;
            return true;
        }));
        QVERIFY(!committer.hit(d).has_value());
        QCOMPARE(CacheCommitter::reusable(cache.stat(d)).code(), ErrorCode::Integrity);

        std::optional<Result<PullResult>> again;
        committer.commitBytes(QStringLiteral("a"), QByteArrayLiteral("payload"), packEntry(QStringLiteral("a")),
                              [&again](Result<PullResult> r) { again = r; });
        QTRY_VERIFY_WITH_TIMEOUT(again.has_value(), test::scaled(10000));
        QVERIFY2(again->ok(), qPrintable(again->ok() ? QString() : again->message()));
        QVERIFY((*again)->fetched);
        QCOMPARE(cache.stat(d)->state, EntryState::Ready);
    }
};

QTEST_GUILESS_MAIN(TestCacheCommitter)
#include "tst_cachecommitter.moc"
