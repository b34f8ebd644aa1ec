// SPDX-License-Identifier: MIT
// The pack registry client against a scripted SPEC-Pack-Registry-v1 server on loopback: statuses,
// retries, ETag revalidation, signatures (header, sidecar, keys manifest, production root), trust
// failures, unsigned policy, cache re-verification and the GitHub OIDC exchange.
#include "FakePackRegistry.h"
#include "ScriptedServer.h"
#include "TestWaits.h"

#include <client/CacheMaintenance.h>
#include <client/DistClient.h>
#include <core/Sha256.h>
#include <packs/PackIndex.h>
#include <packs/PackRegistryClient.h>
#include <packs/PackTokenSource.h>
#include <trust/PackCanonicalizer.h>
#include <trust/PackSigner.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

namespace {

QByteArray canonical(const QByteArray& yaml)
{
    return PackCanonicalizer::canonicalJson(yaml).value();
}

const QByteArray kPack("name: test-pack\nversion: \"1.0.0\"\nrules:\n  - id: r1\n    severity: high\n");

// reference §5.6: signed by the assay production root.
const QByteArray kRootedContent("kind: compliance\nname: rooted-trust\nversion: \"1.0.0\"\n");
const QByteArray kRootedEnvelope(
    R"({"payloadType":"application/vnd.assay.pack+yaml;v=1","payload":"eyJraW5kIjoiY29tcGxpYW5jZSIsIm5hbWUiOiJyb290ZWQtdHJ1c3QiLCJ2ZXJzaW9uIjoiMS4wLjAifQ==","signatures":[{"keyid":"sha256:3a64307d5655ba86fa3c95118ed8fe9665ef6bd37c752ca93f3bbe8f16e83a7f","sig":"bZneVXX+0iuXnp0WTeXP0NzlmuIuZJy1By91e2oYoNiA3o5tlApy/+bonwUFBAEsxugMiWuRlElAdKQCV0mwDQ=="}]})");

} // namespace

class TestPackRegistry : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QNetworkAccessManager m_nam;
    PackSigner m_root = PackSigner::generate(); // the operator's --trust-root
    QString m_rootFile;
    int m_caches = 0;

    DistOptions options(const ScriptedServer& server, const QString& cache = QString()) const
    {
        DistOptions o;
        o.cacheRoot = cache.isEmpty() ? m_dir.filePath(QStringLiteral("cache-%1").arg(m_caches)) : cache;
        o.http.allowInsecureLocalHttp = true;
        o.http.retryBaseMs = 10;
        o.packs.registry.http = o.http;
        o.packs.registry.baseUrl = QUrl(server.origin() + QStringLiteral("/v1/"));
        o.packs.registry.maxRetries = 2;
        o.packs.trustRootFiles = {m_rootFile};
        return o;
    }

    template <typename T>
    static Result<T> wait(std::optional<Result<T>>& slot, int ms = 30000)
    {
        if (!QTest::qWaitFor([&] { return slot.has_value(); }, scaled(ms))) {
            return makeError(ErrorCode::Network, QStringLiteral("test timed out"));
        }
        return *slot;
    }

    Result<PullResult> pull(DistClient& client, const QString& ref, const Digest& pin = Digest())
    {
        std::optional<Result<PullResult>> r;
        client.pull(ref, pin, [&](Result<PullResult> x) { r = std::move(x); });
        return wait(r);
    }

    Result<ResolvedPack> resolvePack(DistClient& client, const QString& ref)
    {
        std::optional<Result<ResolvedPack>> r;
        client.packs().resolve(Reference::parse(ref).value(), Digest(),
                               [&](Result<ResolvedPack> x) { r = std::move(x); });
        return wait(r);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_rootFile = m_dir.filePath(QStringLiteral("roots.json"));
        QFile f(m_rootFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(m_root.trustRootJson(QStringLiteral("test root")));
    }

    void init() { ++m_caches; }

    void signedPackVerifiesAndIsCached()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistClient client(&m_nam, options(server), nullptr);

        auto r = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(r->source, QStringLiteral("registry"));
        QCOMPARE(r->digest, packDigest(kPack));
        QCOMPARE(r->contentDigest, Sha256::hash(kPack));
        QVERIFY(r->signedPack);
        QCOMPARE(r->keyId, m_root.keyId());
        QVERIFY(r->fetched);
        QCOMPARE(server.requests().first().header("User-Agent").left(17), QByteArray("greentic-dist-qt/"));

        // In the shared cache, visible to cache ls, with the pack facts recorded.
        auto entry = client.cache().stat(Sha256::hash(kPack));
        QVERIFY(entry);
        QCOMPARE(entry->artifactType, ArtifactType::Pack);
        QCOMPARE(entry->rawRef, QStringLiteral("test-pack@1.0.0"));
        QCOMPARE(entry->annotations.value(QStringLiteral("assay.pack.name")), QStringLiteral("test-pack"));
        QCOMPARE(entry->annotations.value(QStringLiteral("assay.pack.version")), QStringLiteral("1.0.0"));
        QCOMPARE(entry->annotations.value(QStringLiteral("assay.pack.digest")), packDigest(kPack).toString());
        QCOMPARE(entry->annotations.value(QStringLiteral("assay.pack.etag")),
                 QString::fromLatin1(FakePackRegistry::etagFor(kPack)));
        QVERIFY(!entry->annotations.value(QStringLiteral("assay.pack.expires_at")).isEmpty());
        QCOMPARE(entry->signatureSummary->outcome, QStringLiteral("passed"));
        QFile blob(entry->localPath);
        QVERIFY(blob.open(QIODevice::ReadOnly));
        QCOMPARE(blob.readAll(), kPack);

        // The next resolve is served (and re-verified) from the cache without the network.
        const qsizetype before = server.requests().size();
        auto again = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QVERIFY(again);
        QCOMPARE(again->source, QStringLiteral("cache"));
        QCOMPARE(again->keyId, m_root.keyId());
        QCOMPARE(server.requests().size(), before);

        // pull gives the canonical digest as the pin and the cached blob.
        auto pulled = pull(client, QStringLiteral("test-pack@1.0.0"));
        QVERIFY(pulled);
        QCOMPARE(pulled->digest, packDigest(kPack));
        QCOMPARE(pulled->entry.localPath, entry->localPath);
    }

    void productionRootEnvelopeVerifies()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(
            QStringLiteral("rooted-trust/1.0.0"),
            ServedPack{kRootedContent, nullptr, true, QStringLiteral("max-age=60"), {}, {}, kRootedEnvelope});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistOptions o = options(server);
        o.packs.trustRootFiles.clear(); // only the compiled-in root
        DistClient client(&m_nam, o, nullptr);
        auto r = resolvePack(client, QStringLiteral("rooted-trust@1.0.0"));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(r->keyId, QStringLiteral("sha256:3a64307d5655ba86fa3c95118ed8fe9665ef6bd37c752ca93f3bbe8f16e83a7f"));
        QCOMPARE(r->digest.toString(),
                 QStringLiteral("sha256:394ea774446011e067569a5dfc0a68d458b564781438267095dc74d1a760d07a"));

        // The same envelope naming an unknown key id: not trusted (exit 6).
        QByteArray other = kRootedEnvelope;
        other.replace("sha256:3a64307d5655ba86fa3c95118ed8fe9665ef6bd37c752ca93f3bbe8f16e83a7f", "sha256:deadbeef");
        registry.packs[QStringLiteral("rooted-trust/1.0.0")].envelopeOverride = other;
        o.cacheRoot += QStringLiteral("-2");
        DistClient fresh(&m_nam, o, nullptr);
        auto bad = resolvePack(fresh, QStringLiteral("rooted-trust@1.0.0"));
        QVERIFY(!bad);
        QCOMPARE(bad.code(), ErrorCode::Integrity);
        QVERIFY2(bad.message().contains(QLatin1String("key not trusted: sha256:deadbeef")), qPrintable(bad.message()));
    }

    void expiredEntryRevalidatesWith304()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"),
                              ServedPack{kPack, &m_root, true, QStringLiteral("max-age=0")});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistClient client(&m_nam, options(server), nullptr);
        QVERIFY(resolvePack(client, QStringLiteral("test-pack@1.0.0")));
        QCOMPARE(server.count(QStringLiteral("/v1/packs/test-pack/1.0.0")), 1);

        // Expired at once: the next resolve revalidates with the ETag, gets 304, serves the cache.
        registry.packs[QStringLiteral("test-pack/1.0.0")].cacheControl = QStringLiteral("private, max-age=3600");
        auto r = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(r->source, QStringLiteral("cache"));
        QCOMPARE(server.count(QStringLiteral("/v1/packs/test-pack/1.0.0")), 2);
        QCOMPARE(server.requests().last().header("If-None-Match"), FakePackRegistry::etagFor(kPack));
        // The 304 extended the expiry: no request the third time.
        QVERIFY(r->expiresAt > QDateTime::currentDateTimeUtc().addSecs(3000));
        QVERIFY(resolvePack(client, QStringLiteral("test-pack@1.0.0")));
        QCOMPARE(server.count(QStringLiteral("/v1/packs/test-pack/1.0.0")), 2);
    }

    void evictedPackIsRefetchedAndItsRecordCollected()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistOptions o = options(server);
        DistClient client(&m_nam, o, nullptr);
        QVERIFY(resolvePack(client, QStringLiteral("test-pack@1.0.0")));
        PackIndex index(o.cacheRoot, o.packs.registry.registryKey());
        QVERIFY(index.read(QStringLiteral("test-pack"), QStringLiteral("1.0.0")).has_value());

        // Retention or `cache rm` evicts the content: the record dangles until the next fetch or gc.
        QVERIFY(client.cache().remove(Sha256::hash(kPack)));
        auto gc = CacheMaintenance(client.cache()).collectGarbage();
        QVERIFY(gc);
        QVERIFY(gc->staleFiles >= 1);
        QVERIFY(!index.read(QStringLiteral("test-pack"), QStringLiteral("1.0.0")).has_value());
        auto again = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QVERIFY(again);
        QCOMPARE(again->source, QStringLiteral("registry"));
    }

    void statusMapping()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        QByteArray mode;
        server.setHandler([&](const RecordedRequest&) -> ScriptedReply {
            if (mode == "404") {
                return {404, {}, R"({"error":"pack_not_found"})", -1};
            }
            if (mode == "401") {
                return {401, {}, R"({"error":"authentication_required"})", -1};
            }
            if (mode == "403") {
                return {403, {}, R"({"error":"pack_not_licensed"})", -1};
            }
            if (mode == "410-body") {
                return {
                    410, {}, R"({"error":"security_revocation","reason":"critical CVE","safe_version":"1.0.1"})", -1};
            }
            if (mode == "410-header") {
                return {410, {{"X-Revocation-Reason", "security vulnerability"}}, QByteArray(), -1};
            }
            if (mode == "410-text") {
                return {410, {}, "withdrawn by the publisher", -1};
            }
            if (mode == "400") {
                return {400, {}, R"({"error":"invalid_request","message":"bad version"})", -1};
            }
            return {500, {}, "boom", -1};
        });
        DistClient client(&m_nam, options(server), nullptr);
        const auto expect = [&](const QByteArray& m, ErrorCode code, const char* text, int requests) {
            mode = m;
            const qsizetype before = server.requests().size();
            auto r = resolvePack(client, QStringLiteral("eu-ai-act-pro@1.2.0"));
            QVERIFY2(!r, m.constData());
            QCOMPARE(r.code(), code);
            QVERIFY2(r.message().contains(QLatin1String(text)), qPrintable(r.message()));
            QCOMPARE(server.requests().size() - before, requests);
        };
        expect("404", ErrorCode::NotFound, "pack not found: eu-ai-act-pro@1.2.0", 1);
        expect("401", ErrorCode::AuthRequired, "requires authentication; set ASSAY_REGISTRY_TOKEN", 1);
        expect("403", ErrorCode::AuthRequired, "pack 'eu-ai-act-pro' is not included in your license", 1);
        expect("410-body", ErrorCode::Integrity,
               "pack revoked: eu-ai-act-pro@1.2.0 - critical CVE (safe version: eu-ai-act-pro@1.0.1)", 1);
        expect("410-header", ErrorCode::Integrity, "pack revoked: eu-ai-act-pro@1.2.0 - security vulnerability", 1);
        expect("410-text", ErrorCode::Integrity, "withdrawn by the publisher", 1);
        expect("400", ErrorCode::Protocol, "HTTP 400", 1); // not retried, unlike assay
        expect("500", ErrorCode::Network, "gave up after 3 attempts", 3); // 1 + 2 retries
    }

    void bearerToken()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.header("Authorization") != "Bearer secret-token") {
                return {401, {}, R"({"error":"authentication_required"})", -1};
            }
            return registry.serve(r);
        });
        DistOptions o = options(server);
        o.packs.registry.token = "secret-token";
        DistClient client(&m_nam, o, nullptr);
        auto r = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));

        o.packs.registry.token = "wrong";
        o.cacheRoot += QStringLiteral("-wrong");
        DistClient wrong(&m_nam, o, nullptr);
        auto refused = resolvePack(wrong, QStringLiteral("test-pack@1.0.0"));
        QCOMPARE(refused.code(), ErrorCode::AuthRequired);
        QVERIFY(refused.message().contains(QLatin1String("rejected the token")));
        QVERIFY(!refused.message().contains(QLatin1String("wrong"))); // never the secret
    }

    void retryAfterHonoured()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});
        int calls = 0;
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path.endsWith(u"/1.0.0") && ++calls == 1) {
                return {429, {{"Retry-After", "1"}}, R"({"error":"rate_limit_exceeded","retry_after":1})", -1};
            }
            return registry.serve(r);
        });
        DistOptions o = options(server);
        o.packs.registry.maxRetries = 1;
        DistClient client(&m_nam, o, nullptr);
        QElapsedTimer t;
        t.start();
        auto r = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(calls, 2);
        QVERIFY2(t.elapsed() >= 850, qPrintable(QString::number(t.elapsed())));

        // Always 429: gives up after the retries, saying so.
        server.setHandler([&](const RecordedRequest&) -> ScriptedReply {
            return {429, {{"Retry-After", "0"}}, QByteArray(), -1};
        });
        o.cacheRoot += QStringLiteral("-limited");
        DistClient limited(&m_nam, o, nullptr);
        auto refused = resolvePack(limited, QStringLiteral("test-pack@1.0.0"));
        QCOMPARE(refused.code(), ErrorCode::Network);
        QVERIFY2(refused.message().contains(QLatin1String("rate limited")), qPrintable(refused.message()));
        QVERIFY(refused.message().contains(QLatin1String("gave up after 2 attempts")));
    }

    void trustFailures()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        const PackSigner stranger = PackSigner::generate();
        const PackSigner revoked = PackSigner::generate();
        const PackSigner expired = PackSigner::generate();
        const PackSigner rotated = PackSigner::generate();
        registry.packs.insert(QStringLiteral("untrusted/1.0.0"), ServedPack{kPack, &stranger});
        registry.packs.insert(QStringLiteral("revoked/1.0.0"), ServedPack{kPack, &revoked});
        registry.packs.insert(QStringLiteral("expired/1.0.0"), ServedPack{kPack, &expired});
        registry.packs.insert(QStringLiteral("rotated/1.0.0"), ServedPack{kPack, &rotated});
        registry.keysManifest = makeKeysManifest(
            {keyJson(rotated),
             QJsonObject{{QStringLiteral("key_id"), revoked.keyId()}, {QStringLiteral("revoked"), true}},
             keyJson(expired, {{QStringLiteral("expires_at"), QStringLiteral("2026-01-01T00:00:00Z")}})});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistClient client(&m_nam, options(server), nullptr);

        // A key the registry's manifest adds: fetched once, verified, remembered.
        auto ok = resolvePack(client, QStringLiteral("rotated@1.0.0"));
        QVERIFY2(ok, qPrintable(ok ? QString() : ok.message()));
        QCOMPARE(ok->keyId, rotated.keyId());
        QCOMPARE(server.count(QStringLiteral("/v1/keys")), 1);

        for (const char* name : {"untrusted", "revoked", "expired"}) {
            auto r = resolvePack(client, QString::fromLatin1(name) + QStringLiteral("@1.0.0"));
            QVERIFY2(!r, name);
            QCOMPARE(r.code(), ErrorCode::Integrity);
            QVERIFY2(r.message().contains(QLatin1String("key not trusted")), qPrintable(r.message()));
        }
        QCOMPARE(server.count(QStringLiteral("/v1/keys")), 1); // one refresh per run
    }

    void tamperedContentFails()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        const QByteArray tampered("name: test-pack\nversion: \"1.0.0\"\nrules: []\n");
        // Digest header claims other content.
        registry.packs.insert(
            QStringLiteral("claims/1.0.0"),
            ServedPack{kPack, &m_root, true, QStringLiteral("max-age=60"), packDigest(tampered).toString().toLatin1()});
        // Signature made for other content.
        ServedPack swapped{tampered, &m_root};
        swapped.envelopeOverride = m_root.envelope(canonical(kPack), PackTrustStore::kPackPayloadType);
        registry.packs.insert(QStringLiteral("swapped/1.0.0"), swapped);
        // Not YAML the canonical form accepts.
        registry.packs.insert(QStringLiteral("floaty/1.0.0"), ServedPack{"version: 1.0\n", &m_root});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistOptions o = options(server);
        o.packs.allowUnsigned = true; // never turns these into warnings
        DistClient client(&m_nam, o, nullptr);
        for (const char* name : {"claims", "swapped", "floaty"}) {
            auto r = resolvePack(client, QString::fromLatin1(name) + QStringLiteral("@1.0.0"));
            QVERIFY2(!r, name);
            QCOMPARE(r.code(), ErrorCode::Integrity);
        }
        QVERIFY(
            resolvePack(client, QStringLiteral("claims@1.0.0")).message().contains(QLatin1String("digest mismatch")));
        QVERIFY(resolvePack(client, QStringLiteral("floaty@1.0.0"))
                    .message()
                    .contains(QLatin1String("float values not allowed")));
        QCOMPARE(client.cache().digests().size(), 0);
    }

    void unsignedOnlyWhenAllowed()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("open-pack/1.0.0"), ServedPack{kPack, nullptr});
        registry.packs.insert(QStringLiteral("paid-pack/1.0.0"),
                              ServedPack{kPack, nullptr, true, QStringLiteral("max-age=60"), {}, "commercial"});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistOptions o = options(server);
        DistClient strict(&m_nam, o, nullptr);
        auto refused = resolvePack(strict, QStringLiteral("open-pack@1.0.0"));
        QCOMPARE(refused.code(), ErrorCode::Integrity);
        QVERIFY(refused.message().startsWith(QLatin1String("pack is unsigned: open-pack@1.0.0")));
        QCOMPARE(server.count(QStringLiteral("/v1/packs/open-pack/1.0.0.sig")), 1); // the sidecar was asked for

        o.packs.allowUnsigned = true;
        o.cacheRoot += QStringLiteral("-allow");
        DistClient lenient(&m_nam, o, nullptr);
        auto admitted = resolvePack(lenient, QStringLiteral("open-pack@1.0.0"));
        QVERIFY2(admitted, qPrintable(admitted ? QString() : admitted.message()));
        QVERIFY(!admitted->signedPack);
        QCOMPARE(admitted->entry.signatureSummary->outcome, QStringLiteral("warning"));
        // A commercial pack must be signed, whatever the flag says.
        auto paid = resolvePack(lenient, QStringLiteral("paid-pack@1.0.0"));
        QCOMPARE(paid.code(), ErrorCode::Integrity);
        QVERIFY(paid.message().contains(QLatin1String("commercial")));

        // The cached unsigned pack is not served to a run without --allow-unsigned either.
        o.packs.allowUnsigned = false;
        o.offline = true;
        DistClient offline(&m_nam, o, nullptr);
        auto cached = resolvePack(offline, QStringLiteral("open-pack@1.0.0"));
        QCOMPARE(cached.code(), ErrorCode::Integrity);
    }

    void sidecarSignature()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("big-pack/2.0.0"), ServedPack{kPack, &m_root, false});
        bool sidecarFails = false;
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (sidecarFails && r.path.endsWith(u".sig")) {
                return {500, {}, "sidecar store down", -1};
            }
            return registry.serve(r);
        });
        DistClient client(&m_nam, options(server), nullptr);
        auto r = resolvePack(client, QStringLiteral("big-pack@2.0.0"));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(r->keyId, m_root.keyId());
        QCOMPARE(server.count(QStringLiteral("/v1/packs/big-pack/2.0.0.sig")), 1);

        // A failing sidecar is an error, never "unsigned".
        sidecarFails = true;
        DistOptions o = options(server);
        o.cacheRoot += QStringLiteral("-fail");
        o.packs.allowUnsigned = true;
        DistClient failing(&m_nam, o, nullptr);
        auto f = resolvePack(failing, QStringLiteral("big-pack@2.0.0"));
        QCOMPARE(f.code(), ErrorCode::Network);
    }

    void cacheIsReverifiedOnRead()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        const PackSigner key = PackSigner::generate();
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &key});
        registry.keysManifest = makeKeysManifest({keyJson(key)});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistOptions o = options(server);
        DistClient client(&m_nam, o, nullptr);
        QVERIFY(resolvePack(client, QStringLiteral("test-pack@1.0.0")));

        // Offline, a fresh process verifies the cached pack with the remembered keys manifest.
        o.offline = true;
        {
            DistClient offline(&m_nam, o, nullptr);
            auto r = resolvePack(offline, QStringLiteral("test-pack@1.0.0"));
            QVERIFY2(r, qPrintable(r ? QString() : r.message()));
            QCOMPARE(r->keyId, key.keyId());
        }

        // The key is revoked later: the cached copy is refused (exit 6), not served.
        PackIndex index(o.cacheRoot, o.packs.registry.registryKey());
        QVERIFY(index.writeKeys(
            makeKeysManifest({QJsonObject{{QStringLiteral("key_id"), key.keyId()}, {QStringLiteral("revoked"), true}}}),
            QDateTime::currentDateTimeUtc()));
        {
            DistClient offline(&m_nam, o, nullptr);
            auto r = resolvePack(offline, QStringLiteral("test-pack@1.0.0"));
            QCOMPARE(r.code(), ErrorCode::Integrity);
            QVERIFY2(r.message().contains(QLatin1String("revoked")), qPrintable(r.message()));
        }
        QVERIFY(index.writeKeys(registry.keysManifest, QDateTime::currentDateTimeUtc()));

        // Tampered bytes in the cache: detected, evicted, fetched again.
        auto entry = client.cache().stat(Sha256::hash(kPack));
        QVERIFY(entry);
        QFile blob(entry->localPath);
        QVERIFY(blob.open(QIODevice::ReadWrite));
        blob.seek(0);
        blob.write("N");
        blob.close();
        const qsizetype before = server.count(QStringLiteral("/v1/packs/test-pack/1.0.0"));
        o.offline = false;
        DistClient online(&m_nam, o, nullptr);
        auto refetched = resolvePack(online, QStringLiteral("test-pack@1.0.0"));
        QVERIFY2(refetched, qPrintable(refetched ? QString() : refetched.message()));
        QCOMPARE(refetched->source, QStringLiteral("registry"));
        QCOMPARE(server.count(QStringLiteral("/v1/packs/test-pack/1.0.0")), before + 1);
    }

    void pinnedDigest()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistClient client(&m_nam, options(server), nullptr);
        const QString good = QStringLiteral("test-pack@1.0.0#") + packDigest(kPack).toString();
        auto ok = pull(client, good);
        QVERIFY2(ok, qPrintable(ok ? QString() : ok.message()));
        const Digest other = Sha256::hash("something else");
        auto bad = pull(client, QStringLiteral("test-pack@1.0.0#") + other.toString());
        QCOMPARE(bad.code(), ErrorCode::Integrity);
        QVERIFY(bad.message().contains(QLatin1String("digest mismatch for test-pack@1.0.0")));
        // A pin different from the cached copy asks the registry, which still serves the same pack.
        QVERIFY(server.count(QStringLiteral("/v1/packs/test-pack/1.0.0")) >= 2);
    }

    void endpoints()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});
        registry.packs.insert(QStringLiteral("test-pack/0.9.0"), ServedPack{kPack, &m_root});
        registry.keysManifest = makeKeysManifest({keyJson(PackSigner::generate())});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistClient client(&m_nam, options(server), nullptr);
        PackRegistryClient& api = client.packs().registry();

        std::optional<Result<PackVersions>> versions;
        api.versions(QStringLiteral("test-pack"), [&](Result<PackVersions> r) { versions = std::move(r); });
        auto v = wait(versions);
        QVERIFY(v);
        QCOMPARE(v->name, QStringLiteral("test-pack"));
        QCOMPARE(v->versions.size(), 2);
        QVERIFY(v->versions[0].deprecated || v->versions[1].deprecated);

        std::optional<Result<PackMeta>> meta;
        api.packMeta(QStringLiteral("test-pack"), QStringLiteral("1.0.0"),
                     [&](Result<PackMeta> r) { meta = std::move(r); });
        auto m = wait(meta);
        QVERIFY2(m, qPrintable(m ? QString() : m.message()));
        QCOMPARE(m->digest, packDigest(kPack).toString());
        QCOMPARE(m->size, kPack.size());
        QVERIFY(m->signedPack);
        QCOMPARE(m->keyId, m_root.keyId());
        QCOMPARE(server.requests().last().method, QByteArray("HEAD"));

        std::optional<Result<std::optional<QByteArray>>> sig;
        api.signature(QStringLiteral("test-pack"), QStringLiteral("1.0.0"), [&](auto r) { sig = std::move(r); });
        auto s = wait(sig);
        QVERIFY(s && s->has_value());
        sig.reset();
        api.signature(QStringLiteral("test-pack"), QStringLiteral("7.0.0"), [&](auto r) { sig = std::move(r); });
        s = wait(sig);
        QVERIFY(s && !s->has_value()); // 404: no sidecar

        std::optional<Result<KeysMergeReport>> keys;
        client.packs().refreshKeys([&](Result<KeysMergeReport> r) { keys = std::move(r); });
        auto k = wait(keys);
        QVERIFY(k);
        QCOMPARE(k->added, 1);

        std::optional<Result<PackVersions>> missing;
        api.versions(QStringLiteral("nope"), [&](Result<PackVersions> r) { missing = std::move(r); });
        QCOMPARE(wait(missing).code(), ErrorCode::NotFound);
    }

    void responseSizeCap()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        QByteArray big = "name: big\nnotes: \"" + QByteArray(5000, 'x') + "\"\n";
        registry.packs.insert(QStringLiteral("big/1.0.0"), ServedPack{big, &m_root});
        server.setHandler([&](const RecordedRequest& r) { return registry.serve(r); });
        DistOptions o = options(server);
        o.packs.registry.maxPackBytes = 1000;
        DistClient client(&m_nam, o, nullptr);
        auto r = resolvePack(client, QStringLiteral("big@1.0.0"));
        QCOMPARE(r.code(), ErrorCode::Protocol);
        QVERIFY2(r.message().contains(QLatin1String("larger than the 1000-byte pack size limit")),
                 qPrintable(r.message()));
        QCOMPARE(server.count(QStringLiteral("/v1/packs/big/1.0.0")), 1); // not retried
    }

    void wholeRequestTimeout()
    {
        QTcpServer silent; // accepts and never answers
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QList<QTcpSocket*> held;
        connect(&silent, &QTcpServer::newConnection, this, [&] { held.append(silent.nextPendingConnection()); });
        DistOptions o;
        o.cacheRoot = m_dir.filePath(QStringLiteral("timeout"));
        o.http.allowInsecureLocalHttp = true;
        o.http.retryBaseMs = 10;
        o.packs.registry.http = o.http;
        o.packs.registry.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(silent.serverPort()));
        o.packs.registry.timeoutSecs = 1;
        o.packs.registry.maxRetries = 1;
        DistClient client(&m_nam, o, nullptr);
        QElapsedTimer t;
        t.start();
        auto r = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QCOMPARE(r.code(), ErrorCode::Network);
        QVERIFY2(r.message().contains(QLatin1String("timed out after 1 s")), qPrintable(r.message()));
        QVERIFY(t.elapsed() >= 1900 && t.elapsed() < scaled(15000));
        QCOMPARE(held.size(), 2);
    }

    void plainHttpRefusedWithoutOptIn()
    {
        DistOptions o;
        o.cacheRoot = m_dir.filePath(QStringLiteral("insecure"));
        o.packs.registry.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1"));
        DistClient client(&m_nam, o, nullptr);
        auto r = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QCOMPARE(r.code(), ErrorCode::InvalidInput);
        QVERIFY(r.message().contains(QLatin1String("refusing plain http")));
    }

    void githubOidcExchange()
    {
        ScriptedServer server;
        QVERIFY(server.start());
        FakePackRegistry registry;
        registry.packs.insert(QStringLiteral("test-pack/1.0.0"), ServedPack{kPack, &m_root});
        registry.packs.insert(QStringLiteral("test-pack/1.0.1"), ServedPack{kPack, &m_root});
        int exchanges = 0;
        int rejectNext = 0;
        bool exchangeDown = false;
        server.setHandler([&](const RecordedRequest& r) -> ScriptedReply {
            if (r.path == u"/gh/token") {
                if (r.header("Authorization") != "Bearer gh-request-token" || !r.query.contains(u"audience=")) {
                    return {401, {}, "bad request token", -1};
                }
                return {200, {}, R"({"value":"header.payload.sig"})", -1};
            }
            if (r.path == u"/v1/auth/oidc/exchange") {
                ++exchanges;
                if (exchangeDown) {
                    return {500, {}, "exchange down", -1};
                }
                const QJsonObject body = QJsonDocument::fromJson(r.body).object();
                if (body.value(QStringLiteral("token")).toString() != u"header.payload.sig"
                    || body.value(QStringLiteral("grant_type")).toString()
                        != u"urn:ietf:params:oauth:grant-type:token-exchange") {
                    return {400, {}, R"({"error":"invalid_request"})", -1};
                }
                return {200,
                        {},
                        QStringLiteral(R"({"access_token":"ast_%1","expires_in":3600,"token_type":"Bearer"})")
                            .arg(exchanges)
                            .toLatin1(),
                        -1};
            }
            if (!r.header("Authorization").startsWith("Bearer ast_") || rejectNext > 0) {
                rejectNext = std::max(0, rejectNext - 1);
                return {401, {}, R"({"error":"invalid_token"})", -1};
            }
            return registry.serve(r);
        });
        DistOptions o = options(server);
        o.packs.registry.oidc = true;
        o.packs.registry.oidcRequestUrl = QUrl(server.origin() + QStringLiteral("/gh/token?api-version=2.0"));
        o.packs.registry.oidcRequestToken = "gh-request-token";
        DistClient client(&m_nam, o, nullptr);
        auto r = resolvePack(client, QStringLiteral("test-pack@1.0.0"));
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(exchanges, 1);
        // Cached: the next request reuses the token.
        QVERIFY(resolvePack(client, QStringLiteral("test-pack@1.0.1")));
        QCOMPARE(exchanges, 1);

        // The registry refuses a token it issued: exchanged again, once, then the request succeeds.
        rejectNext = 1;
        o.cacheRoot += QStringLiteral("-reauth");
        DistClient reauth(&m_nam, o, nullptr);
        QVERIFY(resolvePack(reauth, QStringLiteral("test-pack@1.0.0")));
        QCOMPARE(exchanges, 3);

        // A persistent 401 is not looped on.
        rejectNext = 100;
        o.cacheRoot += QStringLiteral("-loop");
        DistClient loop(&m_nam, o, nullptr);
        const qsizetype before = server.count(QStringLiteral("/v1/packs/"));
        auto refused = resolvePack(loop, QStringLiteral("test-pack@1.0.0"));
        QCOMPARE(refused.code(), ErrorCode::AuthRequired);
        QCOMPARE(server.count(QStringLiteral("/v1/packs/")) - before, 2);
        QVERIFY(!refused.message().contains(QLatin1String("ast_")));

        // The exchange endpoint failing: 1 + 3 retries, then a network error.
        exchangeDown = true;
        exchanges = 0;
        o.cacheRoot += QStringLiteral("-down");
        DistClient down(&m_nam, o, nullptr);
        auto failed = resolvePack(down, QStringLiteral("test-pack@1.0.0"));
        QCOMPARE(failed.code(), ErrorCode::Network);
        QCOMPARE(exchanges, 4);

        // OIDC asked for outside GitHub Actions: a clear error.
        o.packs.registry.oidcRequestUrl = QUrl();
        o.cacheRoot += QStringLiteral("-nogh");
        DistClient outside(&m_nam, o, nullptr);
        auto missing = resolvePack(outside, QStringLiteral("test-pack@1.0.0"));
        QCOMPARE(missing.code(), ErrorCode::AuthRequired);
        QVERIFY(missing.message().contains(QLatin1String("ACTIONS_ID_TOKEN_REQUEST_URL")));
    }
};

QTEST_GUILESS_MAIN(TestPackRegistry)
#include "tst_packregistry.moc"
