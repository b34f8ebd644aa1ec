// SPDX-License-Identifier: MIT
// The greentic-dist binary against a scripted pack registry: registry commands, pack references in
// resolve/pull, assay.packs.lock generate/verify/update, exit codes and the ASSAY_* environment.
#include "CliRunner.h"
#include "FakePackRegistry.h"
#include "ScriptedServer.h"

#include <packs/PackLockfile.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

namespace {

const QByteArray kPack("name: test-pack\nversion: \"1.0.0\"\nrules:\n  - id: r1\n");
const QByteArray kPackV2("name: test-pack\nversion: \"1.0.0\"\nrules:\n  - id: r1\n  - id: r2\n");
const QByteArray kBundled("name: eu-ai-act-baseline\nversion: \"1.0.0\"\nkind: compliance\n");
const QByteArray kByos("name: custom-rules\nrules: []\n");

QJsonObject json(const QByteArray& out)
{
    return QJsonDocument::fromJson(out).object();
}

} // namespace

class TestPackCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    PackSigner m_root = PackSigner::generate();
    QString m_rootFile;
    ScriptedServer m_server;
    FakePackRegistry m_registry;
    std::function<std::optional<ScriptedReply>(const RecordedRequest&)> m_override;
    int m_runs = 0;

    CliRunner runner(const QString& cache = QString())
    {
        CliRunner r(cache.isEmpty() ? m_dir.filePath(QStringLiteral("cache-%1").arg(++m_runs)) : cache);
        r.env().insert(QStringLiteral("ASSAY_REGISTRY_URL"), m_server.origin() + QStringLiteral("/v1"));
        r.env().insert(QStringLiteral("ASSAY_REGISTRY_TRUST_ROOTS"), m_rootFile);
        r.env().insert(QStringLiteral("ASSAY_REGISTRY_MAX_RETRIES"), QStringLiteral("1"));
        r.env().insert(QStringLiteral("GREENTIC_DIST_BUNDLED_PACKS_DIR"), m_dir.filePath(QStringLiteral("bundled")));
        return r;
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
        QVERIFY(m_dir.isValid());
        m_rootFile = m_dir.filePath(QStringLiteral("roots.json"));
        write(m_rootFile, m_root.trustRootJson(QStringLiteral("test root")));
        QDir().mkpath(m_dir.filePath(QStringLiteral("bundled")));
        write(m_dir.filePath(QStringLiteral("bundled/eu-ai-act-baseline.yaml")), kBundled);
        m_registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});
        m_registry.packs.insert(QStringLiteral("test-pack/0.9.0"), ServedPack{kPack, &m_root});
        m_registry.packs.insert(QStringLiteral("unsigned-pack/1.0.0"), ServedPack{kPack, nullptr});
        QVERIFY(m_server.start());
        m_server.setHandler([this](const RecordedRequest& r) -> ScriptedReply {
            if (m_override) {
                if (auto reply = m_override(r)) {
                    return *reply;
                }
            }
            if (r.path == u"/byos/custom-rules.yaml") {
                return {200, {{"Content-Type", "application/x-yaml"}}, kByos, -1};
            }
            return m_registry.serve(r);
        });
    }

    void init() { m_override = nullptr; }

    void registryFetch()
    {
        const CliRunner cli = runner();
        CliResult r = cli.run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("test-pack@1.0.0")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString path = QString::fromUtf8(r.out.trimmed());
        QFile blob(path);
        QVERIFY(blob.open(QIODevice::ReadOnly));
        QCOMPARE(blob.readAll(), kPack);

        r = cli.run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("test-pack@1.0.0"),
                     QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r.out);
        QCOMPARE(o.value(QStringLiteral("digest")).toString(), packDigest(kPack).toString());
        QCOMPARE(o.value(QStringLiteral("content_digest")).toString(), Sha256::hash(kPack).toString());
        QCOMPARE(o.value(QStringLiteral("source")).toString(), QStringLiteral("cache"));
        QCOMPARE(o.value(QStringLiteral("signed")).toBool(), true);
        QCOMPARE(o.value(QStringLiteral("key_id")).toString(), m_root.keyId());

        const QString output = m_dir.filePath(QStringLiteral("out.yaml"));
        r = cli.run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("test-pack@1.0.0"),
                     QStringLiteral("--output"), output, QStringLiteral("--no-cache")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out.trimmed()), output);
        QFile out(output);
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(out.readAll(), kPack);

        // resolve prints the canonical digest; cache ls shows the pack.
        r = cli.run({QStringLiteral("resolve"), QStringLiteral("test-pack@1.0.0")});
        QCOMPARE(r.out.trimmed(), packDigest(kPack).toString().toLatin1());
        r = cli.run(
            {QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--long"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("test-pack@1.0.0"), r.out.constData());

        // Not a registry reference.
        r = cli.run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("test-pack")});
        QCOMPARE(r.exitCode, 2);
    }

    void exitCodes()
    {
        const CliRunner cli = runner();
        CliResult r
            = cli.run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("unsigned-pack@1.0.0")});
        QCOMPARE(r.exitCode, 6);
        QVERIFY(r.err.startsWith("pack is unsigned: unsigned-pack@1.0.0"));
        QCOMPARE(r.err.count('\n'), 1); // one plain line
        r = cli.run(
            {QStringLiteral("pull"), QStringLiteral("unsigned-pack@1.0.0"), QStringLiteral("--allow-unsigned")});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        r = cli.run({QStringLiteral("pull"), QStringLiteral("nope@1.0.0")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.startsWith("pack not found: nope@1.0.0"));

        m_override = [](const RecordedRequest& req) -> std::optional<ScriptedReply> {
            if (req.path.contains(u"revoked")) {
                return ScriptedReply{
                    410, {}, R"({"error":"security_revocation","reason":"critical CVE","safe_version":"1.0.1"})", -1};
            }
            if (req.path.contains(u"private")) {
                return ScriptedReply{401, {}, R"({"error":"authentication_required"})", -1};
            }
            if (req.path.contains(u"flaky")) {
                return ScriptedReply{503, {}, "maintenance", -1};
            }
            return std::nullopt;
        };
        r = cli.run({QStringLiteral("pull"), QStringLiteral("revoked@1.1.0")});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("pack revoked: revoked@1.1.0 - critical CVE"), r.err.constData());
        r = cli.run({QStringLiteral("pull"), QStringLiteral("private@1.0.0")});
        QCOMPARE(r.exitCode, 5);
        const qsizetype before = m_server.count(QStringLiteral("/v1/packs/flaky"));
        r = cli.run({QStringLiteral("pull"), QStringLiteral("flaky@1.0.0")});
        QCOMPARE(r.exitCode, 10);
        QCOMPARE(m_server.count(QStringLiteral("/v1/packs/flaky")) - before, 2); // ASSAY_REGISTRY_MAX_RETRIES=1

        // A pin that does not match: integrity failure.
        r = cli.run({QStringLiteral("pull"), QStringLiteral("test-pack@1.0.0#") + Sha256::hash("x").toString()});
        QCOMPARE(r.exitCode, 6);
        // Offline and not cached.
        r = cli.run({QStringLiteral("pull"), QStringLiteral("test-pack@0.9.0"), QStringLiteral("--offline")});
        QCOMPARE(r.exitCode, 4);
        // A bad trust-root file is invalid input.
        write(m_dir.filePath(QStringLiteral("bad-roots.json")), "[]");
        r = cli.run({QStringLiteral("pull"), QStringLiteral("test-pack@1.0.0"), QStringLiteral("--trust-root"),
                     m_dir.filePath(QStringLiteral("bad-roots.json"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("invalid trust roots"));
    }

    void tokenFromEnvironmentNeverPrinted()
    {
        m_override = [](const RecordedRequest& req) -> std::optional<ScriptedReply> {
            if (req.header("Authorization") != "Bearer ast_sekrit") {
                return ScriptedReply{401, {}, R"({"error":"invalid_token"})", -1};
            }
            return std::nullopt;
        };
        CliRunner cli = runner();
        CliResult r = cli.run({QStringLiteral("pull"), QStringLiteral("test-pack@1.0.0"), QStringLiteral("-v")});
        QCOMPARE(r.exitCode, 5);
        QVERIFY(r.err.contains("ASSAY_REGISTRY_TOKEN"));
        cli.env().insert(QStringLiteral("ASSAY_REGISTRY_TOKEN"), QStringLiteral("ast_sekrit"));
        r = cli.run({QStringLiteral("pull"), QStringLiteral("test-pack@1.0.0"), QStringLiteral("-v"),
                     QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.err.contains("sekrit") && !r.out.contains("sekrit"));
        cli.env().insert(QStringLiteral("ASSAY_REGISTRY_TOKEN"), QStringLiteral("ast_wrong"));
        r = cli.run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("test-pack@1.0.0"),
                     QStringLiteral("--no-cache")});
        QCOMPARE(r.exitCode, 5);
        QVERIFY(!r.err.contains("ast_wrong"));
    }

    void versionsAndKeys()
    {
        const PackSigner extra = PackSigner::generate();
        m_registry.keysManifest = makeKeysManifest({keyJson(extra)});
        const CliRunner cli = runner();
        CliResult r = cli.run({QStringLiteral("registry"), QStringLiteral("versions"), QStringLiteral("test-pack")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QByteArray("1.0.0  " + packDigest(kPack).toString().toLatin1())));
        QVERIFY(r.out.contains("0.9.0"));
        r = cli.run({QStringLiteral("registry"), QStringLiteral("versions"), QStringLiteral("test-pack"),
                     QStringLiteral("--json")});
        QCOMPARE(json(r.out).value(QStringLiteral("versions")).toArray().size(), 2);
        r = cli.run({QStringLiteral("registry"), QStringLiteral("versions"), QStringLiteral("Bad_Name")});
        QCOMPARE(r.exitCode, 2);

        r = cli.run({QStringLiteral("registry"), QStringLiteral("keys"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = json(r.out);
        QStringList ids;
        for (const QJsonValue& k : o.value(QStringLiteral("keys")).toArray()) {
            ids << k.toObject().value(QStringLiteral("key_id")).toString();
        }
        QVERIFY(
            ids.contains(QStringLiteral("sha256:3a64307d5655ba86fa3c95118ed8fe9665ef6bd37c752ca93f3bbe8f16e83a7f")));
        QVERIFY(ids.contains(m_root.keyId()));
        QVERIFY(ids.contains(extra.keyId()));
        QCOMPARE(o.value(QStringLiteral("manifest")).toObject().value(QStringLiteral("added")).toInt(), 1);
        // Offline: the remembered manifest still counts.
        r = cli.run({QStringLiteral("registry"), QStringLiteral("keys"), QStringLiteral("--offline")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(extra.keyId().toLatin1()));
        m_registry.keysManifest.clear();
    }

    void lockfileLifecycle()
    {
        const CliRunner cli = runner();
        const QString lock = m_dir.filePath(QStringLiteral("assay.packs.lock"));
        const QString local = m_dir.filePath(QStringLiteral("local-rules.yaml"));
        write(local, "name: local-rules\nrules: []\n");
        const QString byos
            = m_server.origin() + QStringLiteral("/byos/custom-rules.yaml#") + packDigest(kByos).toString();
        CliResult r = cli.run({QStringLiteral("lock"), QStringLiteral("generate"), QStringLiteral("test-pack@1.0.0"),
                               QStringLiteral("eu-ai-act-baseline"), local, byos, QStringLiteral("--lock"), lock});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        auto parsed = PackLockfile::load(lock);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.message()));
        QCOMPARE(parsed->version, 2);
        QCOMPARE(parsed->packs.size(), 4);
        const PackLockEntry* reg = parsed->find(QStringLiteral("test-pack"));
        QVERIFY(reg);
        QCOMPARE(reg->source, QStringLiteral("registry"));
        QCOMPARE(reg->digest, packDigest(kPack));
        QCOMPARE(reg->registryUrl, m_server.origin() + QStringLiteral("/v1"));
        QCOMPARE(reg->signatureAlgorithm, QStringLiteral("Ed25519"));
        QCOMPARE(reg->signatureKeyId, m_root.keyId());
        QCOMPARE(parsed->find(QStringLiteral("eu-ai-act-baseline"))->source, QStringLiteral("bundled"));
        QCOMPARE(parsed->find(QStringLiteral("eu-ai-act-baseline"))->digest, packDigest(kBundled));
        QCOMPARE(parsed->find(QStringLiteral("local-rules"))->source, QStringLiteral("local"));
        QCOMPARE(parsed->find(QStringLiteral("custom-rules"))->source, QStringLiteral("byos"));
        QCOMPARE(parsed->find(QStringLiteral("custom-rules"))->digest, packDigest(kByos));

        r = cli.run({QStringLiteral("lock"), QStringLiteral("verify"), QStringLiteral("--lock"), lock});
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QCOMPARE(r.out.count("matched"), 3);
        QCOMPARE(r.out.count("skipped"), 1);

        // The registry now serves other content for test-pack@1.0.0: mismatch, exit 6.
        m_registry.packs[QStringLiteral("test-pack/1.0.0")].content = kPackV2;
        r = cli.run({QStringLiteral("lock"), QStringLiteral("verify"), QStringLiteral("--lock"), lock,
                     QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 6);
        const QJsonArray packs = json(r.out).value(QStringLiteral("packs")).toArray();
        bool sawMismatch = false;
        for (const QJsonValue& v : packs) {
            const QJsonObject p = v.toObject();
            if (p.value(QStringLiteral("name")).toString() == u"test-pack") {
                QCOMPARE(p.value(QStringLiteral("status")).toString(), QStringLiteral("mismatched"));
                QCOMPARE(p.value(QStringLiteral("expected")).toString(), packDigest(kPack).toString());
                QCOMPARE(p.value(QStringLiteral("actual")).toString(), packDigest(kPackV2).toString());
                sawMismatch = true;
            }
        }
        QVERIFY(sawMismatch);
        QVERIFY(r.err.contains("lockfile verification failed: 1 mismatched"));

        // update records the new digest; verify passes again.
        r = cli.run({QStringLiteral("lock"), QStringLiteral("update"), QStringLiteral("--lock"), lock});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains(QByteArray("updated  test-pack@1.0.0  " + packDigest(kPackV2).toString().toLatin1())));
        QCOMPARE(PackLockfile::load(lock)->find(QStringLiteral("test-pack"))->digest, packDigest(kPackV2));
        r = cli.run({QStringLiteral("lock"), QStringLiteral("verify"), QStringLiteral("--lock"), lock});
        QCOMPARE(r.exitCode, 0);
        r = cli.run({QStringLiteral("lock"), QStringLiteral("update"), QStringLiteral("--lock"), lock});
        QVERIFY(r.err.contains("is up to date"));

        // The pack disappears from the registry: missing, exit 3.
        m_registry.packs.remove(QStringLiteral("test-pack/1.0.0"));
        const CliRunner fresh = runner();
        r = fresh.run({QStringLiteral("lock"), QStringLiteral("verify"), QStringLiteral("--lock"), lock});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.out.contains("missing"));
        m_registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});

        // pull --lock of the Rust client's JSON lockfile is a different file; an assay lockfile
        // newer than v2 is refused.
        const QString v3 = m_dir.filePath(QStringLiteral("v3.lock"));
        write(v3, "version: 3\ngenerated_at: 2026-01-01T00:00:00Z\ngenerated_by: future\npacks: []\n");
        r = cli.run({QStringLiteral("lock"), QStringLiteral("verify"), QStringLiteral("--lock"), v3});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("lockfile version 3 is newer than supported version 2"));
        r = cli.run({QStringLiteral("lock"), QStringLiteral("verify"), QStringLiteral("--lock"),
                     m_dir.filePath(QStringLiteral("none.lock"))});
        QCOMPARE(r.exitCode, 3);
        r = cli.run({QStringLiteral("lock"), QStringLiteral("generate"), QStringLiteral("oci://ghcr.io/o/x:1"),
                     QStringLiteral("--lock"), v3});
        QCOMPARE(r.exitCode, 2);
    }

    void defaultLockfileInWorkingDirectory()
    {
        const CliRunner cli = runner();
        QTemporaryDir work;
        QProcess proc;
        proc.setProcessEnvironment(cli.env());
        proc.setWorkingDirectory(work.path());
        proc.start(CliRunner::binary(),
                   {QStringLiteral("lock"), QStringLiteral("generate"), QStringLiteral("eu-ai-act-baseline")});
        const CliResult r = CliRunner::collect(proc);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFile::exists(work.filePath(QStringLiteral("assay.packs.lock"))));
    }
};

QTEST_GUILESS_MAIN(TestPackCli)
#include "tst_packcli.moc"
