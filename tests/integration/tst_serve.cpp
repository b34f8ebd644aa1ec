// SPDX-License-Identifier: MIT
// `greentic-dist serve` end to end: the real binary serves a dev directory (flat and nested
// layouts); the runtime client, `pull`, the pack registry client (signature verified against the
// exported dev key) and plain HTTP talk to it; then SIGINT stops it cleanly.
#include "CliRunner.h"

#include "TestWaits.h"
#include "serve/DevLayout.h"

#include <cache/Cache.h>
#include <core/Sha256.h>
#include <runtime/RuntimeClient.h>
#include <trust/PackCanonicalizer.h>
#include <trust/PackSigner.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <tuple>

using namespace dist;
using namespace dist::test;

namespace {

const QByteArray kPack010 = "name: hello-pack\nversion: 0.1.0\ndescription: first\ncomponents:\n  - hello-world\n";
const QByteArray kPack020 = "name: hello-pack\nversion: 0.2.0\ndescription: second\n";
const QByteArray kSecrets
    = "[{\"key\":\"api/token\",\"required\":true,\"description\":\"API token\",\"format\":\"text\"}]";

void writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

QByteArray randomBytes(qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator rng(7);
    for (qsizetype i = 0; i < n; ++i) {
        b[i] = char(rng.bounded(256));
    }
    return b;
}

struct HttpAnswer
{
    int status = 0;
    QByteArray body;
    QNetworkReply* reply = nullptr;
    QByteArray header(const char* name) const { return reply ? reply->rawHeader(name) : QByteArray(); }
};

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_root;
    QByteArray m_component; // 3 MiB: streamed in windows, not in one write
    std::unique_ptr<PackSigner> m_signer;
    std::unique_ptr<QProcess> m_serve;
    QString m_url;
    QNetworkAccessManager m_nam;

    QByteArray m_archiveSmall;
    QByteArray m_archiveLarge;

    QString path(const QString& rel) const { return m_dir.filePath(rel); }

    // A gzip tarball of these files, made by tar(1) as a pack author would.
    QByteArray tarGz(const QMap<QString, QByteArray>& files)
    {
        QTemporaryDir dir;
        for (auto it = files.begin(); it != files.end(); ++it) {
            writeFile(dir.filePath(it.key()), it.value());
        }
        QProcess tar;
        tar.start(QStringLiteral("tar"),
                  {QStringLiteral("-C"), dir.path(), QStringLiteral("-czf"), QStringLiteral("-"), QStringLiteral(".")});
        if (!tar.waitForFinished(scaled(30000)) || tar.exitCode() != 0) {
            return {};
        }
        return tar.readAllStandardOutput();
    }
    CliRunner cli(const QString& cache = QStringLiteral("cache")) const
    {
        CliRunner r(path(cache));
        r.env().insert(QStringLiteral("ASSAY_REGISTRY_URL"), m_url + u"/v1");
        return r;
    }

    HttpAnswer http(const QByteArray& verb, const QString& target, const QByteArray& body = {},
                    const QList<QPair<QByteArray, QByteArray>>& headers = {})
    {
        QNetworkRequest req(QUrl(m_url + target));
        for (const auto& h : headers) {
            req.setRawHeader(h.first, h.second);
        }
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        // QNAM only knows a HEAD has no body when it is sent as one.
        QNetworkReply* reply = verb == "HEAD" ? m_nam.head(req) : m_nam.sendCustomRequest(req, verb, body);
        reply->setParent(this);
        HttpAnswer a;
        if (!QTest::qWaitFor([&] { return reply->isFinished(); }, scaled(15000))) {
            return a;
        }
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = reply->readAll();
        a.reply = reply;
        return a;
    }

    RuntimeClient runtime()
    {
        RuntimeConfig c;
        c.baseUrl = QUrl(m_url);
        c.environmentId = QStringLiteral("dev");
        c.tenant.env = QStringLiteral("dev");
        c.tenant.tenant = QStringLiteral("acme");
        c.tenant.tenantId = QStringLiteral("acme");
        HttpOptions h;
        h.allowInsecureLocalHttp = true;
        h.retryBaseMs = 10;
        return RuntimeClient(&m_nam, c, h);
    }

    template <typename T>
    static Result<T> wait(std::optional<Result<T>>& slot)
    {
        if (!QTest::qWaitFor([&] { return slot.has_value(); }, scaled(15000))) {
            return makeError(ErrorCode::Network, QStringLiteral("test timed out"));
        }
        return *slot;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = path(QStringLiteral("dev"));
        m_component = randomBytes(3 * 1024 * 1024);
        // flat
        writeFile(m_root + u"/components/hello-world-0.1.0.wasm", m_component);
        writeFile(m_root + u"/packs/hello-pack-0.1.0.yaml", kPack010);
        writeFile(m_root + u"/packs/hello-pack-0.2.0.yaml", kPack020);
        writeFile(m_root + u"/packs/hello-pack-0.1.0.gtpack", "gtpack bytes 0.1.0");
        writeFile(m_root + u"/packs/hello-pack.secrets.json", kSecrets);
        writeFile(m_root + u"/packs/broken-pack-1.0.0.yaml", "name: broken-pack\nname: twice\n");
        // nested
        writeFile(m_root + u"/components/echo/0.2.0/component.wasm", "echo component 0.2.0");
        writeFile(m_root + u"/packs/dev.local.hello-flow/0.1.0/pack.gtpack", "nested gtpack");
        // .gtpack archives without a YAML form, served by the pack registry API as their own bytes:
        // a small one (signature in the header) and one whose envelope only fits the sidecar.
        m_archiveSmall = tarGz({{QStringLiteral("pack.yaml"), "name: archive-pack\nversion: 1.0.0\n"}});
        m_archiveLarge = tarGz({{QStringLiteral("pack.yaml"), "name: archive-pack\nversion: 2.0.0\n"},
                                {QStringLiteral("assets/blob.bin"), randomBytes(64 * 1024)}});
        QVERIFY(m_archiveSmall.startsWith("\x1f\x8b") && m_archiveLarge.size() > 64 * 1024);
        writeFile(m_root + u"/packs/archive-pack/1.0.0/pack.gtpack", m_archiveSmall);
        writeFile(m_root + u"/packs/archive-pack-2.0.0.gtpack", m_archiveLarge);

        m_signer = std::make_unique<PackSigner>(PackSigner::generate());
        writeFile(path(QStringLiteral("dev-key.pem")), m_signer->privateKeyPem());

        m_serve = CliRunner(path(QStringLiteral("serve-cache")))
                      .start({QStringLiteral("serve"), QStringLiteral("--root"), m_root, QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:0"), QStringLiteral("--signing-key"),
                              path(QStringLiteral("dev-key.pem")), QStringLiteral("--export-trust-root"),
                              path(QStringLiteral("trust.json"))});
        QVERIFY(QTest::qWaitFor([&] { return m_serve->canReadLine() || m_serve->state() != QProcess::Running; },
                                scaled(15000)));
        const QString first = QString::fromUtf8(m_serve->readLine()).trimmed();
        QVERIFY2(first.startsWith(u"serving " + m_root),
                 qPrintable(first + QString::fromUtf8(m_serve->readAllStandardError())));
        QVERIFY2(first.contains(u"flat and nested layout, 9 files"), qPrintable(first));
        m_url = first.section(u' ', -1);
        QVERIFY2(m_url.startsWith(u"http://127.0.0.1:"), qPrintable(m_url));
        // The exported trust root names the signing key.
        QFile trust(path(QStringLiteral("trust.json")));
        QVERIFY(trust.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(trust.readAll()).array().at(0).toObject().value(u"key_id").toString(),
                 m_signer->keyId());
    }

    void layoutVersionsAndSafety()
    {
        auto layout = serve::DevLayout::open(m_root, serve::DevLayout::Kind::Auto);
        QVERIFY(layout);
        QCOMPARE(layout->packVersions(QStringLiteral("hello-pack")),
                 (QStringList{QStringLiteral("0.2.0"), QStringLiteral("0.1.0")}));
        // "hello-pack-0.1.0" belongs to hello-pack, not to a pack "hello" at version "pack-0.1.0".
        QVERIFY(layout->packVersions(QStringLiteral("hello")).isEmpty());
        QCOMPARE(layout->componentVersions(QStringLiteral("echo")), QStringList{QStringLiteral("0.2.0")});
        QVERIFY(!layout->component(QStringLiteral("echo"), QStringLiteral("0.2.0")).isEmpty());
        QVERIFY(layout->component(QStringLiteral("../components/echo"), QStringLiteral("0.2.0")).isEmpty());
        QVERIFY(layout->component(QStringLiteral("echo"), QStringLiteral("..")).isEmpty());

        auto flat = serve::DevLayout::open(m_root, serve::DevLayout::Kind::Flat);
        QVERIFY(flat->component(QStringLiteral("echo"), QStringLiteral("0.2.0")).isEmpty());
        auto nested = serve::DevLayout::open(m_root, serve::DevLayout::Kind::Nested);
        QVERIFY(nested->component(QStringLiteral("hello-world"), QStringLiteral("0.1.0")).isEmpty());
        QVERIFY(!nested->pack(QStringLiteral("dev.local.hello-flow"), QStringLiteral("0.1.0")).isEmpty());

        QCOMPARE(serve::DevLayout::open(path(QStringLiteral("missing")), serve::DevLayout::Kind::Auto).code(),
                 ErrorCode::NotFound);
        QCOMPARE(serve::DevLayout::parseKind(QStringLiteral("tree")).code(), ErrorCode::InvalidInput);
    }

    void runtimeClientAgainstServe()
    {
        RuntimeClient client = runtime();
        std::optional<Result<ResolveComponentResponse>> resolved;
        client.resolveComponent({QStringLiteral("hello-pack"), QStringLiteral("hello-world"), QStringLiteral("0.1.0"),
                                 QJsonObject{{QStringLiteral("note"), QStringLiteral("test")}}},
                                [&](auto r) { resolved = std::move(r); });
        auto r = wait(resolved);
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(r->status, QStringLiteral("ready"));
        QCOMPARE(r->digest, Sha256::hash(m_component).toString());
        QCOMPARE(r->artifactKind, QStringLiteral("file_path"));
        QCOMPARE(QFileInfo(r->artifactLocation).canonicalFilePath(),
                 QFileInfo(m_root + u"/components/hello-world-0.1.0.wasm").canonicalFilePath());
        QCOMPARE(r->signatureVerified, std::optional<bool>(false)); // a dev distributor vouches for nothing
        QVERIFY(r->secretRequirements.has_value());
        QCOMPARE(r->secretRequirements->size(), 1);
        QCOMPARE(r->secretRequirements->first().key, QStringLiteral("api/token"));
        QCOMPARE(r->raw.value(u"cache").toObject().value(u"size_bytes").toInteger(), m_component.size());

        std::optional<Result<PackStatusV2>> status;
        client.packStatusV2(QStringLiteral("hello-pack"), [&](auto s) { status = std::move(s); });
        auto s = wait(status);
        QVERIFY2(s, qPrintable(s ? QString() : s.message()));
        QCOMPARE(s->status, QStringLiteral("ready"));
        QCOMPARE(s->secretRequirements->size(), 1);
        QCOMPARE(s->extra.toObject().value(u"latest").toString(), QStringLiteral("0.2.0"));

        std::optional<Result<QJsonValue>> warmed;
        client.warmPack(QStringLiteral("dev.local.hello-flow"), [&](auto w) { warmed = std::move(w); });
        auto w = wait(warmed);
        QVERIFY2(w, qPrintable(w ? QString() : w.message()));
        QCOMPARE(w->toObject().value(u"version").toString(), QStringLiteral("0.1.0"));
        QCOMPARE(w->toObject().value(u"digest").toString(), Sha256::hash("nested gtpack").toString());

        // Not found maps to NotFound, for components and packs alike.
        std::optional<Result<ResolveComponentResponse>> missing;
        client.resolveComponent(
            {QStringLiteral("hello-pack"), QStringLiteral("hello-world"), QStringLiteral("9.9.9"), QJsonObject()},
            [&](auto m) { missing = std::move(m); });
        QCOMPARE(wait(missing).code(), ErrorCode::NotFound);
        std::optional<Result<QJsonValue>> missingPack;
        client.packStatus(QStringLiteral("no-such-pack"), [&](auto m) { missingPack = std::move(m); });
        QCOMPARE(wait(missingPack).code(), ErrorCode::NotFound);
    }

    void runtimeCliPrintsSecretsHint()
    {
        const QStringList base{QStringLiteral("--base-url"),    m_url,
                               QStringLiteral("--tenant"),      QStringLiteral("acme"),
                               QStringLiteral("--environment"), QStringLiteral("dev"),
                               QStringLiteral("--pack"),        QStringLiteral("hello-pack")};
        CliResult r
            = cli().run(QStringList{QStringLiteral("runtime"), QStringLiteral("resolve-component"),
                                    QStringLiteral("--component"), QStringLiteral("echo"), QStringLiteral("--version"),
                                    QStringLiteral("0.2.0"), QStringLiteral("--json")}
                        + base);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"digest").toString(),
                 Sha256::hash("echo component 0.2.0").toString());
        QVERIFY2(r.err.contains("greentic-secrets init --pack hello-pack"), r.err.constData());

        r = cli().run(QStringList{QStringLiteral("runtime"), QStringLiteral("pack-status")} + base);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli().run(QStringList{QStringLiteral("runtime"), QStringLiteral("resolve-component"),
                                  QStringLiteral("--component"), QStringLiteral("nope"), QStringLiteral("--version"),
                                  QStringLiteral("1.0.0")}
                      + base);
        QCOMPARE(r.exitCode, 3);
    }

    void pullComponentsAndPacksOverHttp()
    {
        const CliRunner c = cli(QStringLiteral("pull-cache"));
        const QString flat = m_url + u"/artifacts/components/hello-world/0.1.0/component.wasm";
        CliResult r = c.run({QStringLiteral("pull"), flat});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile blob(QString::fromUtf8(r.out).trimmed());
        QVERIFY(blob.open(QIODevice::ReadOnly));
        QCOMPARE(blob.readAll(), m_component);

        const QString nestedPack = m_url + u"/artifacts/packs/dev.local.hello-flow/0.1.0/pack.gtpack";
        r = c.run({QStringLiteral("pull"), nestedPack, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"digest").toString(),
                 Sha256::hash("nested gtpack").toString());

        r = c.run({QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--long"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList sources;
        for (const QJsonValue& e : QJsonDocument::fromJson(r.out).array()) {
            sources << e.toObject().value(u"fetched_from").toString();
        }
        QVERIFY2(sources.contains(flat) && sources.contains(nestedPack), qPrintable(sources.join(u", ")));

        r = c.run({QStringLiteral("pull"), m_url + u"/artifacts/components/hello-world/7.0.0/component.wasm"});
        QCOMPARE(r.exitCode, 3);
    }

    void signedPackVerifiedAgainstTheDevKey()
    {
        const QString trust = path(QStringLiteral("trust.json"));
        CliResult r = cli(QStringLiteral("pack-cache"))
                          .run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("hello-pack@0.1.0"),
                                QStringLiteral("--trust-root"), trust, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.value(u"signed").toBool());
        QCOMPARE(o.value(u"key_id").toString(), m_signer->keyId());
        QCOMPARE(o.value(u"digest").toString(), PackCanonicalizer::canonicalDigest(kPack010).value().toString());

        // The pack registry client pulls it into the cache like any pack.
        r = cli(QStringLiteral("pack-cache"))
                .run({QStringLiteral("pull"), QStringLiteral("hello-pack@0.2.0"), QStringLiteral("--trust-root"),
                      trust});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        // Without the dev key pinned, neither the signature nor the self-signed keys manifest is trusted.
        r = cli(QStringLiteral("untrusting-cache")).run({QStringLiteral("pull"), QStringLiteral("hello-pack@0.1.0")});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("not trusted"), r.err.constData());

        // A pack that does not canonicalize is refused by the server with the reason.
        r = cli(QStringLiteral("pack-cache"))
                .run({QStringLiteral("pull"), QStringLiteral("broken-pack@1.0.0"), QStringLiteral("--trust-root"),
                      trust});
        QVERIFY(r.exitCode != 0);
    }

    void registryVersionsAndLockfile()
    {
        const QString trust = path(QStringLiteral("trust.json"));
        const CliRunner c = cli(QStringLiteral("lock-cache"));
        CliResult r = c.run({QStringLiteral("registry"), QStringLiteral("versions"), QStringLiteral("hello-pack")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.indexOf("0.2.0") >= 0 && r.out.indexOf("0.1.0") > r.out.indexOf("0.2.0"), r.out.constData());

        const QString lock = path(QStringLiteral("assay.packs.lock"));
        r = c.run({QStringLiteral("lock"), QStringLiteral("generate"), QStringLiteral("hello-pack@0.1.0"),
                   QStringLiteral("--lock"), lock, QStringLiteral("--trust-root"), trust});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = c.run({QStringLiteral("lock"), QStringLiteral("verify"), QStringLiteral("--lock"), lock,
                   QStringLiteral("--trust-root"), trust});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void gtpackOverThePackRegistryApi()
    {
        const QByteArray small = Sha256::hash(m_archiveSmall).toString().toLatin1();
        const QByteArray large = Sha256::hash(m_archiveLarge).toString().toLatin1();
        HttpAnswer a = http("GET", QStringLiteral("/v1/packs/archive-pack/versions"));
        QCOMPARE(a.status, 200);
        const QJsonArray versions = QJsonDocument::fromJson(a.body).object().value(u"versions").toArray();
        QCOMPARE(versions.size(), 2);
        QCOMPARE(versions.at(0).toObject().value(u"version").toString(), QStringLiteral("2.0.0"));
        QCOMPARE(versions.at(0).toObject().value(u"digest").toString().toLatin1(), large);
        QCOMPARE(versions.at(1).toObject().value(u"digest").toString().toLatin1(), small);

        a = http("GET", QStringLiteral("/v1/packs/archive-pack/1.0.0"));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body, m_archiveSmall); // byte-exact
        QCOMPARE(a.header("X-Pack-Digest"), small);
        QCOMPARE(a.header("ETag"), '"' + small + '"');
        QCOMPARE(a.header("Content-Type"), QByteArray("application/vnd.greentic.pack.v1+tar+gzip"));
        QVERIFY(!a.header("X-Pack-Signature").isEmpty());
        QCOMPARE(a.header("X-Pack-Key-Id"), m_signer->keyId().toLatin1());
        QCOMPARE(http("GET", QStringLiteral("/v1/packs/archive-pack/1.0.0"), {}, {{"If-None-Match", '"' + small + '"'}})
                     .status,
                 304);
        a = http("GET", QStringLiteral("/v1/packs/archive-pack/2.0.0"));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.body, m_archiveLarge);
        QVERIFY(a.header("X-Pack-Signature").isEmpty()); // too big for a header: the sidecar has it
        a = http("GET", QStringLiteral("/v1/packs/archive-pack/2.0.0.sig"));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.header("Content-Type"), QByteArray("application/vnd.dsse.envelope+json"));

        // `registry fetch` end to end: verified against the dev key, cached byte-exact, typed a pack.
        const QString trust = path(QStringLiteral("trust.json"));
        const CliRunner c = cli(QStringLiteral("archive-cache"));
        for (const auto& [version, bytes, digest] : {std::tuple{QStringLiteral("1.0.0"), m_archiveSmall, small},
                                                     std::tuple{QStringLiteral("2.0.0"), m_archiveLarge, large}}) {
            const CliResult r
                = c.run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("archive-pack@") + version,
                         QStringLiteral("--trust-root"), trust, QStringLiteral("--json")});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const QJsonObject o = QJsonDocument::fromJson(r.out).object();
            QVERIFY(o.value(u"signed").toBool());
            QCOMPARE(o.value(u"digest").toString().toLatin1(), digest);
            QFile cached(o.value(u"path").toString());
            QVERIFY(cached.open(QIODevice::ReadOnly));
            QCOMPARE(cached.readAll(), bytes);
            auto entry = Cache(c.cacheDir()).stat(Sha256::hash(bytes));
            QVERIFY2(entry, qPrintable(entry ? QString() : entry.message()));
            QCOMPARE(entry->artifactType, ArtifactType::Pack);
            QCOMPARE(entry->mediaType, QStringLiteral("application/vnd.greentic.pack.v1+tar+gzip"));
        }
        // Served from the cache the second time, still verified.
        const CliResult again = c.run({QStringLiteral("--offline"), QStringLiteral("registry"), QStringLiteral("fetch"),
                                       QStringLiteral("archive-pack@1.0.0"), QStringLiteral("--trust-root"), trust});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        // Without the dev key, the archive's signature is not trusted either.
        const CliResult untrusted
            = cli(QStringLiteral("archive-untrusting"))
                  .run({QStringLiteral("registry"), QStringLiteral("fetch"), QStringLiteral("archive-pack@1.0.0")});
        QCOMPARE(untrusted.exitCode, 6);
    }

    void httpSurface()
    {
        // Conditional GET: the ETag is the canonical digest, revalidation answers 304.
        HttpAnswer a = http("GET", QStringLiteral("/v1/packs/hello-pack/0.1.0"));
        QCOMPARE(a.status, 200);
        const QByteArray etag = a.header("ETag");
        QCOMPARE(etag, '"' + PackCanonicalizer::canonicalDigest(kPack010).value().toString().toLatin1() + '"');
        QCOMPARE(a.header("X-Pack-Key-Id"), m_signer->keyId().toLatin1());
        QCOMPARE(http("GET", QStringLiteral("/v1/packs/hello-pack/0.1.0"), {}, {{"If-None-Match", etag}}).status, 304);
        a = http("GET", QStringLiteral("/v1/packs/hello-pack/0.1.0.sig"));
        QCOMPARE(a.status, 200);
        QVERIFY(a.body.contains("application/vnd.assay.pack+yaml;v=1"));
        a = http("GET", QStringLiteral("/v1/keys"));
        QCOMPARE(a.status, 200);
        QVERIFY(QJsonDocument::fromJson(a.body).object().value(u"signature").isObject());

        // Ranges, as a resuming client sends them; HEAD carries the length only.
        a = http("GET", QStringLiteral("/artifacts/components/hello-world/0.1.0/component.wasm"), {},
                 {{"Range", "bytes=1000000-"}});
        QCOMPARE(a.status, 206);
        QCOMPARE(a.body, m_component.mid(1000000));
        QCOMPARE(a.header("Content-Range"), QByteArray("bytes 1000000-3145727/3145728"));
        QCOMPARE(a.header("X-Artifact-Sha256"), Sha256::hash(m_component).hex().toLatin1());
        a = http("HEAD", QStringLiteral("/artifacts/components/hello-world/0.1.0/component.wasm"));
        QCOMPARE(a.status, 200);
        QCOMPARE(a.header("Content-Length"), QByteArray("3145728"));
        QVERIFY(a.body.isEmpty());
        QCOMPARE(http("GET", QStringLiteral("/artifacts/components/hello-world/0.1.0/component.wasm"), {},
                      {{"Range", "bytes=4000000-"}})
                     .status,
                 416);

        // Errors are JSON with a reason; nothing escapes the root.
        a = http("POST", QStringLiteral("/distributor-api/resolve-component"), "{\"tenant\":{}}");
        QCOMPARE(a.status, 400);
        QCOMPARE(QJsonDocument::fromJson(a.body).object().value(u"message").toString(),
                 QStringLiteral("missing field `environment_id`"));
        QCOMPARE(http("POST", QStringLiteral("/distributor-api/resolve-component"), "not json").status, 400);
        QCOMPARE(http("GET", QStringLiteral("/distributor-api/resolve-component")).status, 405);
        QCOMPARE(http("DELETE", QStringLiteral("/v1/packs/hello-pack/0.1.0")).status, 405);
        QCOMPARE(http("GET", QStringLiteral("/distributor-api/pack-status")).status, 400);
        QCOMPARE(http("GET", QStringLiteral("/artifacts/components/%2E%2E/0.1.0/component.wasm")).status, 404);
        QCOMPARE(http("GET", QStringLiteral("/artifacts/components/hello-world/0.1.0/..%2F..%2Fpacks")).status, 404);
        a = http("GET", QStringLiteral("/v1/packs/broken-pack/1.0.0"));
        QCOMPARE(a.status, 422);
        QVERIFY2(a.body.contains("duplicate"), a.body.constData());
        QCOMPARE(http("GET", QStringLiteral("/nothing/here")).status, 404);
        a = http("GET", QStringLiteral("/"));
        QCOMPARE(QJsonDocument::fromJson(a.body).object().value(u"signing_key_id").toString(), m_signer->keyId());
    }

    void startupErrors()
    {
        const CliRunner c = cli(QStringLiteral("err-cache"));
        QCOMPARE(c.run({QStringLiteral("serve")}).exitCode, 2);
        QCOMPARE(c.run({QStringLiteral("serve"), QStringLiteral("--root"), path(QStringLiteral("missing"))}).exitCode,
                 3);
        QCOMPARE(c.run({QStringLiteral("serve"), QStringLiteral("--root"), m_root, QStringLiteral("--listen"),
                        QStringLiteral("127.0.0.1:http")})
                     .exitCode,
                 2);
        QCOMPARE(c.run({QStringLiteral("serve"), QStringLiteral("--root"), m_root, QStringLiteral("--layout"),
                        QStringLiteral("tree")})
                     .exitCode,
                 2);
        QCOMPARE(c.run({QStringLiteral("serve"), QStringLiteral("--root"), m_root,
                        QStringLiteral("--export-trust-root"), path(QStringLiteral("t2.json"))})
                     .exitCode,
                 2);
        writeFile(path(QStringLiteral("not-a-key.pem")),
                  "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        QCOMPARE(c.run({QStringLiteral("serve"), QStringLiteral("--root"), m_root, QStringLiteral("--signing-key"),
                        path(QStringLiteral("not-a-key.pem"))})
                     .exitCode,
                 2);
        // The port of the running server is taken.
        const CliResult busy = c.run({QStringLiteral("serve"), QStringLiteral("--root"), m_root,
                                      QStringLiteral("--listen"), m_url.section(u'/', -1)});
        QCOMPARE(busy.exitCode, 10);
        QVERIFY2(busy.err.contains("cannot listen"), busy.err.constData());
    }

    void sigintStopsCleanlyWithARequestLog()
    {
        QVERIFY(m_serve->state() == QProcess::Running);
        ::kill(pid_t(m_serve->processId()), SIGINT);
        const CliResult r = CliRunner::collect(*m_serve, 15000);
        QVERIFY(!r.crashed);
        QCOMPARE(r.exitCode, 0);
        const QByteArray log = r.err;
        QVERIFY2(log.contains("127.0.0.1 POST /distributor-api/resolve-component 200"), log.constData());
        QVERIFY2(log.contains("GET /v1/packs/hello-pack/0.1.0 304"), log.constData());
        QVERIFY2(log.contains("GET /artifacts/components/hello-world/0.1.0/component.wasm 206 2145728 B"),
                 log.constData());
        QVERIFY2(log.trimmed().endsWith("SIGINT: stopped"), log.right(200).constData());
        // And the port is free again.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, quint16(m_url.section(u':', -1).toUInt())));
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
