// SPDX-License-Identifier: MIT
// Transport behaviour against scripted servers: retries and Retry-After, bearer and basic
// challenges, Authorization never crossing hosts on redirects, Range resume, size and digest checks.
#include "ScriptedServer.h"
#include "TestWaits.h"

#include <cache/IngestFile.h>
#include <client/DistClient.h>
#include <core/Sha256.h>
#include <credentials/CredentialProvider.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

using namespace dist;
using namespace dist::test;

namespace {

class StaticCredentials final : public CredentialProvider
{
public:
    void lookup(const CredentialQuery& query, QObject*, Callback done) const override
    {
        if (query.registryHost == m_host) {
            done(std::optional<RegistryCredential>(
                RegistryCredential{QStringLiteral("user"), QStringLiteral("s3cret-pass")}));
        } else {
            done(std::optional<RegistryCredential>());
        }
    }
    QString m_host;
};

QByteArray blobBytes()
{
    QByteArray b(3 * 1024 * 1024 + 123, Qt::Uninitialized);
    for (qsizetype i = 0; i < b.size(); ++i) {
        b[i] = static_cast<char>((i * 131) ^ (i >> 9));
    }
    return b;
}

// A minimal registry: one repository "org/x" with tag "1" pointing at a one-layer manifest.
struct FakeRegistry
{
    QByteArray blob = blobBytes();
    Digest blobDigest = Sha256::hash(blob);
    QByteArray manifest;
    Digest manifestDigest;

    FakeRegistry()
    {
        const QJsonObject m{
            {QStringLiteral("schemaVersion"), 2},
            {QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.image.manifest.v1+json")},
            {QStringLiteral("config"),
             QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/vnd.oci.empty.v1+json")},
                         {QStringLiteral("digest"), Sha256::hash("{}").toString()},
                         {QStringLiteral("size"), 2}}},
            {QStringLiteral("layers"),
             QJsonArray{QJsonObject{{QStringLiteral("mediaType"), QStringLiteral("application/wasm")},
                                    {QStringLiteral("digest"), blobDigest.toString()},
                                    {QStringLiteral("size"), static_cast<double>(blob.size())}}}}};
        manifest = QJsonDocument(m).toJson(QJsonDocument::Compact);
        manifestDigest = Sha256::hash(manifest);
    }

    ScriptedReply manifestReply() const
    {
        return {200,
                {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                 {"Docker-Content-Digest", manifestDigest.toString().toLatin1()}},
                manifest,
                -1};
    }
    ScriptedReply blobReply(const RecordedRequest& r) const
    {
        const QByteArray range = r.header("Range");
        if (range.startsWith("bytes=")) {
            const qint64 from = range.mid(6, range.indexOf('-') - 6).toLongLong();
            return {206,
                    {{"Content-Range",
                      "bytes " + QByteArray::number(from) + '-' + QByteArray::number(blob.size() - 1) + '/'
                          + QByteArray::number(blob.size())}},
                    blob.mid(from),
                    -1};
        }
        return {200, {}, blob, -1};
    }
    ScriptedReply serve(const RecordedRequest& r) const
    {
        if (r.path == u"/v2/org/x/manifests/1" || r.path == u"/v2/org/x/manifests/" + manifestDigest.toString()) {
            return manifestReply();
        }
        if (r.path == u"/v2/org/x/blobs/" + blobDigest.toString()) {
            return blobReply(r);
        }
        return {404, {}, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]})", -1};
    }
};

// An HTTP/1.1 server that answers the first request on each connection at once (404, keep-alive)
// and holds later ones until two are waiting on the same connection, or two seconds have passed:
// two waiting at once can only mean the client pipelined them.
class PipelineWatcher final : public QObject
{
public:
    quint16 start()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                ++m_connections;
                // Owned here, not by the socket: no callback outlives its connection's state.
                m_conns.push_back(std::make_unique<Conn>());
                Conn* conn = m_conns.back().get();
                conn->socket = s;
                conn->flush.setSingleShot(true);
                connect(&conn->flush, &QTimer::timeout, this, [this, conn] { answerHeld(conn); });
                connect(s, &QTcpSocket::readyRead, this, [this, conn] { onData(conn); });
                connect(s, &QTcpSocket::disconnected, this, [conn] {
                    conn->flush.stop();
                    conn->closed = true;
                });
            }
        });
        return m_server.listen(QHostAddress::LocalHost) ? m_server.serverPort() : 0;
    }
    int mostHeld() const { return m_mostHeld; }
    int connections() const { return m_connections; }
    int requests() const { return m_requests; }

private:
    struct Conn
    {
        QTcpSocket* socket = nullptr; // a child of m_server
        QByteArray buffer;
        int answered = 0;
        int held = 0;
        bool closed = false;
        QTimer flush;
    };
    void onData(Conn* c)
    {
        c->buffer += c->socket->readAll();
        for (qsizetype end = c->buffer.indexOf("\r\n\r\n"); end >= 0; end = c->buffer.indexOf("\r\n\r\n")) {
            c->buffer.remove(0, end + 4); // GET and HEAD carry no body
            ++m_requests;
            if (c->answered == 0 && c->held == 0) {
                answer(c);
                continue;
            }
            ++c->held;
            m_mostHeld = std::max(m_mostHeld, c->held);
            if (c->held >= 2) {
                answerHeld(c);
            } else {
                c->flush.start(scaled(2000));
            }
        }
    }
    void answerHeld(Conn* c)
    {
        c->flush.stop();
        for (; c->held > 0; --c->held) {
            answer(c);
        }
    }
    static void answer(Conn* c)
    {
        if (c->closed) {
            return;
        }
        const QByteArray body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})";
        c->socket->write("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: "
                         + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        ++c->answered;
    }

    std::vector<std::unique_ptr<Conn>> m_conns; // before the server: its sockets go first
    QTcpServer m_server;
    int m_connections = 0;
    int m_requests = 0;
    int m_mostHeld = 0;
};

} // namespace

class TestTransport : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;
    FakeRegistry m_registry;
    StaticCredentials m_credentials;

    DistOptions options(const QString& name) const
    {
        DistOptions o;
        o.cacheRoot = m_dir.filePath(name);
        o.http.allowInsecureLocalHttp = true;
        o.http.retryBaseMs = 10;
        o.http.retryMaxMs = 40;
        o.http.maxAttempts = 4;
        return o;
    }

    Result<PullResult> pull(DistClient& client, const QString& ref)
    {
        std::optional<Result<PullResult>> result;
        client.pull(ref, Digest(), [&](Result<PullResult> r) { result = std::move(r); });
        if (!QTest::qWaitFor([&] { return result.has_value(); }, scaled(60000))) {
            return makeError(ErrorCode::Network, QStringLiteral("test timed out"));
        }
        return *result;
    }

    static QString refFor(const ScriptedServer& s) { return QStringLiteral("127.0.0.1:%1/org/x:1").arg(s.port()); }

private Q_SLOTS:
    void retriesServerErrorsThenSucceeds()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        int manifestCalls = 0;
        int blobCalls = 0;
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path.contains(u"/manifests/") && ++manifestCalls <= 2) {
                return {503, {{"Retry-After", "0"}}, "busy", -1};
            }
            if (r.path.contains(u"/blobs/") && ++blobCalls == 1) {
                return {502, {}, "bad gateway", -1};
            }
            return m_registry.serve(r);
        });
        DistClient client(&m_nam, options(QStringLiteral("retry")), nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(manifestCalls, 3);
        QCOMPARE(blobCalls, 2);
        QCOMPARE(r->entry.digest, m_registry.blobDigest);
    }

    void honoursRetryAfter()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        int calls = 0;
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path.contains(u"/manifests/") && ++calls == 1) {
                return {429,
                        {{"Retry-After", "1"}},
                        R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})",
                        -1};
            }
            return m_registry.serve(r);
        });
        DistClient client(&m_nam, options(QStringLiteral("retry-after")), nullptr);
        QElapsedTimer t;
        t.start();
        auto r = pull(client, refFor(server));
        QVERIFY(r);
        QVERIFY2(t.elapsed() >= 950, qPrintable(QString::number(t.elapsed())));
    }

    void givesUpAfterMaxAttempts()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path.contains(u"/blobs/")) {
                return {500, {}, "boom", -1};
            }
            return m_registry.serve(r);
        });
        DistClient client(&m_nam, options(QStringLiteral("give-up")), nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY(!r);
        QCOMPARE(r.code(), ErrorCode::Network);
        QVERIFY2(r.message().contains(QLatin1String("after 4 attempts")), qPrintable(r.message()));
        QCOMPARE(server.count(QStringLiteral("/v2/org/x/blobs/")), 4);
        QVERIFY(client.cache().digests().isEmpty());
    }

    void bearerChallengeAndTokenReuse()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        int tokenCalls = 0;
        QString tokenQuery;
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path == u"/token") {
                ++tokenCalls;
                tokenQuery = r.query;
                return {200, {{"Content-Type", "application/json"}}, R"({"token":"tok-123","expires_in":300})", -1};
            }
            if (r.header("Authorization") != "Bearer tok-123") {
                return {401,
                        {{"WWW-Authenticate",
                          "Bearer realm=\"" + server.origin().toLatin1()
                              + "/token\",service=\"fake-registry\",scope=\"repository:user/image:pull\""}},
                        R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                        -1};
            }
            return m_registry.serve(r);
        });
        DistClient client(&m_nam, options(QStringLiteral("bearer")), nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(tokenCalls, 1); // the manifest's token is reused for the blob
        QVERIFY2(tokenQuery.contains(QLatin1String("scope=repository:org/x:pull")), qPrintable(tokenQuery));
        QVERIFY(tokenQuery.contains(QLatin1String("service=fake-registry")));
        QCOMPARE(server.requests().last().header("Authorization"), QByteArray("Bearer tok-123"));
    }

    void refusedTokenIsAnAuthError()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path == u"/token") {
                return {401, {}, R"({"errors":[{"code":"UNAUTHORIZED"}]})", -1};
            }
            return {401, {{"WWW-Authenticate", "Bearer realm=\"" + server.origin().toLatin1() + "/token\""}}, "", -1};
        });
        DistClient client(&m_nam, options(QStringLiteral("refused")), nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY(!r);
        QCOMPARE(r.code(), ErrorCode::AuthRequired);
    }

    void basicChallenge()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        const QByteArray expected = "Basic " + QByteArray("user:s3cret-pass").toBase64();
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.header("Authorization") != expected) {
                return {401, {{"WWW-Authenticate", "Basic realm=\"Registry Realm\""}}, "", -1};
            }
            return m_registry.serve(r);
        });
        {
            DistClient anonymous(&m_nam, options(QStringLiteral("basic-anon")), nullptr);
            auto r = pull(anonymous, refFor(server));
            QVERIFY(!r);
            QCOMPARE(r.code(), ErrorCode::AuthRequired);
            QVERIFY(!r.message().contains(QLatin1String("s3cret")));
        }
        m_credentials.m_host = QStringLiteral("127.0.0.1:%1").arg(server.port());
        DistClient client(&m_nam, options(QStringLiteral("basic")), &m_credentials);
        auto r = pull(client, refFor(server));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
    }

    void refusedCredentialsFallBackToAnonymous()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        m_credentials.m_host = QStringLiteral("127.0.0.1:%1").arg(server.port());
        QStringList tokenAuth;
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path == u"/token") {
                tokenAuth.append(QString::fromLatin1(r.header("Authorization").left(6)));
                if (!r.header("Authorization").isEmpty()) {
                    return {401, {}, R"({"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]})", -1};
                }
                return {200, {}, R"({"token":"anonymous-token"})", -1};
            }
            if (r.header("Authorization") != "Bearer anonymous-token") {
                return {
                    401, {{"WWW-Authenticate", "Bearer realm=\"" + server.origin().toLatin1() + "/token\""}}, "", -1};
            }
            return m_registry.serve(r);
        });
        DistClient client(&m_nam, options(QStringLiteral("anon-fallback")), &m_credentials);
        auto r = pull(client, refFor(server));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(tokenAuth, (QStringList{QStringLiteral("Basic "), QString()}));
    }

    void redirectDropsAuthorizationAcrossHosts()
    {
        ScriptedServer storage;
        QVERIFY(storage.start());
        storage.setHandler([&](const RecordedRequest&) -> ScriptedReply { return {200, {}, m_registry.blob, -1}; });
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path == u"/token") {
                return {200, {}, R"({"token":"registry-secret"})", -1};
            }
            if (r.header("Authorization") != "Bearer registry-secret") {
                return {
                    401, {{"WWW-Authenticate", "Bearer realm=\"" + server.origin().toLatin1() + "/token\""}}, "", -1};
            }
            if (r.path.contains(u"/blobs/")) {
                return {307, {{"Location", storage.origin().toLatin1() + "/bucket/blob?X-Signature=abc"}}, "", -1};
            }
            return m_registry.serve(r);
        });
        DistClient client(&m_nam, options(QStringLiteral("redirect")), nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(storage.requests().size(), 1);
        QVERIFY(storage.requests().first().header("Authorization").isEmpty());
        QCOMPARE(storage.requests().first().query, QStringLiteral("X-Signature=abc"));
        QCOMPARE(r->entry.digest, m_registry.blobDigest);
    }

    void truncatedBodyIsResumedWithRange()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        int blobCalls = 0;
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path.contains(u"/blobs/") && ++blobCalls == 1) {
                ScriptedReply cut = m_registry.blobReply(r);
                cut.truncateAfter = 1000000;
                return cut;
            }
            return m_registry.serve(r);
        });
        DistClient client(&m_nam, options(QStringLiteral("truncated")), nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(blobCalls, 2);
        const QByteArray range = server.requests().last().header("Range");
        QVERIFY2(range.startsWith("bytes=") && range != "bytes=0-", range.constData());
        QCOMPARE(Sha256::hashFile(r->entry.localPath).value(), m_registry.blobDigest);
    }

    void resumesAPartialLeftByAnEarlierRun()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([&](const RecordedRequest& r) { return m_registry.serve(r); });
        DistOptions o = options(QStringLiteral("partial"));
        {
            auto partial = IngestFile::openForDigest(Cache(o.cacheRoot).ingestDir(), m_registry.blobDigest, -1, false);
            QVERIFY(partial);
            QVERIFY((*partial)->write(m_registry.blob.left(2000000)));
        }
        DistClient client(&m_nam, o, nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY(r);
        QCOMPARE(server.requests().last().header("Range"), QByteArray("bytes=2000000-"));
        QCOMPARE(Sha256::hashFile(r->entry.localPath).value(), m_registry.blobDigest);
    }

    void ignoredRangeRestartsFromZero()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path.contains(u"/blobs/")) {
                return {200, {}, m_registry.blob, -1}; // ignores Range
            }
            return m_registry.serve(r);
        });
        DistOptions o = options(QStringLiteral("ignored-range"));
        {
            auto partial = IngestFile::openForDigest(Cache(o.cacheRoot).ingestDir(), m_registry.blobDigest, -1, false);
            QVERIFY((*partial)->write(m_registry.blob.left(1000)));
        }
        DistClient client(&m_nam, o, nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(Sha256::hashFile(r->entry.localPath).value(), m_registry.blobDigest);
    }

    void oversizedBlobIsRejected()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path.contains(u"/blobs/")) {
                return {200, {}, m_registry.blob + "extra", -1};
            }
            return m_registry.serve(r);
        });
        DistClient client(&m_nam, options(QStringLiteral("oversize")), nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY(!r);
        QCOMPARE(r.code(), ErrorCode::Integrity);
        QVERIFY(client.cache().digests().isEmpty());
    }

    // Qt opens at most six HTTP/1.1 connections per host; a lockfile's small requests are
    // pipelined on them (several sent before the first answer), or plain HTTP would pay a round
    // trip per request per connection (bench/lockfile-wan: 200 components at 50 ms, 3.9 s without).
    void smallRequestsArePipelinedOverHttp1()
    {
        PipelineWatcher server;
        const quint16 port = server.start();
        QVERIFY(port);
        DistClient client(&m_nam, options(QStringLiteral("pipelined")), nullptr);
        int answered = 0;
        for (int i = 0; i < 24; ++i) {
            client.pull(QStringLiteral("127.0.0.1:%1/org/x%2:1").arg(port).arg(i), Digest(),
                        [&answered](const Result<PullResult>& r) {
                            QVERIFY(!r);
                            QCOMPARE(r.code(), ErrorCode::NotFound);
                            ++answered;
                        });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, 24, scaled(60000));
        QVERIFY2(server.connections() <= 6, qPrintable(QString::number(server.connections())));
        QVERIFY2(server.mostHeld() >= 2,
                 qPrintable(QStringLiteral("at most %1 request waiting on a connection, %2 "
                                           "requests on %3 connections")
                                .arg(server.mostHeld())
                                .arg(server.requests())
                                .arg(server.connections())));
    }

    void wrongManifestDigestHeader()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            ScriptedReply reply = m_registry.serve(r);
            if (r.path.contains(u"/manifests/")) {
                reply.headers = {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"},
                                 {"Docker-Content-Digest", Sha256::hash("other").toString().toLatin1()}};
            }
            return reply;
        });
        DistClient client(&m_nam, options(QStringLiteral("wrong-dcd")), nullptr);
        auto r = pull(client, refFor(server));
        QVERIFY(!r);
        QCOMPARE(r.code(), ErrorCode::Integrity);
    }
};

QTEST_GUILESS_MAIN(TestTransport)
#include "tst_transport.moc"
