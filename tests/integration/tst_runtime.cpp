// SPDX-License-Identifier: MIT
// The HTTP runtime client against a scripted distributor: exact request bodies, query parameters
// and headers, response parsing (secret requirements), error mapping, config files, and the CLI.
#include "CliRunner.h"
#include "ScriptedServer.h"
#include "TestWaits.h"

#include <runtime/RuntimeClient.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace dist;
using namespace dist::test;

namespace {

const QByteArray kResolveResponse
    = R"({"status":"ready","digest":"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
"artifact":{"kind":"file_path","path":"/tmp/component.wasm"},
"signature":{"verified":true,"signer":"signer","extra":{"sig":"ok"}},
"cache":{"size_bytes":42,"last_used_utc":"2024-01-01T00:00:00Z","last_refreshed_utc":"2024-01-01T00:00:00Z"},
"secret_requirements":[{"key":"db/password","required":true,"description":"Database password","format":"text",
"scope":{"env":"dev","tenant":"tenant-a"}},{"key":"api.key","required":false}]})";

} // namespace

class TestRuntime : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_nam;
    QTemporaryDir m_dir;

    RuntimeConfig config(const ScriptedServer& server) const
    {
        RuntimeConfig c;
        c.baseUrl = QUrl(server.origin() + u'/');
        c.environmentId = QStringLiteral("env-1");
        c.tenant.env = QStringLiteral("dev");
        c.tenant.tenant = QStringLiteral("tenant-a");
        c.tenant.tenantId = QStringLiteral("tenant-a");
        return c;
    }
    static HttpOptions http()
    {
        HttpOptions h;
        h.allowInsecureLocalHttp = true;
        h.retryBaseMs = 10;
        return h;
    }
    template <typename T>
    static Result<T> wait(std::optional<Result<T>>& slot)
    {
        if (!QTest::qWaitFor([&] { return slot.has_value(); }, scaled(30000))) {
            return makeError(ErrorCode::Network, QStringLiteral("test timed out"));
        }
        return *slot;
    }

private Q_SLOTS:
    void resolveComponentExactRequest()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([](const RecordedRequest&) -> ScriptedReply {
            return {200, {{"Content-Type", "application/json"}}, kResolveResponse, -1};
        });
        RuntimeConfig c = config(server);
        c.authToken = "runtime-token";
        c.extraHeaders = {{"X-Greentic-Trace", "abc"}};
        RuntimeClient client(&m_nam, c, http());
        ResolveComponentRequest req{QStringLiteral("pack-123"), QStringLiteral("component-x"), QStringLiteral("1.0.0"),
                                    QJsonObject{{QStringLiteral("note"), QStringLiteral("test")}}};
        std::optional<Result<ResolveComponentResponse>> slot;
        client.resolveComponent(req, [&](auto r) { slot = std::move(r); });
        auto r = wait(slot);
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));

        QCOMPARE(server.requests().size(), 1);
        const RecordedRequest& sent = server.requests().first();
        QCOMPARE(sent.method, QByteArray("POST"));
        QCOMPARE(sent.path, QStringLiteral("/distributor-api/resolve-component")); // no "//" from the trailing slash
        // Byte for byte what the Rust client sends.
        QCOMPARE(
            sent.body,
            QByteArray(
                R"({"tenant":{"env":"dev","tenant":"tenant-a","tenant_id":"tenant-a","attempt":0},"environment_id":"env-1","pack_id":"pack-123","component_id":"component-x","version":"1.0.0","extra":{"note":"test"}})"));
        QCOMPARE(sent.header("Authorization"), QByteArray("Bearer runtime-token"));
        QCOMPARE(sent.header("X-Greentic-Trace"), QByteArray("abc"));
        QCOMPARE(sent.header("Content-Type"), QByteArray("application/json"));

        QCOMPARE(r->status, QStringLiteral("ready"));
        QCOMPARE(r->digest, QStringLiteral("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(r->artifactKind, QStringLiteral("file_path"));
        QCOMPARE(r->artifactLocation, QStringLiteral("/tmp/component.wasm"));
        QCOMPARE(r->signatureVerified, std::optional<bool>(true));
        QCOMPARE(r->signer, QStringLiteral("signer"));
        QVERIFY(r->secretRequirements.has_value());
        QCOMPARE(r->secretRequirements->size(), 2);
        QCOMPARE(r->secretRequirements->at(0).key, QStringLiteral("db/password"));
        QCOMPARE(r->secretRequirements->at(0).format, QStringLiteral("text"));
        QVERIFY(!r->secretRequirements->at(1).required);
    }

    void optionalTenantFields()
    {
        RuntimeConfig c;
        c.environmentId = QStringLiteral("e");
        c.tenant.env = QStringLiteral("e");
        c.tenant.tenant = QStringLiteral("t");
        c.tenant.tenantId = QStringLiteral("t");
        c.tenant.optional.insert(QStringLiteral("team"), QStringLiteral("ops"));
        c.tenant.optional.insert(QStringLiteral("session_id"), QStringLiteral("s1"));
        RuntimeClient client(&m_nam, c, http());
        const QByteArray body = client.resolveComponentBody(
            {QStringLiteral("p"), QStringLiteral("c"), QStringLiteral("1"), QJsonObject()});
        QVERIFY2(
            body.startsWith(
                R"({"tenant":{"env":"e","tenant":"t","tenant_id":"t","team":"ops","session_id":"s1","attempt":0})"),
            body.constData());
        QVERIFY(!body.contains("user")); // unset optional fields are omitted
    }

    void statusQueriesAndWarm()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([](const RecordedRequest& r) -> ScriptedReply {
            if (r.path.endsWith(u"/pack-status")) {
                return {200, {}, R"({"state":"warm","components":3})", -1};
            }
            if (r.path.endsWith(u"/pack-status-v2")) {
                return {200, {}, R"({"status":"needs-secrets","secret_requirements":[{"key":"openai/api_key"}]})", -1};
            }
            return {200, {}, R"({"accepted":true})", -1};
        });
        RuntimeConfig c = config(server);
        c.tenant.tenantId = QStringLiteral("tenant a&b"); // encoded in the query
        RuntimeClient client(&m_nam, c, http());

        std::optional<Result<QJsonValue>> status;
        client.packStatus(QStringLiteral("pack-123"), [&](auto r) { status = std::move(r); });
        auto s = wait(status);
        QVERIFY(s);
        QCOMPARE(s->toObject().value(QStringLiteral("components")).toInt(), 3);
        const RecordedRequest get = server.requests().last();
        QCOMPARE(get.method, QByteArray("GET"));
        QCOMPARE(get.path, QStringLiteral("/distributor-api/pack-status"));
        const QUrlQuery q(get.query);
        QCOMPARE(q.queryItemValue(QStringLiteral("tenant_id"), QUrl::FullyDecoded), QStringLiteral("tenant a&b"));
        QCOMPARE(q.queryItemValue(QStringLiteral("environment_id")), QStringLiteral("env-1"));
        QCOMPARE(q.queryItemValue(QStringLiteral("pack_id")), QStringLiteral("pack-123"));
        QVERIFY(get.body.isEmpty());

        std::optional<Result<PackStatusV2>> v2;
        client.packStatusV2(QStringLiteral("pack-123"), [&](auto r) { v2 = std::move(r); });
        auto s2 = wait(v2);
        QVERIFY(s2);
        QCOMPARE(s2->status, QStringLiteral("needs-secrets"));
        QCOMPARE(s2->secretRequirements->first().key, QStringLiteral("openai/api_key"));
        QVERIFY(s2->secretRequirements->first().required); // default true
        QCOMPARE(server.requests().last().path, QStringLiteral("/distributor-api/pack-status-v2"));

        std::optional<Result<QJsonValue>> warm;
        client.warmPack(QStringLiteral("pack-123"), [&](auto r) { warm = std::move(r); });
        QVERIFY(wait(warm));
        QCOMPARE(server.requests().last().method, QByteArray("POST"));
        QCOMPARE(server.requests().last().body,
                 QByteArray(R"({"tenant_id":"tenant a&b","environment_id":"env-1","pack_id":"pack-123"})"));
    }

    void errorMapping_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::newRow("404") << 404 << QByteArray("{}") << int(ErrorCode::NotFound);
        QTest::newRow("401") << 401 << QByteArray() << int(ErrorCode::AuthRequired);
        QTest::newRow("403") << 403 << QByteArray() << int(ErrorCode::AuthRequired);
        QTest::newRow("500") << 500 << QByteArray("database down") << int(ErrorCode::Protocol);
        QTest::newRow("409") << 409 << QByteArray("conflict") << int(ErrorCode::Protocol);
        QTest::newRow("not json") << 200 << QByteArray("<html>") << int(ErrorCode::Protocol);
        QTest::newRow("empty warm") << 200 << QByteArray() << int(ErrorCode::Protocol);
        QTest::newRow("bad secret key") << 200
                                        << QByteArray(R"({"status":"ready","secret_requirements":[{"key":"../etc"}]})")
                                        << int(ErrorCode::Protocol);
    }
    void errorMapping()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([&](const RecordedRequest&) -> ScriptedReply { return {status, {}, body, -1}; });
        RuntimeClient client(&m_nam, config(server), http());
        std::optional<Result<PackStatusV2>> slot;
        if (QByteArray(QTest::currentDataTag()) == "empty warm") {
            std::optional<Result<QJsonValue>> warm;
            client.warmPack(QStringLiteral("p"), [&](auto r) { warm = std::move(r); });
            QCOMPARE(int(wait(warm).code()), code);
            return;
        }
        client.packStatusV2(QStringLiteral("p"), [&](auto r) { slot = std::move(r); });
        auto r = wait(slot);
        QVERIFY(!r);
        QCOMPARE(int(r.code()), code);
        if (status == 500) {
            QVERIFY(r.message().contains(QLatin1String("HTTP 500")));
            QVERIFY(r.message().contains(QLatin1String("database down")));
        }
    }

    void noBaseUrl()
    {
        RuntimeConfig c;
        RuntimeClient client(&m_nam, c, http());
        std::optional<Result<QJsonValue>> slot;
        client.packStatus(QStringLiteral("p"), [&](auto r) { slot = std::move(r); });
        auto r = wait(slot);
        QCOMPARE(r.code(), ErrorCode::InvalidInput);
        QVERIFY(r.message().startsWith(QLatin1String("base_url not configured")));
    }

    void configFiles()
    {
        const QString toml = m_dir.filePath(QStringLiteral("runtime.toml"));
        QFile f(toml);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("base_url = \"https://dist.example.com\"\nenvironment_id = \"prod\"\nrequest_timeout = \"1500ms\"\n"
                "[tenant]\ntenant = \"acme\"\nteam = \"ops\"\n[extra_headers]\nX-Env = \"prod\"\n");
        f.close();
        auto c = RuntimeConfig::load(toml);
        QVERIFY2(c, qPrintable(c ? QString() : c.message()));
        QCOMPARE(c->baseUrl.host(), QStringLiteral("dist.example.com"));
        QCOMPARE(c->environmentId, QStringLiteral("prod"));
        QCOMPARE(c->tenant.env, QStringLiteral("prod"));
        QCOMPARE(c->tenant.tenantId, QStringLiteral("acme"));
        QCOMPARE(c->tenant.optional.value(QStringLiteral("team")).toString(), QStringLiteral("ops"));
        QCOMPARE(c->requestTimeoutMs, 1500);
        QCOMPARE(c->extraHeaders.first().second, QByteArray("prod"));

        // greentic config keys
        auto g = RuntimeConfig::fromJson(
            QJsonDocument::fromJson(
                R"({"environment":{"env_id":"stage"},"network":{"read_timeout_ms":2500},"tenant":"t"})")
                .object(),
            QStringLiteral("x"));
        QVERIFY(g);
        QCOMPARE(g->environmentId, QStringLiteral("stage"));
        QCOMPARE(g->requestTimeoutMs, 2500);

        QVERIFY(!RuntimeConfig::fromJson(QJsonDocument::fromJson(R"({"request_timeout":"soon"})").object(),
                                         QStringLiteral("x")));
        const QString bad = m_dir.filePath(QStringLiteral("bad.toml"));
        QFile b(bad);
        QVERIFY(b.open(QIODevice::WriteOnly));
        b.write("base_url = \n");
        b.close();
        auto e = RuntimeConfig::load(bad);
        QCOMPARE(e.code(), ErrorCode::InvalidInput);
        QVERIFY2(e.message().contains(QLatin1String("line 1")), qPrintable(e.message()));
    }

    void requestTimeout()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QList<QTcpSocket*> held;
        connect(&silent, &QTcpServer::newConnection, this, [&] { held.append(silent.nextPendingConnection()); });
        RuntimeConfig c;
        c.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort()));
        c.environmentId = QStringLiteral("e");
        c.tenant.tenantId = QStringLiteral("t");
        c.requestTimeoutMs = 300;
        RuntimeClient client(&m_nam, c, http());
        std::optional<Result<QJsonValue>> slot;
        client.packStatus(QStringLiteral("p"), [&](auto r) { slot = std::move(r); });
        auto r = wait(slot);
        QCOMPARE(r.code(), ErrorCode::Network);
        QVERIFY(r.message().contains(QLatin1String("timed out after 300 ms")));
    }

    void cli()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([](const RecordedRequest& r) -> ScriptedReply {
            if (r.header("Authorization") != "Bearer from-stdin") {
                return {401, {}, QByteArray(), -1};
            }
            if (r.path.endsWith(u"/resolve-component")) {
                return {200, {}, kResolveResponse, -1};
            }
            if (r.path.endsWith(u"/warm-pack")) {
                return {404, {}, QByteArray(), -1};
            }
            if (r.query.contains(u"pack_id=pack-secret")) {
                return {200, {}, R"({"status":"pending","secret_requirements":[{"key":"db/password"}]})", -1};
            }
            return {200, {}, R"({"status":"ready"})", -1};
        });
        const CliRunner cli(m_dir.filePath(QStringLiteral("cli-cache")));
        const QStringList common{QStringLiteral("--base-url"),    server.origin(),
                                 QStringLiteral("--tenant"),      QStringLiteral("tenant-a"),
                                 QStringLiteral("--environment"), QStringLiteral("dev"),
                                 QStringLiteral("--pack"),        QStringLiteral("pack-123"),
                                 QStringLiteral("--token-stdin")};
        CliResult r = cli.runWithInput(QStringList{QStringLiteral("runtime"), QStringLiteral("resolve-component"),
                                                   QStringLiteral("--component"), QStringLiteral("component-x"),
                                                   QStringLiteral("--version"), QStringLiteral("1.0.0")}
                                           + common,
                                       "from-stdin\n");
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("status: ready"));
        QVERIFY(r.out.contains("artifact: file_path /tmp/component.wasm"));
        QVERIFY(r.out.contains("db/password (required, text): Database password"));
        QVERIFY(r.err.contains("greentic-secrets init --pack pack-123"));
        QVERIFY(!r.err.contains("from-stdin") && !r.out.contains("from-stdin"));
        const QByteArray body = server.requests().last().body;
        QVERIFY(body.startsWith(
            R"({"tenant":{"env":"dev","tenant":"tenant-a","tenant_id":"tenant-a","attempt":0},"environment_id":"dev")"));
        QVERIFY(body.endsWith(R"("extra":{}})"));

        r = cli.runWithInput(
            QStringList{QStringLiteral("runtime"), QStringLiteral("pack-status-v2"), QStringLiteral("--json")} + common,
            "from-stdin\n");
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("status")).toString(),
                 QStringLiteral("ready"));

        // v1 pack-status: raw JSON on stdout, and the same secrets hint as v2 when the answer lists them
        r = cli.runWithInput(QStringList{QStringLiteral("runtime"), QStringLiteral("pack-status")} + common,
                             "from-stdin\n");
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.err.contains("greentic-secrets init"), r.err.constData());
        QStringList secretPack = common;
        secretPack[secretPack.indexOf(QStringLiteral("pack-123"))] = QStringLiteral("pack-secret");
        for (const QString& command : {QStringLiteral("pack-status"), QStringLiteral("pack-status-v2")}) {
            r = cli.runWithInput(QStringList{QStringLiteral("runtime"), command, QStringLiteral("--json")} + secretPack,
                                 "from-stdin\n");
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("status")).toString(),
                     QStringLiteral("pending"));
            QVERIFY2(r.err.contains("run `greentic-secrets init --pack pack-secret`"),
                     qPrintable(command + u' ' + QString::fromUtf8(r.err)));
            r = cli.runWithInput(QStringList{QStringLiteral("--quiet"), QStringLiteral("runtime"), command}
                                     + secretPack,
                                 "from-stdin\n");
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(!r.err.contains("greentic-secrets init"), r.err.constData());
        }

        r = cli.runWithInput(QStringList{QStringLiteral("runtime"), QStringLiteral("warm-pack")} + common,
                             "from-stdin\n");
        QCOMPARE(r.exitCode, 3);
        r = cli.runWithInput(QStringList{QStringLiteral("runtime"), QStringLiteral("pack-status")} + common, "wrong\n");
        QCOMPARE(r.exitCode, 5);
        QVERIFY(r.err.startsWith("permission denied"));
        r = cli.run(
            {QStringLiteral("runtime"), QStringLiteral("pack-status"), QStringLiteral("--pack"), QStringLiteral("p")});
        QCOMPARE(r.exitCode, 2);

        // The token from the environment, the rest from a config file.
        const QString file = m_dir.filePath(QStringLiteral("rt.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject{{QStringLiteral("base_url"), server.origin()},
                                          {QStringLiteral("environment_id"), QStringLiteral("dev")},
                                          {QStringLiteral("tenant"), QStringLiteral("tenant-a")}})
                    .toJson());
        f.close();
        CliRunner withEnv(m_dir.filePath(QStringLiteral("cli-cache")));
        withEnv.env().insert(QStringLiteral("GREENTIC_DIST_RUNTIME_TOKEN"), QStringLiteral("from-stdin"));
        r = withEnv.run({QStringLiteral("runtime"), QStringLiteral("pack-status"), QStringLiteral("--config"), file,
                         QStringLiteral("--pack"), QStringLiteral("pack-123")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestRuntime)
#include "tst_runtime.moc"
