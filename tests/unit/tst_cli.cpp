// SPDX-License-Identifier: MIT
// The CLI commands run in-process against file sources (network cases are in the integration tests).
#include "TestWaits.h"
#include "cli/CommandContext.h"
#include "cli/CommandLine.h"

#include <bundles/BundleStore.h>
#include <cache/Cache.h>
#include <core/Sha256.h>

#include <QBuffer>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;

namespace {

struct Run
{
    int code = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;
    QString m_wasm;
    QString m_other;

    Run run(QStringList args)
    {
        QBuffer out;
        QBuffer err;
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        QNetworkAccessManager nam;
        cli::CommandContext ctx(&out, &err, &nam, false);
        cli::CommandLine commandLine;
        Run r;
        bool done = false;
        commandLine.run(ctx, args, [&](int code) {
            r.code = code;
            done = true;
        });
        if (!QTest::qWaitFor([&] { return done; }, dist::test::scaled(60000))) {
            r.code = -2;
        }
        r.out = out.data();
        r.err = err.data();
        return r;
    }

    Run runCached(QStringList args)
    {
        args << QStringLiteral("--cache-dir") << m_cache;
        return run(args);
    }

    void write(const QString& path, const QByteArray& bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char* v :
             {"GREENTIC_DIST_CACHE_DIR", "GREENTIC_CACHE_DIR", "GREENTIC_DIST_OFFLINE", "GREENTIC_REPO_REGISTRY_BASE",
              "GREENTIC_STORE_REGISTRY_BASE", "GREENTIC_FIXTURE_DIR", "GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP"}) {
            qunsetenv(v);
        }
        m_wasm = m_dir.filePath(QStringLiteral("hello.wasm"));
        m_other = m_dir.filePath(QStringLiteral("other.wasm"));
        write(m_wasm, "hello-component");
        write(m_other, "other-component");
    }

    void init()
    {
        m_cache = m_dir.filePath(QStringLiteral("cache-%1").arg(QString::fromLatin1(QTest::currentTestFunction())));
    }

    void helpAndVersion()
    {
        const Run help = run({QStringLiteral("--help")});
        QCOMPARE(help.code, 0);
        QVERIFY(help.out.contains("pull"));
        QVERIFY(help.out.contains("cache verify"));
        // every row keeps a gap between what to type and what it does, however long the usage:
        // either two spaces inside the row, or the description alone on the next line
        const QList<QByteArray> lines = help.out.split('\n');
        for (int i = 0; i < lines.size(); ++i) {
            const QByteArray& line = lines.at(i);
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                const bool gap = line.indexOf("  ", 2) > 0;
                const bool wrapped = i + 1 < lines.size() && lines.at(i + 1).startsWith(QByteArray(36, ' '));
                QVERIFY2(gap || wrapped, line.constData());
            }
        }
        QVERIFY(help.out.contains("  auth logout <TENANT> | --registry HOST\n"));
        const Run version = run({QStringLiteral("--version")});
        QCOMPARE(version.code, 0);
        QCOMPARE(version.out, QByteArray("greentic-dist " DIST_VERSION "\n"));
        const Run pullHelp = run({QStringLiteral("pull"), QStringLiteral("--help")});
        QCOMPARE(pullHelp.code, 0);
        QVERIFY(pullHelp.out.contains("--lock"));
    }

    void usageErrorsExit2()
    {
        QCOMPARE(run({}).code, 2);
        const Run unknown = run({QStringLiteral("frobnicate")});
        QCOMPARE(unknown.code, 2);
        QVERIFY(unknown.err.contains("unknown command `frobnicate`"));
        QCOMPARE(run({QStringLiteral("resolve")}).code, 2);
        QCOMPARE(run({QStringLiteral("resolve"), QStringLiteral("a"), QStringLiteral("b")}).code, 2);
        QCOMPARE(run({QStringLiteral("pull"), QStringLiteral("--bogus")}).code, 2);
        QCOMPARE(run({QStringLiteral("pull"), QStringLiteral("--jobs"), QStringLiteral("0"), m_wasm}).code, 2);
        const Run noRef = runCached({QStringLiteral("pull")});
        QCOMPARE(noRef.code, 2);
        QCOMPARE(noRef.err, QByteArray("pull requires either a reference or --lock\n"));
        QVERIFY(noRef.out.isEmpty());
    }

    void badReferenceExit2()
    {
        const Run r = runCached({QStringLiteral("pull"), QStringLiteral("library/nginx:1")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.startsWith("invalid reference `library/nginx:1`"));
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY(!QDir(m_cache + QStringLiteral("/artifacts")).exists());
    }

    void pullFileTextAndJson()
    {
        const Digest d = Sha256::hash("hello-component");
        const Run text = runCached({QStringLiteral("pull"), m_wasm});
        QCOMPARE(text.code, 0);
        const QString blob = Cache(m_cache).blobPath(d);
        QCOMPARE(text.out, (blob + u'\n').toUtf8());
        // options may follow the command; the second pull is a cache hit
        const Run json
            = run({QStringLiteral("pull"), m_wasm, QStringLiteral("--json"), QStringLiteral("--cache-dir"), m_cache});
        QCOMPARE(json.code, 0);
        QCOMPARE(json.out,
                 QByteArray("{\n  \"reference\": \"") + m_wasm.toUtf8() + "\",\n  \"digest\": \""
                     + d.toString().toUtf8() + "\",\n  \"cache_path\": \"" + blob.toUtf8()
                     + "\",\n  \"fetched\": false\n}\n");
        const Run resolve = runCached({QStringLiteral("resolve"), m_wasm, QStringLiteral("--json")});
        QCOMPARE(resolve.out,
                 QByteArray("{\n  \"reference\": \"") + m_wasm.toUtf8() + "\",\n  \"digest\": \""
                     + d.toString().toUtf8() + "\"\n}\n");
        auto entry = Cache(m_cache).stat(d);
        QVERIFY(entry);
        QCOMPARE(entry->sourceKind, QStringLiteral("File"));
        QCOMPARE(entry->canonicalRef, QStringLiteral("file://%1@%2").arg(m_wasm, d.toString()));
        QCOMPARE(entry->mediaType, QStringLiteral("application/wasm"));
    }

    void fixtureAndCacheDigest()
    {
        qputenv("GREENTIC_FIXTURE_DIR", m_dir.path().toUtf8());
        const Run r = runCached({QStringLiteral("pull"), QStringLiteral("fixture://hello")});
        qunsetenv("GREENTIC_FIXTURE_DIR");
        QCOMPARE(r.code, 0);
        const Digest d = Sha256::hash("hello-component");
        const Run byDigest = runCached({QStringLiteral("resolve"), d.toString()});
        QCOMPARE(byDigest.code, 0);
        QCOMPARE(byDigest.out, (d.toString() + u'\n').toUtf8());
        const Run miss = runCached({QStringLiteral("pull"), Sha256::hash("absent").toString()});
        QCOMPARE(miss.code, 3);
        QVERIFY(miss.err.contains("not found"));
        const Run noFixtureDir = runCached({QStringLiteral("pull"), QStringLiteral("fixture://hello")});
        QCOMPARE(noFixtureDir.code, 2);
    }

    void missingFileExit3()
    {
        const Run r = runCached({QStringLiteral("pull"), m_dir.filePath(QStringLiteral("nope.wasm"))});
        QCOMPARE(r.code, 3);
    }

    void policyExitCodes()
    {
        QCOMPARE(runCached({QStringLiteral("pull"), QStringLiteral("https://example.com/x.wasm"),
                            QStringLiteral("--offline")})
                     .code,
                 4);
        qputenv("GREENTIC_DIST_OFFLINE", "1");
        QCOMPARE(runCached({QStringLiteral("pull"), QStringLiteral("ghcr.io/o/x:1")}).code, 4);
        qunsetenv("GREENTIC_DIST_OFFLINE");
        const Run insecure = runCached({QStringLiteral("pull"), QStringLiteral("http://example.com/x.wasm")});
        QCOMPARE(insecure.code, 2);
        QVERIFY(insecure.err.startsWith("insecure url `http://example.com/x.wasm`"));
        const Run repo = runCached({QStringLiteral("pull"), QStringLiteral("repo://component-a")});
        QCOMPARE(repo.code, 5);
        QVERIFY(repo.err.startsWith("resolution unavailable for `repo://component-a`"));
        const Run store = runCached({QStringLiteral("pull"), QStringLiteral("store://greentic-biz/acme/pkgs/x:1")});
        QCOMPARE(store.code, 5);
        QVERIFY(store.err.startsWith("store auth error: tenant `acme`"));
        QCOMPARE(runCached({QStringLiteral("pull"), QStringLiteral("store://greentic-biz/acme")}).code, 2);
        QCOMPARE(runCached({QStringLiteral("pull"), QStringLiteral("store://acme/x")}).code, 5);
        const Run pack
            = runCached({QStringLiteral("pull"), QStringLiteral("hello-pack@1.0.0"), QStringLiteral("--offline")});
        QCOMPARE(pack.code, 4);
        QVERIFY2(pack.err.contains("hello-pack@1.0.0 is not in the cache"), pack.err.constData());
        QCOMPARE(runCached({QStringLiteral("pull"), QStringLiteral("hello-pack@..")}).code, 2);
    }

    void lockfileBothShapesInParallel()
    {
        const Digest a = Sha256::hash("hello-component");
        const Digest b = Sha256::hash("other-component");
        const QString lock1 = m_dir.filePath(QStringLiteral("array.lock.json"));
        write(lock1,
              QJsonDocument(
                  QJsonArray{m_wasm,
                             QJsonObject{{QStringLiteral("ref"), m_other}, {QStringLiteral("digest"), b.toString()}}})
                  .toJson());
        const Run r = runCached(
            {QStringLiteral("pull"), QStringLiteral("--lock"), lock1, QStringLiteral("--jobs"), QStringLiteral("2")});
        QCOMPARE(r.code, 0);
        const Cache cache(m_cache);
        QCOMPARE(r.out,
                 (a.toString() + u' ' + cache.blobPath(a) + u'\n' + b.toString() + u' ' + cache.blobPath(b) + u'\n')
                     .toUtf8());

        const QString lock2 = m_dir.filePath(QStringLiteral("object.lock.json"));
        write(lock2,
              QJsonDocument(QJsonObject{{QStringLiteral("schema_version"), 1},
                                        {QStringLiteral("components"),
                                         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("hello")},
                                                                {QStringLiteral("ref"), m_wasm},
                                                                {QStringLiteral("digest"), a.toString()}},
                                                    QJsonObject{{QStringLiteral("digest"), b.toString()}}}}})
                  .toJson());
        const Run json = runCached({QStringLiteral("pull"), QStringLiteral("--lock"), lock2, QStringLiteral("--json"),
                                    QStringLiteral("--offline")});
        QCOMPARE(json.code, 0);
        const QJsonArray arr = QJsonDocument::fromJson(json.out).array();
        QCOMPARE(arr.size(), 2);
        QCOMPARE(arr.at(0).toObject().value(QStringLiteral("reference")).toString(), m_wasm);
        QCOMPARE(arr.at(1).toObject().value(QStringLiteral("reference")).toString(), b.toString());
        QCOMPARE(arr.at(1).toObject().value(QStringLiteral("fetched")).toBool(), false);
        QCOMPARE(arr.at(0).toObject().keys().size(), 4);
    }

    void lockDigestMismatchExit6AndNothingCached()
    {
        const QString lock = m_dir.filePath(QStringLiteral("bad.lock.json"));
        write(lock,
              QJsonDocument(QJsonArray{QJsonObject{{QStringLiteral("ref"), m_wasm},
                                                   {QStringLiteral("digest"), Sha256::hash("x").toString()}}})
                  .toJson());
        const Run r = runCached({QStringLiteral("pull"), QStringLiteral("--lock"), lock});
        QCOMPARE(r.code, 6);
        QVERIFY(r.err.contains("did not match"));
        QVERIFY(Cache(m_cache).digests().isEmpty());
        QVERIFY(QDir(Cache(m_cache).ingestDir()).entryList({QStringLiteral("*.partial")}).isEmpty());
    }

    void badLockfiles()
    {
        const QString lock = m_dir.filePath(QStringLiteral("broken.lock.json"));
        write(lock, "{not json");
        const Run r = runCached({QStringLiteral("pull"), QStringLiteral("--lock"), lock});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.startsWith("invalid lockfile: "));
        QCOMPARE(runCached({QStringLiteral("pull"), QStringLiteral("--lock"), m_dir.filePath(QStringLiteral("absent"))})
                     .code,
                 3);
        // a failing entry fails the run; the good one stays cached
        write(lock, QJsonDocument(QJsonArray{m_wasm, m_dir.filePath(QStringLiteral("absent.wasm"))}).toJson());
        QCOMPARE(runCached({QStringLiteral("pull"), QStringLiteral("--lock"), lock, QStringLiteral("--jobs"),
                            QStringLiteral("1")})
                     .code,
                 3);
        QCOMPARE(Cache(m_cache).digests().size(), 1);
    }

    void cacheLsRmVerify()
    {
        QCOMPARE(runCached({QStringLiteral("pull"), m_wasm}).code, 0);
        QCOMPARE(runCached({QStringLiteral("pull"), m_other}).code, 0);
        const Digest a = Sha256::hash("hello-component");
        const Digest b = Sha256::hash("other-component");
        const Run ls = runCached({QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--json")});
        QCOMPARE(ls.code, 0);
        QStringList expected{a.toString(), b.toString()};
        expected.sort();
        QCOMPARE(ls.out,
                 QByteArray("[\n  \"") + expected.at(0).toUtf8() + "\",\n  \"" + expected.at(1).toUtf8() + "\"\n]\n");
        const Run longLs = runCached({QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--long")});
        QVERIFY(longLs.out.contains("2 entries, 30 B"));
        QVERIFY(longLs.out.contains("application/wasm"));

        QFile blob(Cache(m_cache).blobPath(b));
        QVERIFY(blob.open(QIODevice::WriteOnly | QIODevice::Truncate));
        blob.write("tampered-bytes!");
        blob.close();
        const Run verify = runCached({QStringLiteral("cache"), QStringLiteral("verify")});
        QCOMPARE(verify.code, 6);
        QVERIFY(verify.out.contains(QByteArray("corrupt  " + b.toString().toUtf8())));
        QVERIFY(verify.out.contains(QByteArray("ok       " + a.toString().toUtf8())));
        QCOMPARE(runCached({QStringLiteral("cache"), QStringLiteral("verify"), a.toString()}).code, 0);
        // the entry verify marked corrupt is not served again: the next pull repairs it
        const Run repair = runCached({QStringLiteral("pull"), m_other, QStringLiteral("--json")});
        QCOMPARE(repair.code, 0);
        QVERIFY(repair.out.contains("\"fetched\": true"));
        QCOMPARE(runCached({QStringLiteral("cache"), QStringLiteral("verify")}).code, 0);
        // a corrupt entry reached by digest alone cannot be repaired: exit 6
        QVERIFY(blob.open(QIODevice::WriteOnly | QIODevice::Truncate));
        blob.write("tampered-again!");
        blob.close();
        QCOMPARE(runCached({QStringLiteral("cache"), QStringLiteral("verify")}).code, 6);
        QCOMPARE(runCached({QStringLiteral("pull"), b.toString()}).code, 6);

        const Run rm
            = runCached({QStringLiteral("cache"), QStringLiteral("rm"), b.toString(), QStringLiteral("--json")});
        QCOMPARE(rm.code, 0);
        const QJsonObject report = QJsonDocument::fromJson(rm.out).object();
        QCOMPARE(report.value(QStringLiteral("evicted")).toInt(), 1);
        QCOMPARE(report.value(QStringLiteral("scanned_entries")).toInt(), 1);
        QVERIFY(rm.out.startsWith(
            "{\n  \"scanned_entries\": 1,\n  \"kept\": 0,\n  \"evicted\": 1,\n  \"protected\": 0,\n"));
        QCOMPARE(runCached({QStringLiteral("cache"), QStringLiteral("verify")}).code, 0);
        const Run rmText = runCached({QStringLiteral("cache"), QStringLiteral("rm"), a.toString()});
        QCOMPARE(rmText.err, QByteArray("evicted 1 entries, reclaimed 15 bytes\n"));
        QCOMPARE(runCached({QStringLiteral("cache"), QStringLiteral("rm"), QStringLiteral("zzz")}).code, 2);
        const Run gc = runCached({QStringLiteral("cache"), QStringLiteral("gc"), QStringLiteral("--json")});
        QCOMPARE(gc.code, 0);
        QCOMPARE(gc.out, QByteArray("[]\n"));
    }

    void bundleStateMatrixThroughCli()
    {
        const Digest d = Sha256::hash("matrix");
        const QString id = BundleId::forDigest(d);
        BundleStore store(m_cache);
        int legal = 0;
        for (BundleState from : allBundleStates()) {
            for (BundleState to : allBundleStates()) {
                QVERIFY(store.write({id, d, QStringLiteral("file:///m@x"), QStringLiteral("File"), 1, from}));
                QFile f(store.pathFor(id));
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray before = f.readAll();
                f.close();
                // lowercase state names are accepted
                const QString toName = int(to) % 2 ? bundleStateName(to).toLower() : bundleStateName(to);
                const Run r = runCached({QStringLiteral("bundle"), QStringLiteral("state"), id, toName});
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray after = f.readAll();
                f.close();
                if (isLegalTransition(from, to)) {
                    ++legal;
                    QVERIFY2(r.code == 0, r.err.constData());
                    QCOMPARE(store.stat(id)->state, to);
                } else {
                    QCOMPARE(r.code, 2);
                    QVERIFY(r.err.contains("is not on the matrix"));
                    QCOMPARE(after, before);
                }
            }
        }
        QCOMPARE(legal, 15);
        QCOMPARE(runCached({QStringLiteral("bundle"), QStringLiteral("state"), id, QStringLiteral("Running")}).code, 2);
        QCOMPARE(runCached({QStringLiteral("bundle"), QStringLiteral("state"), QStringLiteral("bundle:x"),
                            QStringLiteral("Ready")})
                     .code,
                 2);
        QCOMPARE(runCached({QStringLiteral("bundle"), QStringLiteral("state"),
                            BundleId::forDigest(Sha256::hash("none")), QStringLiteral("Ready")})
                     .code,
                 3);
        const Run show = runCached({QStringLiteral("bundle"), QStringLiteral("show"), id, QStringLiteral("--json")});
        QCOMPARE(show.code, 0);
        QVERIFY(show.out.contains("\"legal_transitions\": ["));
    }

    void malformedRecordIsACacheErrorInListsAndWrites()
    {
        QDir().mkpath(m_cache + QStringLiteral("/bundles"));
        write(m_cache + QStringLiteral("/bundles/bundle__sha256__broken.json"), "{ nope");
        const Run ls = runCached({QStringLiteral("bundle"), QStringLiteral("ls")});
        QCOMPARE(ls.code, 10);
        QVERIFY(ls.err.startsWith("cache error at `"));
        QCOMPARE(runCached({QStringLiteral("pull"), m_wasm}).code, 10);
        QCOMPARE(runCached({QStringLiteral("retention"), QStringLiteral("plan")}).code, 10);
        QCOMPARE(runCached({QStringLiteral("cache"), QStringLiteral("gc")}).code, 10);
    }

    void cacheRmRefusesProtectedUnlessForced()
    {
        QCOMPARE(runCached({QStringLiteral("pull"), m_wasm}).code, 0);
        const Digest d = Sha256::hash("hello-component");
        BundleStore store(m_cache);
        QVERIFY(store.write(
            {BundleId::forDigest(d), d, QStringLiteral("x"), QStringLiteral("File"), 1, BundleState::Ready}));
        const Run refused = runCached({QStringLiteral("cache"), QStringLiteral("rm"), d.toString()});
        QCOMPARE(refused.code, 2);
        QVERIFY2(refused.err.contains("bundle is Ready; use --force"), refused.err.constData());
        QVERIFY(Cache(m_cache).stat(d));
        const Run forced = runCached({QStringLiteral("cache"), QStringLiteral("rm"), d.toString(),
                                      QStringLiteral("--force"), QStringLiteral("--json")});
        QCOMPARE(forced.code, 0);
        QVERIFY(forced.out.contains("\"evicted\": 1"));
        QCOMPARE(Cache(m_cache).stat(d).code(), ErrorCode::NotFound);
        QCOMPARE(store.stat(BundleId::forDigest(d)).code(), ErrorCode::NotFound);
    }

    void retentionPlanAndApply()
    {
        QCOMPARE(runCached({QStringLiteral("pull"), m_wasm}).code, 0);
        QCOMPARE(runCached({QStringLiteral("pull"), m_other}).code, 0);
        const Digest a = Sha256::hash("hello-component");
        const Digest b = Sha256::hash("other-component");
        BundleStore store(m_cache);
        QVERIFY(store.write(
            {BundleId::forDigest(a), a, QStringLiteral("x"), QStringLiteral("File"), 1, BundleState::Staged}));
        const Run plan = runCached({QStringLiteral("retention"), QStringLiteral("plan"), QStringLiteral("--max-bytes"),
                                    QStringLiteral("1"), QStringLiteral("--json")});
        QCOMPARE(plan.code, 0);
        const QJsonArray decisions
            = QJsonDocument::fromJson(plan.out).object().value(QStringLiteral("decisions")).toArray();
        QCOMPARE(decisions.size(), 2);
        for (const QJsonValue& v : decisions) {
            const QJsonObject o = v.toObject();
            const bool isA = o.value(QStringLiteral("cache_key")).toString() == a.toString();
            QCOMPARE(o.value(QStringLiteral("decision")).toString(),
                     isA ? QStringLiteral("Protect") : QStringLiteral("Evict"));
            QCOMPARE(o.value(QStringLiteral("reason_code")).toString(),
                     isA ? QStringLiteral("staged_bundle") : QStringLiteral("cache_budget"));
        }
        // planning changes nothing
        QCOMPARE(Cache(m_cache).digests().size(), 2);
        const Run badActive = runCached(
            {QStringLiteral("retention"), QStringLiteral("plan"), QStringLiteral("--active"), QStringLiteral("nope")});
        QCOMPARE(badActive.code, 2);
        const Run apply = runCached({QStringLiteral("retention"), QStringLiteral("apply"),
                                     QStringLiteral("--max-bytes"), QStringLiteral("1"), QStringLiteral("--json")});
        QCOMPARE(apply.code, 0);
        const QJsonObject report = QJsonDocument::fromJson(apply.out).object();
        QCOMPARE(report.value(QStringLiteral("evicted")).toInt(), 1);
        QCOMPARE(report.value(QStringLiteral("bytes_reclaimed")).toInt(), 15);
        QCOMPARE(report.value(QStringLiteral("protected")).toInt(), 1);
        QCOMPARE(Cache(m_cache).digests(), QList<Digest>{a});
        Q_UNUSED(b);
    }

    void cacheDu()
    {
        QCOMPARE(runCached({QStringLiteral("pull"), m_wasm}).code, 0);
        qputenv("GREENTIC_CACHE_MAX_BYTES", "1000");
        const Run du = runCached({QStringLiteral("cache"), QStringLiteral("du"), QStringLiteral("--json")});
        qunsetenv("GREENTIC_CACHE_MAX_BYTES");
        QCOMPARE(du.code, 0);
        const QJsonObject o = QJsonDocument::fromJson(du.out).object();
        QCOMPARE(o.value(QStringLiteral("entries")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("total_bytes")).toInt(), 15);
        QCOMPARE(o.value(QStringLiteral("max_bytes")).toInt(), 1000);
        QCOMPARE(o.value(QStringLiteral("by_type"))
                     .toObject()
                     .value(QStringLiteral("Component"))
                     .toObject()
                     .value(QStringLiteral("bytes"))
                     .toInt(),
                 15);
        const Run text = runCached({QStringLiteral("cache"), QStringLiteral("du")});
        QVERIFY(text.out.contains("15 B in 1 entries"));
    }

    // `doctor` reports every local check and exits with the first failure's code: 2 for settings,
    // 10 for a cache that cannot be written. It never repeats a credential.
    void doctor()
    {
        const QByteArray savedConfig = qgetenv("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("doctor-config")).toUtf8());
        const QString certs = m_dir.filePath(QStringLiteral("doctor-config/containers/certs.d/registry.test:5000"));
        QVERIFY(QDir().mkpath(certs));
        auto checks = [](const Run& r) {
            QMap<QString, QString> byName;
            for (const QJsonValue& v : QJsonDocument::fromJson(r.out).array()) {
                byName.insert(v[QStringLiteral("check")].toString(),
                              v[QStringLiteral("status")].toString() + u' ' + v[QStringLiteral("detail")].toString());
            }
            return byName;
        };
        QVERIFY(runCached({QStringLiteral("pull"), m_wasm}).code == 0);
        Run r = runCached({QStringLiteral("doctor"), QStringLiteral("--json")});
        QCOMPARE(r.code, 0);
        auto c = checks(r);
        QCOMPARE(c.keys(),
                 (QStringList{QStringLiteral("cache"), QStringLiteral("certificates"), QStringLiteral("credentials"),
                              QStringLiteral("disk"), QStringLiteral("packs"), QStringLiteral("platform"),
                              QStringLiteral("proxy"), QStringLiteral("registries.conf")}));
        QVERIFY2(c[QStringLiteral("cache")].startsWith(QStringLiteral("ok "))
                     && c[QStringLiteral("cache")].contains(QStringLiteral("1 entry,")),
                 qPrintable(c[QStringLiteral("cache")]));
        QVERIFY2(c[QStringLiteral("certificates")].contains(QStringLiteral("registry.test:5000")),
                 qPrintable(c[QStringLiteral("certificates")]));

        // settings that would break pulls: named, exit 2, no secret in the output
        qputenv("HTTPS_PROXY", "https://ops:s3cret-proxy@proxy.corp:3128");
        r = runCached({QStringLiteral("doctor"), QStringLiteral("--json"), QStringLiteral("--platform"),
                       QStringLiteral("wasip2/wasm")});
        qunsetenv("HTTPS_PROXY");
        QCOMPARE(r.code, 2);
        c = checks(r);
        QVERIFY(c[QStringLiteral("proxy")].startsWith(QStringLiteral("fail HTTPS_PROXY")));
        QVERIFY(c[QStringLiteral("platform")].contains(QStringLiteral("wasip2/wasm only")));
        QVERIFY(!r.out.contains("s3cret") && !r.err.contains("s3cret"));
        const QString badConf = m_dir.filePath(QStringLiteral("doctor-bad.conf"));
        write(badConf, "[[registry]\n");
        r = runCached({QStringLiteral("doctor"), QStringLiteral("--registries-conf"), badConf});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.out.contains("fail registries.conf") && r.out.contains(badConf.toUtf8()), r.out.constData());

        // a cache that cannot be written: exit 10, and the other checks still run
        const QString file = m_dir.filePath(QStringLiteral("doctor-file"));
        write(file, "x");
        r = run({QStringLiteral("doctor"), QStringLiteral("--cache-dir"), file + QStringLiteral("/cache")});
        QCOMPARE(r.code, 10);
        QVERIFY(r.out.contains("fail cache") && r.out.contains("ok   proxy"));
        qputenv("XDG_CONFIG_HOME", savedConfig);
        if (savedConfig.isEmpty()) {
            qunsetenv("XDG_CONFIG_HOME");
        }
    }

    void capIsEnforcedAfterPull()
    {
        qputenv("GREENTIC_CACHE_MAX_BYTES", "20");
        QCOMPARE(runCached({QStringLiteral("pull"), m_wasm}).code, 0);
        QCOMPARE(runCached({QStringLiteral("pull"), m_other}).code, 0);
        qunsetenv("GREENTIC_CACHE_MAX_BYTES");
        // 30 bytes over a 20-byte cap: the older entry went, the one just written stays
        QCOMPARE(Cache(m_cache).digests(), QList<Digest>{Sha256::hash("other-component")});
    }

    void releaseIndexOffline()
    {
        QCOMPARE(runCached({QStringLiteral("pull"), m_wasm}).code, 0);
        const Digest d = Sha256::hash("hello-component");
        const QString ref = QStringLiteral("ghcr.io/greenticai/components/templates:stable");
        auto writeIndex = [&](const QString& channel, const QString& release, const QJsonObject& refs,
                              const QString& schema = QStringLiteral("greentic.release-index.v1")) {
            const QString dir = m_cache + QStringLiteral("/release-index/v1/") + channel;
            QDir().mkpath(dir);
            write(dir + u'/' + release + QStringLiteral(".json"),
                  QJsonDocument(QJsonObject{{QStringLiteral("schema"), schema},
                                            {QStringLiteral("release"), release},
                                            {QStringLiteral("channel"), channel},
                                            {QStringLiteral("refs"), refs}})
                      .toJson());
        };
        auto entry = [](const QString& digest, const QString& canonical) {
            return QJsonObject{{QStringLiteral("version"), QStringLiteral("0.5.4")},
                               {QStringLiteral("digest"), digest},
                               {QStringLiteral("canonical_ref"), canonical}};
        };
        writeIndex(
            QStringLiteral("stable"), QStringLiteral("1.0.16"),
            QJsonObject{
                {ref, entry(d.toString(), QStringLiteral("ghcr.io/greenticai/components/templates@") + d.toString())}});
        const Run resolved
            = runCached({QStringLiteral("--offline"), QStringLiteral("resolve"), QStringLiteral("oci://") + ref,
                         QStringLiteral("--release"), QStringLiteral("1.0.16")});
        QVERIFY2(resolved.code == 0, resolved.err.constData());
        QCOMPARE(resolved.out, (d.toString() + u'\n').toUtf8());
        const Run pulled
            = runCached({QStringLiteral("pull"), ref, QStringLiteral("--release"), QStringLiteral("1.0.16"),
                         QStringLiteral("--channel"), QStringLiteral("stable"), QStringLiteral("--offline")});
        QCOMPARE(pulled.code, 0);
        QCOMPARE(pulled.out, (Cache(m_cache).blobPath(d) + u'\n').toUtf8());

        // the CLI rules
        const Run noRelease
            = runCached({QStringLiteral("resolve"), ref, QStringLiteral("--channel"), QStringLiteral("dev")});
        QCOMPARE(noRelease.code, 2);
        QCOMPARE(noRelease.err, QByteArray("--channel requires --release\n"));
        const Run lock = runCached({QStringLiteral("pull"), QStringLiteral("--lock"), m_wasm,
                                    QStringLiteral("--release"), QStringLiteral("1")});
        QCOMPARE(lock.code, 2);
        QCOMPARE(lock.err, QByteArray("--release is only supported when pulling a single reference\n"));
        QCOMPARE(runCached({QStringLiteral("resolve"), ref, QStringLiteral("--release"), QStringLiteral("1"),
                            QStringLiteral("--channel"), QStringLiteral("nightly")})
                     .code,
                 2);
        QCOMPARE(runCached({QStringLiteral("resolve"), ref, QStringLiteral("--release"), QStringLiteral("a/b")}).code,
                 2);

        // no index for that release: normal resolution, which offline cannot do for a tag
        QCOMPARE(runCached({QStringLiteral("--offline"), QStringLiteral("resolve"), ref, QStringLiteral("--release"),
                            QStringLiteral("9.9.9")})
                     .code,
                 4);
        // not a mutable release tag: the index is not consulted
        QCOMPARE(runCached({QStringLiteral("--offline"), QStringLiteral("resolve"),
                            QStringLiteral("ghcr.io/greenticai/components/templates:1.0"), QStringLiteral("--release"),
                            QStringLiteral("1.0.16")})
                     .code,
                 4);
        // offline, a broken index is an error, not a fallback
        writeIndex(QStringLiteral("dev"), QStringLiteral("2"),
                   QJsonObject{{ref.left(ref.size() - 6) + QStringLiteral("dev"),
                                entry(QStringLiteral("sha256:bad"), QString())}});
        const Run badDigest = runCached({QStringLiteral("--offline"), QStringLiteral("resolve"),
                                         ref.left(ref.size() - 6) + QStringLiteral("dev"), QStringLiteral("--release"),
                                         QStringLiteral("2"), QStringLiteral("--channel"), QStringLiteral("dev")});
        QCOMPARE(badDigest.code, 2);
        QVERIFY(badDigest.err.contains("has invalid digest"));
        writeIndex(QStringLiteral("rnd"), QStringLiteral("3"), QJsonObject{}, QStringLiteral("other.schema"));
        const Run mismatch = runCached({QStringLiteral("--offline"), QStringLiteral("resolve"),
                                        ref.left(ref.size() - 6) + QStringLiteral("rnd"), QStringLiteral("--release"),
                                        QStringLiteral("3"), QStringLiteral("--channel"), QStringLiteral("rnd")});
        QCOMPARE(mismatch.code, 2);
        QVERIFY(mismatch.err.contains("does not match requested release context"));
        // pinned to something that is not cached
        const Digest missing = Sha256::hash("missing");
        writeIndex(
            QStringLiteral("stable"), QStringLiteral("4"),
            QJsonObject{{ref, entry(missing.toString(), QStringLiteral("oci://ghcr.io/x/y@") + missing.toString())}});
        QCOMPARE(runCached({QStringLiteral("--offline"), QStringLiteral("pull"), ref, QStringLiteral("--release"),
                            QStringLiteral("4")})
                     .code,
                 3);
        // pinned to an entry whose blob has gone: missing (3), as upstream reports it, not corrupt (6)
        {
            const QString blob = Cache(m_cache).blobPath(d);
            QVERIFY(QFile::rename(blob, blob + QStringLiteral(".away")));
            const Run gone = runCached({QStringLiteral("--offline"), QStringLiteral("pull"), ref,
                                        QStringLiteral("--release"), QStringLiteral("1.0.16")});
            QVERIFY(QFile::rename(blob + QStringLiteral(".away"), blob));
            QCOMPARE(gone.code, 3);
            QVERIFY2(gone.err.contains("whose cached blob is missing"), gone.err.constData());
        }
        // canonical ref not pinned
        writeIndex(QStringLiteral("stable"), QStringLiteral("5"),
                   QJsonObject{{ref, entry(d.toString(), QStringLiteral("ghcr.io/x/y:1"))}});
        const Run unpinned = runCached({QStringLiteral("--offline"), QStringLiteral("resolve"), ref,
                                        QStringLiteral("--release"), QStringLiteral("5")});
        QCOMPARE(unpinned.code, 2);
        QVERIFY(unpinned.err.contains("not digest-pinned"));
        // malformed JSON
        write(m_cache + QStringLiteral("/release-index/v1/stable/6.json"), "{");
        const Run malformed = runCached({QStringLiteral("--offline"), QStringLiteral("resolve"), ref,
                                         QStringLiteral("--release"), QStringLiteral("6")});
        QCOMPARE(malformed.code, 2);
        QVERIFY(malformed.err.startsWith("invalid lockfile: "));
    }

    void downloadNames()
    {
        QCOMPARE(
            DistClient::defaultDownloadName(QStringLiteral("oci://ghcr.io/greentic-biz/catalogs/zain-x:latest"),
                                            QStringLiteral("application/vnd.greentic.zain-x.catalog.root.v1+json")),
            QStringLiteral("zain-x.json"));
        QCOMPARE(DistClient::defaultDownloadName(QStringLiteral("ghcr.io/o/tool@sha256:abc"),
                                                 QStringLiteral("application/wasm")),
                 QStringLiteral("tool.wasm"));
        QCOMPARE(DistClient::defaultDownloadName(QStringLiteral("h/o/b:1"),
                                                 QStringLiteral("application/vnd.x.bundle+tar+gzip")),
                 QStringLiteral("b.tgz"));
        QCOMPARE(
            DistClient::defaultDownloadName(QStringLiteral("h/o/b:1"), QStringLiteral("application/vnd.x+tar+zstd")),
            QStringLiteral("b.tar.zst"));
        QCOMPARE(DistClient::defaultDownloadName(QStringLiteral("h/o/b:1"), QStringLiteral("application/vnd.x+zip")),
                 QStringLiteral("b.zip"));
        QCOMPARE(DistClient::defaultDownloadName(QStringLiteral("h/o/b"), QStringLiteral("application/vnd.x+tar")),
                 QStringLiteral("b.bin"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
