// SPDX-License-Identifier: MIT
#include <trust/PackCanonicalizer.h>
#include <trust/PackSignature.h>
#include <trust/PackSigner.h>
#include <trust/PackTrustStore.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;

namespace {

// reference §5.6: a pack signed by the assay production root.
const QByteArray kRootedContent("kind: compliance\nname: rooted-trust\nversion: \"1.0.0\"\n");
const QByteArray kRootedEnvelope(
    R"({"payloadType":"application/vnd.assay.pack+yaml;v=1","payload":"eyJraW5kIjoiY29tcGxpYW5jZSIsIm5hbWUiOiJyb290ZWQtdHJ1c3QiLCJ2ZXJzaW9uIjoiMS4wLjAifQ==","signatures":[{"keyid":"sha256:3a64307d5655ba86fa3c95118ed8fe9665ef6bd37c752ca93f3bbe8f16e83a7f","sig":"bZneVXX+0iuXnp0WTeXP0NzlmuIuZJy1By91e2oYoNiA3o5tlApy/+bonwUFBAEsxugMiWuRlElAdKQCV0mwDQ=="}]})");
const QString kRootId = QStringLiteral("sha256:3a64307d5655ba86fa3c95118ed8fe9665ef6bd37c752ca93f3bbe8f16e83a7f");

// RFC 8032 test 1 key, as the assay review kit uses it.
const QByteArray kSeed = QByteArray::fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const QString kSeedKeyId = QStringLiteral("sha256:06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9");
const QByteArray kTestPack("name: test-pack\nversion: \"1.0.0\"\nrules: []");

QByteArray canonical(const QByteArray& yaml)
{
    return PackCanonicalizer::canonicalJson(yaml).value();
}

QDateTime now()
{
    return QDateTime(QDate(2026, 11, 22), QTime(12, 0), Qt::UTC);
}

QByteArray manifest(const QJsonArray& keys, const QString& expires = QString())
{
    QJsonObject o{{QStringLiteral("version"), 1}, {QStringLiteral("keys"), keys}};
    if (!expires.isEmpty()) {
        o.insert(QStringLiteral("expires_at"), expires);
    }
    return QJsonDocument(o).toJson();
}

QJsonObject keyJson(const PackSigner& s, const QJsonObject& extra = {})
{
    QJsonObject o{{QStringLiteral("key_id"), s.keyId()},
                  {QStringLiteral("algorithm"), QStringLiteral("Ed25519")},
                  {QStringLiteral("public_key"), QString::fromLatin1(s.spki().toBase64())}};
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        o.insert(it.key(), it.value());
    }
    return o;
}

QByteArray reenvelope(const QByteArray& envelope, const std::function<void(QJsonObject&)>& edit)
{
    QJsonObject o = QJsonDocument::fromJson(envelope).object();
    edit(o);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestPackTrust : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pae()
    {
        QCOMPARE(PackSignature::pae("application/json", "test"), QByteArray("DSSEv1 16 application/json 4 test"));
        QCOMPARE(PackSignature::pae("", ""), QByteArray("DSSEv1 0  0 "));
        QCOMPARE(PackSignature::pae("t", "a b c"), QByteArray("DSSEv1 1 t 5 a b c"));
        QCOMPARE(PackSignature::pae("application/vnd.in-toto+json", "{}"),
                 QByteArray("DSSEv1 28 application/vnd.in-toto+json 2 {}"));
        QVERIFY(PackSignature::pae(PackTrustStore::kPackPayloadType, "x")
                    .startsWith("DSSEv1 35 application/vnd.assay.pack+yaml;v=1 "));
    }

    void builtinRoot()
    {
        const PackTrustStore store = PackTrustStore::withBuiltinRoots();
        QCOMPARE(store.keys().size(), 1);
        const PackKey root = store.keys().first();
        QCOMPARE(root.keyId, kRootId);
        QVERIFY(root.pinned);
        QCOMPARE(root.rawPublicKey.toHex(),
                 QByteArray("ca408dec27fd110001e143e89c6e40b4a7d3567cb41f8c5a2a93c8eb02060701"));
    }

    void productionEnvelopeVerifies()
    {
        const PackTrustStore store = PackTrustStore::withBuiltinRoots();
        auto keyId = PackSignature::verifyPack(kRootedEnvelope, canonical(kRootedContent), store, now());
        QVERIFY2(keyId.ok(), qPrintable(keyId.ok() ? QString() : keyId.message()));
        QCOMPARE(keyId.value(), kRootId);

        // The header form is the base64 of the JSON.
        auto json = PackSignature::envelopeFromHeader(kRootedEnvelope.toBase64());
        QVERIFY(json.ok());
        QCOMPARE(json.value(), kRootedEnvelope);

        // Re-formatted but equivalent YAML still verifies: the signature covers the canonical form.
        const QByteArray reordered("version: \"1.0.0\"\nname:   rooted-trust\n\nkind: compliance");
        QVERIFY(PackSignature::verifyPack(kRootedEnvelope, canonical(reordered), store, now()).ok());
    }

    void unknownKeyIsNotTrusted()
    {
        const PackTrustStore store = PackTrustStore::withBuiltinRoots();
        const QByteArray env = kRootedEnvelope;
        QByteArray other = env;
        other.replace(kRootId.toLatin1(), "sha256:deadbeef");
        auto r = PackSignature::verifyPack(other, canonical(kRootedContent), store, now());
        QVERIFY(!r.ok());
        QCOMPARE(r.code(), ErrorCode::Integrity);
        QVERIFY2(r.message().startsWith(QLatin1String("key not trusted: sha256:deadbeef")), qPrintable(r.message()));
    }

    void rfc8032Vector()
    {
        auto signer = PackSigner::fromSeed(kSeed);
        QVERIFY(signer.ok());
        QCOMPARE(signer->keyId(), kSeedKeyId);
        QCOMPARE(signer->spki().toBase64(), QByteArray("MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
        const QByteArray pae = PackSignature::pae(PackTrustStore::kPackPayloadType, canonical(kTestPack));
        QCOMPARE(
            pae,
            QByteArray(
                R"(DSSEv1 35 application/vnd.assay.pack+yaml;v=1 49 {"name":"test-pack","rules":[],"version":"1.0.0"})"));
        QCOMPARE(
            signer->sign(pae).toBase64(),
            QByteArray("e1BpE6x4fL1+ZW4bizMrEV/5lr1McXI7t/zV/GWCAqrS5anqzy7UeQ+isara6XYdKaxyt/fJX6Yc3+Yt99ReAw=="));

        PackTrustStore store;
        QVERIFY(store.addRoots(signer->trustRootJson(QStringLiteral("test")), QStringLiteral("test")).ok());
        const QByteArray env = signer->envelope(canonical(kTestPack), PackTrustStore::kPackPayloadType);
        auto r = PackSignature::verifyPack(env, canonical(kTestPack), store, now());
        QVERIFY(r.ok());
        QCOMPARE(r.value(), kSeedKeyId);
    }

    void failures()
    {
        auto signer = PackSigner::fromSeed(kSeed);
        PackTrustStore store;
        QVERIFY(store.addRoots(signer->trustRootJson(QStringLiteral("test")), QStringLiteral("test")).ok());
        const QByteArray payload = canonical(kTestPack);
        const QByteArray env = signer->envelope(payload, PackTrustStore::kPackPayloadType);
        const auto expectFail = [&](const QByteArray& envelope, const QByteArray& content, const char* text) {
            auto r = PackSignature::verifyPack(envelope, content, store, now());
            QVERIFY2(!r.ok(), text);
            QCOMPARE(r.code(), ErrorCode::Integrity);
            QVERIFY2(r.message().contains(QLatin1String(text)), qPrintable(r.message()));
        };
        // Tampered content: the payload no longer matches.
        expectFail(env, canonical("name: test-pack\nversion: \"1.0.1\"\nrules: []"), "digest mismatch");
        // Wrong payload type.
        expectFail(signer->envelope(payload, "application/json"), payload, "payload type mismatch");
        // Payload swapped for another pack (signature no longer covers it).
        const QByteArray other = canonical("name: other\nversion: \"1.0.0\"");
        expectFail(reenvelope(env,
                              [&](QJsonObject& o) {
                                  o.insert(QStringLiteral("payload"), QString::fromLatin1(other.toBase64()));
                              }),
                   other, "ed25519 verification failed");
        // No signatures.
        expectFail(reenvelope(env, [](QJsonObject& o) { o.insert(QStringLiteral("signatures"), QJsonArray()); }),
                   payload, "no signatures in envelope");
        // An all-zero signature.
        expectFail(reenvelope(env,
                              [&](QJsonObject& o) {
                                  o.insert(
                                      QStringLiteral("signatures"),
                                      QJsonArray{QJsonObject{
                                          {QStringLiteral("keyid"), kSeedKeyId},
                                          {QStringLiteral("sig"), QString::fromLatin1(QByteArray(64, 0).toBase64())}}});
                              }),
                   payload, "ed25519 verification failed");
        // Not standard base64 (missing padding).
        expectFail(reenvelope(env,
                              [&](QJsonObject& o) {
                                  QString p = QString::fromLatin1(payload.toBase64());
                                  while (p.endsWith(u'=')) {
                                      p.chop(1);
                                  }
                                  o.insert(QStringLiteral("payload"), p);
                              }),
                   payload, "invalid base64 payload");
        // Refused before decoding: a 2 MiB payload.
        expectFail(reenvelope(env,
                              [](QJsonObject& o) {
                                  o.insert(QStringLiteral("payload"),
                                           QString::fromLatin1(QByteArray(2 << 20, 'a').toBase64()));
                              }),
                   payload, "ceiling");
        expectFail("not json", payload, "invalid DSSE envelope");
        auto header = PackSignature::envelopeFromHeader("!!!not base64");
        QVERIFY(!header.ok());
        QVERIFY(header.message().contains(QLatin1String("invalid base64 envelope")));
    }

    void payloadCeilingBoundary()
    {
        auto signer = PackSigner::fromSeed(kSeed);
        const QByteArray exact(PackSignature::kMaxPayloadBytes, 'x');
        QVERIFY(PackSignature::parse(signer->envelope(exact, "t")).ok());
        auto over = PackSignature::parse(signer->envelope(exact + 'x', "t"));
        QVERIFY(!over.ok());
        QVERIFY(over.message().contains(QLatin1String("ceiling")));
    }

    void rootValidation()
    {
        auto signer = PackSigner::fromSeed(kSeed);
        PackTrustStore store;
        QVERIFY(!store.addRoots("[]", QStringLiteral("x")).ok());
        QVERIFY(!store.addRoots("{}", QStringLiteral("x")).ok());
        QJsonObject k = keyJson(signer.value());
        QVERIFY(store.addRoots(QJsonDocument(QJsonArray{k, k}).toJson(), QStringLiteral("x"))
                    .message()
                    .contains(QLatin1String("duplicate root")));
        QJsonObject wrongId = k;
        wrongId.insert(QStringLiteral("key_id"), QStringLiteral("sha256:00"));
        QVERIFY(store.addRoots(QJsonDocument(QJsonArray{wrongId}).toJson(), QStringLiteral("x"))
                    .message()
                    .contains(QLatin1String("key_id mismatch")));
        QJsonObject revoked = k;
        revoked.insert(QStringLiteral("revoked"), true);
        QVERIFY(!store.addRoots(QJsonDocument(QJsonArray{revoked}).toJson(), QStringLiteral("x")).ok());
        QJsonObject rsa = k;
        rsa.insert(QStringLiteral("algorithm"), QStringLiteral("RSA"));
        QVERIFY(!store.addRoots(QJsonDocument(QJsonArray{rsa}).toJson(), QStringLiteral("x")).ok());
        QVERIFY(store.keys().isEmpty());

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("roots.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(signer->trustRootJson(QStringLiteral("dev")));
        f.close();
        QCOMPARE(store.addRootsFromFile(path).valueOr(0), 1);
        QVERIFY(store.keys().first().pinned);
        QCOMPARE(store.addRootsFromFile(dir.filePath(QStringLiteral("missing.json"))).code(), ErrorCode::InvalidInput);
    }

    void manifestMergeRevocationExpiry()
    {
        PackTrustStore store = PackTrustStore::withBuiltinRoots();
        QVERIFY(store.needsRefresh(now()));
        const PackSigner a = PackSigner::generate();
        const PackSigner b = PackSigner::generate();
        const PackSigner expired = PackSigner::generate();
        auto report = store.mergeManifest(
            manifest({keyJson(a), keyJson(b),
                      keyJson(expired, {{QStringLiteral("expires_at"), QStringLiteral("2026-01-01T00:00:00Z")}}),
                      QJsonObject{{QStringLiteral("key_id"), kRootId}, {QStringLiteral("revoked"), true}}}),
            now());
        QVERIFY(report.ok());
        QCOMPARE(report->added, 2);
        QCOMPARE(report->skipped, 1);
        QVERIFY(!store.needsRefresh(now()));
        QVERIFY(store.needsRefresh(now().addSecs(PackTrustStore::kDefaultKeysTtlSecs)));
        QVERIFY(store.verifyingKey(a.keyId(), now()).ok());
        QVERIFY(!store.verifyingKey(expired.keyId(), now()).ok());
        // A pinned root cannot be revoked remotely.
        QVERIFY(store.verifyingKey(kRootId, now()).ok());

        // Rotation: a newer manifest revokes a, keeps b (manifests merge).
        report = store.mergeManifest(
            manifest({QJsonObject{{QStringLiteral("key_id"), a.keyId()}, {QStringLiteral("revoked"), true}}},
                     QStringLiteral("2026-11-23T00:00:00Z")),
            now());
        QVERIFY(report.ok());
        QCOMPARE(report->revoked, 1);
        auto r = store.verifyingKey(a.keyId(), now());
        QVERIFY(!r.ok());
        QVERIFY(r.message().contains(QLatin1String("revoked")));
        QVERIFY(store.verifyingKey(b.keyId(), now()).ok());
        QVERIFY(store.needsRefresh(QDateTime(QDate(2026, 11, 23), QTime(0, 0), Qt::UTC)));

        // A key that expires later is refused once it has.
        const PackSigner shortLived = PackSigner::generate();
        QVERIFY(store
                    .mergeManifest(
                        manifest({keyJson(shortLived,
                                          {{QStringLiteral("expires_at"), QStringLiteral("2026-11-22T13:00:00Z")}})}),
                        now())
                    .ok());
        QVERIFY(store.verifyingKey(shortLived.keyId(), now()).ok());
        QVERIFY(!store.verifyingKey(shortLived.keyId(), now().addSecs(7200)).ok());

        // Mismatched key ids are skipped with a warning, never trusted.
        QJsonObject liar = keyJson(PackSigner::generate());
        liar.insert(QStringLiteral("key_id"), QString(b.keyId().left(20) + QStringLiteral("0000")));
        report = store.mergeManifest(manifest({liar}), now());
        QCOMPARE(report->skipped, 1);
        QVERIFY(report->warnings.first().contains(QLatin1String("key_id mismatch")));

        QVERIFY(!store.mergeManifest("not json", now()).ok());
    }

    void signedManifest()
    {
        auto root = PackSigner::fromSeed(kSeed);
        PackTrustStore store;
        QVERIFY(store.addRoots(root->trustRootJson(QStringLiteral("root")), QStringLiteral("test")).ok());
        const PackSigner leaf = PackSigner::generate();
        const QByteArray inner
            = QJsonDocument(QJsonObject{{QStringLiteral("keys"), QJsonArray{keyJson(leaf)}}}).toJson();
        const QByteArray env = root->envelope(inner, PackTrustStore::kKeysPayloadType);
        // Outer keys are ignored in favour of the signed payload.
        const QByteArray body
            = QJsonDocument(QJsonObject{{QStringLiteral("keys"), QJsonArray{keyJson(PackSigner::generate())}},
                                        {QStringLiteral("signature"), QJsonDocument::fromJson(env).object()}})
                  .toJson();
        auto report = store.mergeManifest(body, now());
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.message()));
        QVERIFY(report->signedManifest);
        QCOMPARE(report->signedBy, root->keyId());
        QCOMPARE(report->added, 1);
        QVERIFY(store.verifyingKey(leaf.keyId(), now()).ok());

        // Signed by a manifest key instead of a root: refused.
        const QByteArray byLeaf
            = QJsonDocument(
                  QJsonObject{{QStringLiteral("keys"), QJsonArray()},
                              {QStringLiteral("signature"),
                               QString::fromLatin1(leaf.envelope(inner, PackTrustStore::kKeysPayloadType).toBase64())}})
                  .toJson();
        auto refused = store.mergeManifest(byLeaf, now());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.code(), ErrorCode::Integrity);
    }

    void packSignedByManifestKey()
    {
        PackTrustStore store = PackTrustStore::withBuiltinRoots();
        const PackSigner key = PackSigner::generate();
        const QByteArray env = key.envelope(canonical(kTestPack), PackTrustStore::kPackPayloadType);
        QVERIFY(!PackSignature::verifyPack(env, canonical(kTestPack), store, now()).ok());
        QVERIFY(store.mergeManifest(manifest({keyJson(key)}), now()).ok());
        QCOMPARE(PackSignature::verifyPack(env, canonical(kTestPack), store, now()).value(), key.keyId());
    }

    void pemRoundTrip()
    {
        const PackSigner key = PackSigner::generate();
        auto again = PackSigner::fromPem(key.privateKeyPem());
        QVERIFY(again.ok());
        QCOMPARE(again->keyId(), key.keyId());
        QVERIFY(!PackSigner::fromPem("garbage").ok());
    }
};

QTEST_GUILESS_MAIN(TestPackTrust)
#include "tst_packtrust.moc"
