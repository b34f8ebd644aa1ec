// SPDX-License-Identifier: MIT
// The bad-input corpus (tests/corpus, see generate.py there): every file goes through the real
// binary in the place it would be met (a lockfile on the command line, an entry.json in the cache,
// a manifest or index from a registry, a keys manifest or DSSE envelope from a pack registry, …)
// and must give its expected exit code with a short error on stderr: no crash, no hang. Each
// category also runs one valid input through the same path, so a broken harness cannot pass.
#include "CliRunner.h"
#include "ScriptedServer.h"
#include "TestWaits.h"

#include <core/Sha256.h>
#include <trust/PackCanonicalizer.h>
#include <trust/PackSigner.h>
#include <trust/PackTrustStore.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace dist;
using namespace dist::test;

namespace {

const QString kCorpus = QStringLiteral(DIST_SOURCE_DIR "/tests/corpus");
const QByteArray kPackYaml = "name: demo\nversion: 1.0.0\ndescription: corpus pack\n";

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        f.write(data);
    }
}

struct Case
{
    QString name;
    int expected = 0;
    QByteArray content;
};

QList<Case> loadCategory(const QString& category)
{
    QList<Case> cases;
    const QString dir = kCorpus + u'/' + category;
    for (const QByteArray& line : readFile(dir + QStringLiteral("/expected.tsv")).split('\n')) {
        if (line.trimmed().isEmpty()) {
            continue;
        }
        const QList<QByteArray> cols = line.split('\t');
        cases.append({QString::fromUtf8(cols.value(0)), cols.value(1).toInt(),
                      readFile(dir + u'/' + QString::fromUtf8(cols.value(0)))});
    }
    return cases;
}

QByteArray pae(const QByteArray& type, const QByteArray& payload)
{
    return "DSSEv1 " + QByteArray::number(type.size()) + ' ' + type + ' ' + QByteArray::number(payload.size()) + ' '
        + payload;
}

} // namespace

class TestCorpus : public QObject
{
    Q_OBJECT

    QTemporaryDir m_work;
    int m_caches = 0;
    QStringList m_failures;
    int m_ran = 0;

    CliRunner freshRunner() { return CliRunner(m_work.filePath(QStringLiteral("cache-%1").arg(++m_caches))); }

    // Runs one case and records a mismatch instead of stopping, so one run reports every bad case.
    void check(const QString& label, int expected, const CliRunner& cli, const QStringList& args)
    {
        ++m_ran;
        const CliResult r = cli.run(args, 60000);
        QString problem;
        if (r.crashed) {
            problem = QStringLiteral("crashed or hung");
        } else if (r.exitCode != expected) {
            problem = QStringLiteral("exit %1, expected %2").arg(r.exitCode).arg(expected);
        } else if (expected != 0 && r.err.trimmed().isEmpty()) {
            problem = QStringLiteral("no error message");
        } else if (r.err.count('\n') > 4) {
            problem = QStringLiteral("%1 lines on stderr").arg(r.err.count('\n'));
        } else if (r.err.contains("AddressSanitizer") || r.err.contains("runtime error:")) {
            problem = QStringLiteral("sanitizer report");
        }
        if (!problem.isEmpty()) {
            m_failures
                << QStringLiteral("%1: %2 [%3]").arg(label, problem, QString::fromUtf8(r.err.trimmed().left(300)));
        }
    }

    void report(const QString& category, int minimum)
    {
        const QStringList failures = m_failures;
        m_failures.clear();
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(u'\n')));
        QVERIFY2(m_ran >= minimum, qPrintable(QStringLiteral("%1: only %2 cases ran").arg(category).arg(m_ran)));
        m_ran = 0;
    }

    // A cache holding one pulled file; returns its digest.
    Digest cacheWithEntry(const CliRunner& cli)
    {
        const QString file = m_work.filePath(QStringLiteral("component.wasm"));
        if (!QFile::exists(file)) {
            writeFile(file, QByteArray("\0asm\x0d\0\x01\0corpus", 14));
        }
        const CliResult r = cli.run({QStringLiteral("pull"), file});
        if (r.exitCode != 0) {
            m_failures << QStringLiteral("setup pull failed: ") + QString::fromUtf8(r.err);
        }
        return Sha256::hash(readFile(file));
    }

    QString entryDir(const CliRunner& cli, const Digest& d) const
    {
        return cli.cacheDir() + QStringLiteral("/artifacts/sha256/") + d.hex().left(2) + u'/' + d.hex().mid(2);
    }

private Q_SLOTS:
    void references()
    {
        const CliRunner cli = freshRunner();
        writeFile(m_work.filePath(QStringLiteral("ref.wasm")), "ref");
        check(QStringLiteral("control"), 0, cli,
              {QStringLiteral("resolve"), m_work.filePath(QStringLiteral("ref.wasm"))});
        int n = 0;
        for (const QByteArray& line : readFile(kCorpus + QStringLiteral("/references.tsv")).split('\n')) {
            if (line.isEmpty()) {
                continue;
            }
            const qsizetype tab = line.lastIndexOf('\t');
            const QString ref = QString::fromUtf8(line.left(tab));
            check(QStringLiteral("references: ") + ref.left(80), line.mid(tab + 1).toInt(), cli,
                  {QStringLiteral("resolve"), ref});
            ++n;
        }
        QVERIFY(n >= 40);
        report(QStringLiteral("references"), 41);
    }

    void lockfiles()
    {
        const CliRunner cli = freshRunner();
        const QString good = m_work.filePath(QStringLiteral("good.lock.json"));
        writeFile(m_work.filePath(QStringLiteral("x.wasm")), "x");
        writeFile(good,
                  "{\"schema_version\": 1, \"components\": [\"" + m_work.filePath(QStringLiteral("x.wasm")).toUtf8()
                      + "\"]}");
        check(QStringLiteral("control"), 0, cli, {QStringLiteral("pull"), QStringLiteral("--lock"), good});
        for (const Case& c : loadCategory(QStringLiteral("lockfiles"))) {
            const QString path = kCorpus + QStringLiteral("/lockfiles/") + c.name;
            check(QStringLiteral("lockfiles/") + c.name, c.expected, cli,
                  {QStringLiteral("--offline"), QStringLiteral("pull"), QStringLiteral("--lock"), path});
        }
        report(QStringLiteral("lockfiles"), 20);
    }

    void yamlPacks()
    {
        const CliRunner cli = freshRunner();
        const QString good = m_work.filePath(QStringLiteral("good.yaml"));
        writeFile(good, kPackYaml);
        check(QStringLiteral("control"), 0, cli, {QStringLiteral("resolve"), good});
        for (const Case& c : loadCategory(QStringLiteral("packs"))) {
            check(QStringLiteral("packs/") + c.name, c.expected, cli,
                  {QStringLiteral("resolve"), kCorpus + QStringLiteral("/packs/") + c.name});
        }
        report(QStringLiteral("packs"), 30);
    }

    void entryJson()
    {
        {
            const CliRunner cli = freshRunner();
            const Digest d = cacheWithEntry(cli);
            check(QStringLiteral("control"), 0, cli, {QStringLiteral("cache"), QStringLiteral("verify"), d.toString()});
        }
        for (const Case& c : loadCategory(QStringLiteral("entry-json"))) {
            const CliRunner cli = freshRunner();
            const Digest d = cacheWithEntry(cli);
            const QString dir = entryDir(cli, d);
            QByteArray content = c.content;
            content.replace("@DIGEST@", d.toString().toUtf8())
                .replace("@BLOB@", (dir + QStringLiteral("/blob")).toUtf8())
                .replace("@SIZE@", "14");
            writeFile(dir + QStringLiteral("/entry.json"), content);
            check(QStringLiteral("entry-json/") + c.name, c.expected, cli,
                  {QStringLiteral("cache"), QStringLiteral("verify"), d.toString()});
            // Listing a cache with a broken entry never crashes either.
            const CliResult ls = cli.run({QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--json")});
            if (ls.crashed) {
                m_failures << QStringLiteral("entry-json/%1: cache ls crashed").arg(c.name);
            }
        }
        report(QStringLiteral("entry-json"), 20);
    }

    void bundleRecords()
    {
        for (const Case& c : loadCategory(QStringLiteral("bundle-records"))) {
            const CliRunner cli = freshRunner();
            const Digest d = cacheWithEntry(cli);
            if (m_ran == 0) {
                check(QStringLiteral("control"), 0, cli,
                      {QStringLiteral("bundle"), QStringLiteral("stage"), d.toString()});
                check(QStringLiteral("control"), 0, cli, {QStringLiteral("bundle"), QStringLiteral("ls")});
            }
            QByteArray content = c.content;
            content.replace("@DIGEST@", d.toString().toUtf8());
            writeFile(cli.cacheDir() + QStringLiteral("/bundles/bundle__sha256__") + d.hex() + QStringLiteral(".json"),
                      content);
            check(QStringLiteral("bundle-records/") + c.name, c.expected, cli,
                  {QStringLiteral("bundle"), QStringLiteral("ls")});
        }
        report(QStringLiteral("bundle-records"), 15);
    }

    void releaseIndexes()
    {
        const QString ref = QStringLiteral("ghcr.io/greenticai/components/templates:stable");
        const QStringList args{QStringLiteral("--offline"), QStringLiteral("pull"),  ref,
                               QStringLiteral("--release"), QStringLiteral("1.0.0"), QStringLiteral("--channel"),
                               QStringLiteral("stable")};
        {
            const CliRunner cli = freshRunner();
            const Digest d = cacheWithEntry(cli);
            writeFile(
                cli.cacheDir() + QStringLiteral("/release-index/v1/stable/1.0.0.json"),
                QJsonDocument(
                    QJsonObject{{QStringLiteral("schema"), QStringLiteral("greentic.release-index.v1")},
                                {QStringLiteral("release"), QStringLiteral("1.0.0")},
                                {QStringLiteral("channel"), QStringLiteral("stable")},
                                {QStringLiteral("refs"),
                                 QJsonObject{{ref,
                                              QJsonObject{{QStringLiteral("digest"), d.toString()},
                                                          {QStringLiteral("canonical_ref"),
                                                           QString(QStringLiteral("ghcr.io/x@") + d.toString())}}}}}})
                    .toJson());
            check(QStringLiteral("control"), 0, cli, args);
        }
        for (const Case& c : loadCategory(QStringLiteral("release-indexes"))) {
            const CliRunner cli = freshRunner();
            writeFile(cli.cacheDir() + QStringLiteral("/release-index/v1/stable/1.0.0.json"), c.content);
            check(QStringLiteral("release-indexes/") + c.name, c.expected, cli, args);
        }
        report(QStringLiteral("release-indexes"), 12);
    }

    void manifestsAndIndexes()
    {
        const QByteArray layerBytes("\0asm\x0d\0\x01\0layer", 13);
        const Digest layer = Sha256::hash(layerBytes);
        const QByteArray config = "{}";
        const Digest configDigest = Sha256::hash(config);
        const QByteArray validManifest = "{\"schemaVersion\":2,\"mediaType\":\"application/"
                                         "vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                                         "\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + configDigest.toString().toLatin1() + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/"
            + "vnd.wasm.component.v1+wasm\",\"digest\":\"" + layer.toString().toLatin1() + "\",\"size\":13}]}";
        const Digest manifestDigest = Sha256::hash(validManifest);
        QByteArray current;

        ScriptedServer registry;
        QVERIFY(registry.start());
        registry.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            auto json = [](const QByteArray& body, const QByteArray& fallbackType) -> ScriptedReply {
                QByteArray type = QJsonDocument::fromJson(body).object().value(u"mediaType").toString().toLatin1();
                return {200,
                        {{"Content-Type", type.isEmpty() ? fallbackType : type},
                         {"Docker-Content-Digest", Sha256::hash(body).toString().toLatin1()}},
                        body,
                        -1};
            };
            if (r.path == u"/v2/" || r.path == u"/v2") {
                return {200, {}, "{}", -1};
            }
            if (r.path == u"/v2/corpus/manifests/1") {
                return json(current, "application/vnd.oci.image.manifest.v1+json");
            }
            if (r.path == u"/v2/corpus/manifests/" + manifestDigest.toString()) {
                return json(validManifest, "application/vnd.oci.image.manifest.v1+json");
            }
            if (r.path == u"/v2/corpus/blobs/" + layer.toString()) {
                return {200, {{"Content-Type", "application/octet-stream"}}, layerBytes, -1};
            }
            if (r.path == u"/v2/corpus/blobs/" + configDigest.toString()) {
                return {200, {}, config, -1};
            }
            return {404, {{"Content-Type", "application/json"}}, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}", -1};
        });
        const QString ref = QStringLiteral("127.0.0.1:%1/corpus:1").arg(registry.port());
        auto fill = [&](QByteArray content) {
            return content.replace("@LAYER@", layer.toString().toLatin1())
                .replace("@LAYER_SIZE@", "13")
                .replace("@CONFIG@", configDigest.toString().toLatin1())
                .replace("@MANIFEST@", manifestDigest.toString().toLatin1())
                .replace("@MANIFEST_SIZE@", QByteArray::number(validManifest.size()));
        };
        current = validManifest;
        check(QStringLiteral("control manifest"), 0, freshRunner(), {QStringLiteral("pull"), ref});
        current = fill("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":"
                       "[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"@MANIFEST@\","
                       "\"size\":@MANIFEST_SIZE@}]}");
        check(QStringLiteral("control index"), 0, freshRunner(), {QStringLiteral("pull"), ref});
        for (const QString& category : {QStringLiteral("manifests"), QStringLiteral("indexes")}) {
            for (const Case& c : loadCategory(category)) {
                current = fill(c.content);
                const CliRunner cli = freshRunner();
                check(category + u'/' + c.name, c.expected, cli, {QStringLiteral("pull"), ref});
                // Whatever happened, nothing half-written is visible.
                const CliResult v = cli.run({QStringLiteral("cache"), QStringLiteral("verify")});
                if (v.exitCode != 0) {
                    m_failures << category + u'/' + c.name + QStringLiteral(": cache verify exit %1").arg(v.exitCode);
                }
            }
        }
        report(QStringLiteral("manifests"), 35);
    }

    void tarLayers()
    {
        // Extraction happens next to a sentinel directory; nothing may ever appear outside `out-N`.
        const QString arena = m_work.filePath(QStringLiteral("arena"));
        QDir().mkpath(arena);
        const CliRunner cli = freshRunner();
        {
            const QString good = m_work.filePath(QStringLiteral("good.tar"));
            QProcess tar;
            writeFile(m_work.filePath(QStringLiteral("tarsrc/sub/x.txt")), "x");
            tar.start(QStringLiteral("tar"),
                      {QStringLiteral("-C"), m_work.filePath(QStringLiteral("tarsrc")), QStringLiteral("-cf"), good,
                       QStringLiteral(".")});
            QVERIFY(tar.waitForFinished(scaled(30000)));
            check(QStringLiteral("control"), 0, cli,
                  {QStringLiteral("extract"), good, QStringLiteral("--to"), arena + QStringLiteral("/control")});
            QDir(arena + QStringLiteral("/control")).removeRecursively();
        }
        int n = 0;
        for (const Case& c : loadCategory(QStringLiteral("tar"))) {
            const QString out = arena + QStringLiteral("/out-%1").arg(++n);
            check(QStringLiteral("tar/") + c.name, c.expected, cli,
                  {QStringLiteral("extract"), kCorpus + QStringLiteral("/tar/") + c.name, QStringLiteral("--to"), out});
            const QStringList left
                = QDir(arena).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
            // All or nothing: a refused layer leaves no directory and no staging debris.
            if (c.expected != 0 && !left.isEmpty()) {
                m_failures << QStringLiteral("tar/%1 left %2").arg(c.name, left.join(u' '));
            }
            QDir(out).removeRecursively();
        }
        if (QFileInfo::exists(m_work.filePath(QStringLiteral("evil.txt")))
            || QFileInfo::exists(QStringLiteral("/tmp/greentic-dist-evil.txt"))
            || QFileInfo::exists(QStringLiteral("/tmp/greentic-dist-evil"))) {
            m_failures << QStringLiteral("a tar layer wrote outside its destination");
        }
        report(QStringLiteral("tar"), 30);
    }

    void keysManifestsAndEnvelopes()
    {
        const PackSigner pinned = PackSigner::generate();
        const PackSigner stranger = PackSigner::generate();
        const QString trust = m_work.filePath(QStringLiteral("trust.json"));
        writeFile(trust, pinned.trustRootJson(QStringLiteral("corpus root")));
        const QByteArray canonical = PackCanonicalizer::canonicalJson(kPackYaml).value();
        const QByteArray type = PackTrustStore::kPackPayloadType;
        QByteArray sig = pinned.sign(pae(type, canonical));
        QByteArray flipped = sig;
        flipped[10] = char(flipped[10] ^ 0x01);

        QByteArray envelopeHeader; // served as X-Pack-Signature
        QByteArray keyIdHeader;
        QByteArray keysManifest; // served at /v1/keys (empty: 404)
        ScriptedServer registry;
        QVERIFY(registry.start());
        registry.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path == u"/v1/keys") {
                if (keysManifest.isEmpty()) {
                    return {404, {}, "{\"error\":\"not_found\"}", -1};
                }
                return {200, {{"Content-Type", "application/json"}}, keysManifest, -1};
            }
            // Large envelopes travel in the .sig sidecar, as registries send them (QNAM in Qt 6.4 takes
            // seconds to parse a megabyte-long header line).
            const bool sidecar = envelopeHeader.size() > 64 * 1024;
            if (r.path == u"/v1/packs/demo/1.0.0") {
                QList<QPair<QByteArray, QByteArray>> headers{
                    {"Content-Type", "application/x-yaml"},
                    {"X-Pack-Digest", Sha256::hash(canonical).toString().toLatin1()},
                    {"X-Pack-Key-Id", keyIdHeader}};
                if (!sidecar) {
                    headers.append({"X-Pack-Signature", envelopeHeader.toBase64()});
                }
                return {200, headers, kPackYaml, -1};
            }
            if (r.path == u"/v1/packs/demo/1.0.0.sig" && sidecar) {
                return {200, {{"Content-Type", "application/vnd.dsse.envelope+json"}}, envelopeHeader, -1};
            }
            return {404, {}, "{\"error\":\"pack_not_found\"}", -1};
        });
        auto runner = [&] {
            CliRunner cli = freshRunner();
            cli.env().insert(QStringLiteral("ASSAY_REGISTRY_URL"), registry.origin() + QStringLiteral("/v1"));
            return cli;
        };
        const QStringList fetch{QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("demo@1.0.0"),
                                QStringLiteral("--trust-root"), trust};

        // DSSE envelopes against the pinned key.
        keyIdHeader = pinned.keyId().toLatin1();
        envelopeHeader = pinned.envelope(canonical, type);
        check(QStringLiteral("control envelope"), 0, runner(), fetch);
        for (const Case& c : loadCategory(QStringLiteral("dsse"))) {
            QByteArray content = c.content;
            content.replace("@PAYLOAD_TOO_BIG@", QByteArray(1024 * 1024 + 1, 'a').toBase64())
                .replace("@PAYLOAD@", canonical.toBase64())
                .replace("@KEY_ID@", pinned.keyId().toLatin1())
                .replace("@SIG_FLIPPED@", flipped.toBase64())
                .replace("@SIG@", sig.toBase64())
                .replace("@OTHER_KEY_ID@", stranger.keyId().toLatin1())
                .replace("@OTHER_SIG@", stranger.sign(pae(type, canonical)).toBase64());
            envelopeHeader = content;
            check(QStringLiteral("dsse/") + c.name, c.expected, runner(), fetch);
        }

        // Keys manifests: the pack is signed by a key only the manifest could vouch for.
        keyIdHeader = stranger.keyId().toLatin1();
        envelopeHeader = stranger.envelope(canonical, type);
        auto fillKeys = [&](QByteArray content) {
            return content.replace("@KEY_ID@", stranger.keyId().toLatin1())
                .replace("@PUBLIC_KEY@", stranger.spki().toBase64());
        };
        keysManifest = fillKeys("{\"version\":1,\"keys\":[{\"key_id\":\"@KEY_ID@\",\"algorithm\":\"Ed25519\","
                                "\"public_key\":\"@PUBLIC_KEY@\"}]}");
        check(QStringLiteral("control keys manifest"), 0, runner(), fetch);
        for (const Case& c : loadCategory(QStringLiteral("keys-manifests"))) {
            keysManifest = fillKeys(c.content);
            if (keysManifest.isEmpty()) {
                keysManifest = " "; // an empty 200 body, not a 404
            }
            check(QStringLiteral("keys-manifests/") + c.name, c.expected, runner(), fetch);
        }
        report(QStringLiteral("keys and envelopes"), 40);
    }
};

QTEST_GUILESS_MAIN(TestCorpus)
#include "tst_corpus.moc"
