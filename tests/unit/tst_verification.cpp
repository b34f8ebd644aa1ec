// SPDX-License-Identifier: MIT
#include <cache/Cache.h>
#include <cache/IngestFile.h>
#include <core/SemVer.h>
#include <core/Sha256.h>
#include <trust/Dsse.h>
#include <trust/Verification.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>

using namespace dist;

namespace {

// A throwaway Ed25519 key pair made with OpenSSL for the test.
struct KeyPair
{
    EVP_PKEY* key = nullptr;
    KeyPair()
    {
        EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
        EVP_PKEY_keygen_init(ctx);
        EVP_PKEY_keygen(ctx, &key);
        EVP_PKEY_CTX_free(ctx);
    }
    ~KeyPair() { EVP_PKEY_free(key); }
    QString publicPem() const
    {
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PUBKEY(bio, key);
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio, &data);
        const QString pem = QString::fromLatin1(data, static_cast<qsizetype>(len));
        BIO_free(bio);
        return pem;
    }
    QString keyId() const { return Ed25519::greenticKeyId(Ed25519::rawPublicKey(publicPem()).value()); }
    QByteArray sign(const QByteArray& message) const
    {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key);
        QByteArray sig(64, Qt::Uninitialized);
        size_t len = 64;
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(message.constData()),
                       static_cast<size_t>(message.size()));
        EVP_MD_CTX_free(ctx);
        return sig;
    }
    TrustedKey trusted() const { return TrustedKey{keyId(), publicPem()}; }
};

QByteArray statementFor(const Digest& d)
{
    return QJsonDocument(
               QJsonObject{{QStringLiteral("_type"), QStringLiteral("https://in-toto.io/Statement/v1")},
                           {QStringLiteral("predicateType"), QStringLiteral("https://slsa.dev/provenance/v1")},
                           {QStringLiteral("subject"),
                            QJsonArray{QJsonObject{
                                {QStringLiteral("name"), QStringLiteral("component.wasm")},
                                {QStringLiteral("digest"), QJsonObject{{QStringLiteral("sha256"), d.hex()}}}}}}})
        .toJson(QJsonDocument::Compact);
}

QByteArray envelopeJson(const QByteArray& payload, const QList<QPair<QString, QByteArray>>& signatures,
                        const QString& type = QStringLiteral("application/vnd.in-toto+json"))
{
    QJsonArray sigs;
    for (const auto& s : signatures) {
        sigs.append(QJsonObject{{QStringLiteral("keyid"), s.first},
                                {QStringLiteral("sig"), QString::fromLatin1(s.second.toBase64())}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("payloadType"), type},
                                     {QStringLiteral("payload"), QString::fromLatin1(payload.toBase64())},
                                     {QStringLiteral("signatures"), sigs}})
        .toJson(QJsonDocument::Compact);
}

QByteArray signedEnvelope(const KeyPair& k, const Digest& d)
{
    const QByteArray payload = statementFor(d);
    return envelopeJson(
        payload, {{k.keyId(), k.sign(DsseEnvelope::pae(QStringLiteral("application/vnd.in-toto+json"), payload))}});
}

const VerificationCheck& check(const VerificationReport& r, const QString& name)
{
    for (const VerificationCheck& c : r.checks) {
        if (c.name == name) {
            return c;
        }
    }
    qFatal("no check");
}

} // namespace

class TestVerification : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Cache m_cache{QString()};
    CacheEntry m_entry;

private Q_SLOTS:
    void init()
    {
        m_cache = Cache(m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction())));
        auto ingest = IngestFile::openTemporary(m_cache.ingestDir());
        QVERIFY((*ingest)->write("component-bytes"));
        CacheEntry e;
        e.digest = (*ingest)->finish().value();
        e.sizeBytes = 15;
        e.mediaType = QStringLiteral("application/wasm");
        e.canonicalRef = QStringLiteral("oci://ghcr.io/o/x@") + e.digest.toString();
        m_entry = m_cache.commit(**ingest, e).value();
    }

    void dsseValidEnvelopeVerifies()
    {
        KeyPair k;
        auto env = DsseEnvelope::parse(signedEnvelope(k, m_entry.digest));
        QVERIFY(env);
        auto r = verifyGreenticDsse(env.value(), {k.trusted()}, m_entry.digest);
        QVERIFY2(r, qPrintable(r ? QString() : r.message()));
        QCOMPARE(r.value(), k.keyId());
        QCOMPARE(k.keyId().size(), 32);
        // key ids match case-insensitively
        TrustedKey upper = k.trusted();
        upper.keyId = upper.keyId.toUpper();
        QVERIFY(verifyGreenticDsse(env.value(), {upper}, m_entry.digest));
    }

    void dsseTamperedPayloadFails()
    {
        KeyPair k;
        const QByteArray payload = statementFor(m_entry.digest);
        const QByteArray sig = k.sign(DsseEnvelope::pae(QStringLiteral("application/vnd.in-toto+json"), payload));
        QByteArray tampered = payload;
        tampered.replace("component.wasm", "component.WASM");
        auto env = DsseEnvelope::parse(envelopeJson(tampered, {{k.keyId(), sig}}));
        QVERIFY(env);
        QVERIFY(!verifyGreenticDsse(env.value(), {k.trusted()}, m_entry.digest));
    }

    void dsseWrongKeyFails()
    {
        KeyPair signer;
        KeyPair other;
        auto env = DsseEnvelope::parse(signedEnvelope(signer, m_entry.digest));
        QVERIFY(env);
        QVERIFY(!verifyGreenticDsse(env.value(), {other.trusted()}, m_entry.digest));
        // the right key id but another key's material
        TrustedKey spoof{signer.keyId(), other.publicPem()};
        QVERIFY(!verifyGreenticDsse(env.value(), {spoof}, m_entry.digest));
    }

    void dsseWrongSubjectFails()
    {
        KeyPair k;
        auto env = DsseEnvelope::parse(signedEnvelope(k, Sha256::hash("something else")));
        auto r = verifyGreenticDsse(env.value(), {k.trusted()}, m_entry.digest);
        QVERIFY(!r);
        QVERIFY(r.message().contains(QLatin1String("subject")));
    }

    void dsseMalformed_data()
    {
        QTest::addColumn<QByteArray>("json");
        KeyPair k;
        const QByteArray good = signedEnvelope(k, Sha256::hash("x"));
        QTest::newRow("malformed base64 payload") << QByteArray(good).replace("\"payload\":\"", "\"payload\":\"!!");
        QTest::newRow("malformed base64 sig") << QByteArray(good).replace("\"sig\":\"", "\"sig\":\"$");
        QTest::newRow("empty signature list") << envelopeJson("{}", {});
        QTest::newRow("not json") << QByteArray("nope");
        QTest::newRow("no payloadType") << QByteArray(R"({"payload":"e30=","signatures":[]})");
        QTest::newRow("sig not a string")
            << QByteArray(R"({"payloadType":"x","payload":"e30=","signatures":[{"sig":1}]})");
    }
    void dsseMalformed()
    {
        QFETCH(QByteArray, json);
        auto env = DsseEnvelope::parse(json);
        QVERIFY(!env);
        QCOMPARE(env.code(), ErrorCode::Integrity);
        QVERIFY(env.message().startsWith(QLatin1String("malformed DSSE envelope")));
    }

    void paeIsExact()
    {
        QCOMPARE(DsseEnvelope::pae(QStringLiteral("http://example.com/HelloWorld"), "hello world"),
                 QByteArray("DSSEv1 29 http://example.com/HelloWorld 11 hello world"));
    }

    void signedArtifactPassesWithTrustedKey()
    {
        KeyPair k;
        m_entry.annotations.insert(QStringLiteral("dev.greentic.dsse"),
                                   QString::fromLatin1(signedEnvelope(k, m_entry.digest).toBase64()));
        m_entry.annotations.insert(QStringLiteral("issuer"), QStringLiteral("greentic"));
        VerificationPolicy policy;
        policy.trustedKeys = {k.trusted()};
        policy.requireSignature = true;
        policy.environment = Environment::Prod;
        const VerificationReport r = Verifier::verify(m_cache, m_entry, policy, nullptr);
        QCOMPARE(check(r, QStringLiteral("signature_verified")).outcome, CheckOutcome::Passed);
        QCOMPARE(check(r, QStringLiteral("signature_present")).outcome, CheckOutcome::Passed);
        QCOMPARE(check(r, QStringLiteral("content_digest_match")).outcome, CheckOutcome::Passed);
        QVERIFY(r.passed);
        // verification is recorded in entry.json
        auto stored = m_cache.stat(m_entry.digest);
        QVERIFY(stored->lastVerifiedAt.has_value());
        QCOMPARE(stored->signatureSummary->outcome, QStringLiteral("passed"));
    }

    void badSignatureIsAFailureNotAWarning()
    {
        KeyPair signer;
        KeyPair trusted;
        m_entry.annotations.insert(QStringLiteral("dev.greentic.dsse"),
                                   QString::fromLatin1(signedEnvelope(signer, m_entry.digest).toBase64()));
        VerificationPolicy policy; // Dev, signatures not required
        policy.trustedKeys = {trusted.trusted()};
        const VerificationReport r = Verifier::verify(m_cache, m_entry, policy, nullptr);
        QCOMPARE(check(r, QStringLiteral("signature_verified")).outcome, CheckOutcome::Failed);
        QVERIFY(!r.passed);
        QCOMPARE(r.toError().code, ErrorCode::Integrity);
    }

    void malformedEnvelopeIsNotUnsigned()
    {
        m_entry.annotations.insert(QStringLiteral("dev.greentic.dsse"), QStringLiteral("%%%not-base64"));
        const VerificationReport r = Verifier::verify(m_cache, m_entry, VerificationPolicy{}, nullptr);
        QCOMPARE(check(r, QStringLiteral("signature_verified")).outcome, CheckOutcome::Failed);
        QVERIFY(!r.passed);
    }

    void unsignedDevWarnsProdFails()
    {
        VerificationPolicy policy;
        policy.requireSignature = true;
        VerificationReport dev = Verifier::verify(m_cache, m_entry, policy, nullptr);
        QCOMPARE(check(dev, QStringLiteral("signature_present")).outcome, CheckOutcome::Warning);
        QCOMPARE(check(dev, QStringLiteral("signature_verified")).outcome, CheckOutcome::Warning);
        QVERIFY(dev.passed);
        policy.environment = Environment::Prod;
        VerificationReport prod = Verifier::verify(m_cache, m_entry, policy, nullptr);
        QCOMPARE(check(prod, QStringLiteral("signature_present")).outcome, CheckOutcome::Failed);
        QVERIFY(!prod.passed);
        // without requirements, unsigned is skipped
        QCOMPARE(check(Verifier::verify(m_cache, m_entry, VerificationPolicy{}, nullptr),
                       QStringLiteral("signature_verified"))
                     .outcome,
                 CheckOutcome::Skipped);
    }

    void checksInOrder()
    {
        const VerificationReport r = Verifier::verify(m_cache, m_entry, VerificationPolicy{}, nullptr);
        QStringList names;
        for (const VerificationCheck& c : r.checks) {
            names << c.name;
        }
        QCOMPARE(names,
                 (QStringList{QStringLiteral("digest_allowed"), QStringLiteral("media_type_allowed"),
                              QStringLiteral("issuer_allowed"), QStringLiteral("operator_version_compatible"),
                              QStringLiteral("content_digest_match"), QStringLiteral("signature_present"),
                              QStringLiteral("signature_verified"), QStringLiteral("sbom_present")}));
        QCOMPARE(check(r, QStringLiteral("issuer_allowed")).detail, QStringLiteral("issuer metadata is missing"));
        QVERIFY(r.passed);
        QVERIFY(r.policyFingerprint.startsWith(QLatin1String("sha256:")));
    }

    void denyListsAndAllowlist()
    {
        VerificationPolicy policy;
        policy.denyDigests = {m_entry.digest.toString()};
        QCOMPARE(check(Verifier::verify(m_cache, m_entry, policy, nullptr), QStringLiteral("digest_allowed")).outcome,
                 CheckOutcome::Failed);
        policy = VerificationPolicy{};
        policy.allowedMediaTypes = {QStringLiteral("application/vnd.wasm.component.v1+wasm")};
        QCOMPARE(
            check(Verifier::verify(m_cache, m_entry, policy, nullptr), QStringLiteral("media_type_allowed")).outcome,
            CheckOutcome::Failed);
        policy.allowedMediaTypes << QStringLiteral("application/wasm");
        QCOMPARE(
            check(Verifier::verify(m_cache, m_entry, policy, nullptr), QStringLiteral("media_type_allowed")).outcome,
            CheckOutcome::Passed);
        m_entry.annotations.insert(QStringLiteral("issuer"), QStringLiteral("mallory"));
        policy.denyIssuers = {QStringLiteral("mallory")};
        QCOMPARE(check(Verifier::verify(m_cache, m_entry, policy, nullptr), QStringLiteral("issuer_allowed")).outcome,
                 CheckOutcome::Failed);
        policy.denyIssuers.clear();
        policy.trustedIssuers = {QStringLiteral("greentic")};
        QCOMPARE(check(Verifier::verify(m_cache, m_entry, policy, nullptr), QStringLiteral("issuer_allowed")).outcome,
                 CheckOutcome::Warning);
    }

    void newerAdvisoryDeniesCachedArtifact()
    {
        QVERIFY(Verifier::verify(m_cache, m_entry, VerificationPolicy{}, nullptr).passed);
        auto advisory = AdvisorySet::fromJson(QStringLiteral(R"({"version":"7","issued_at":"2026-11-01T00:00:00Z",)"
                                                             R"("deny_digests":["%1"]})")
                                                  .arg(m_entry.digest.toString())
                                                  .toUtf8(),
                                              QStringLiteral("test"));
        QVERIFY(advisory);
        const VerificationReport r = Verifier::verify(m_cache, m_entry, VerificationPolicy{}, &advisory.value());
        QVERIFY(!r.passed);
        QCOMPARE(r.advisoryVersion, QStringLiteral("7"));
        QCOMPARE(*m_cache.stat(m_entry.digest)->advisoryEpoch, quint64(7));
    }

    void operatorVersion()
    {
        m_entry.annotations.insert(QStringLiteral("operator_version"), QStringLiteral("1.2.0"));
        VerificationPolicy policy;
        policy.minimumOperatorVersion = QStringLiteral("1.10.0");
        QCOMPARE(
            check(Verifier::verify(m_cache, m_entry, policy, nullptr), QStringLiteral("operator_version_compatible"))
                .outcome,
            CheckOutcome::Warning);
        policy.environment = Environment::Staging;
        QCOMPARE(
            check(Verifier::verify(m_cache, m_entry, policy, nullptr), QStringLiteral("operator_version_compatible"))
                .outcome,
            CheckOutcome::Failed);
        m_entry.annotations.insert(QStringLiteral("operator_version"), QStringLiteral("1.10.0"));
        QCOMPARE(
            check(Verifier::verify(m_cache, m_entry, policy, nullptr), QStringLiteral("operator_version_compatible"))
                .outcome,
            CheckOutcome::Passed);
        QVERIFY(SemVer::compare(*SemVer::parse(QStringLiteral("1.0.0-alpha")), *SemVer::parse(QStringLiteral("1.0.0")))
                < 0);
        QVERIFY(SemVer::compare(*SemVer::parse(QStringLiteral("1.0.0-alpha.1")),
                                *SemVer::parse(QStringLiteral("1.0.0-alpha.beta")))
                < 0);
        QVERIFY(
            SemVer::compare(*SemVer::parse(QStringLiteral("1.0.0+build.1")), *SemVer::parse(QStringLiteral("1.0.0")))
            == 0);
        QVERIFY(!SemVer::parse(QStringLiteral("1.0")));
        QVERIFY(!SemVer::parse(QStringLiteral("01.0.0")));
    }

    void alteredBlobFailsAndIsMarkedCorrupt()
    {
        QFile blob(m_cache.blobPath(m_entry.digest));
        QVERIFY(blob.open(QIODevice::WriteOnly | QIODevice::Truncate));
        blob.write("altered-bytes!!");
        blob.close();
        const VerificationReport r = Verifier::verify(m_cache, m_entry, VerificationPolicy{}, nullptr);
        QCOMPARE(check(r, QStringLiteral("content_digest_match")).outcome, CheckOutcome::Failed);
        QVERIFY(r.toError().message.contains(QLatin1String("content_digest_match")));
        QCOMPARE(m_cache.stat(m_entry.digest)->state, EntryState::Corrupt);
    }

    void policyJson()
    {
        KeyPair k;
        const QByteArray json
            = QJsonDocument(QJsonObject{{QStringLiteral("require_signature"), true},
                                        {QStringLiteral("trusted_keys"),
                                         QJsonArray{QJsonObject{{QStringLiteral("key_id"), k.keyId()},
                                                                {QStringLiteral("public_key_pem"), k.publicPem()}}}},
                                        {QStringLiteral("environment"), QStringLiteral("Prod")}})
                  .toJson();
        auto p = VerificationPolicy::fromJson(json);
        QVERIFY(p);
        QVERIFY(p->requireSignature);
        QCOMPARE(p->environment, Environment::Prod);
        QCOMPARE(p->trustedKeys.size(), 1);
        QCOMPARE(p->fingerprint(), VerificationPolicy::fromJson(json)->fingerprint());
        QVERIFY(p->fingerprint() != VerificationPolicy{}.fingerprint());
        QCOMPARE(VerificationPolicy::fromJson("{\"environment\":\"Moon\"}").code(), ErrorCode::InvalidInput);
        QCOMPARE(VerificationPolicy::fromJson("{\"deny_digests\":\"x\"}").code(), ErrorCode::InvalidInput);
        QCOMPARE(VerificationPolicy::fromJson("[]").code(), ErrorCode::InvalidInput);
    }
};

QTEST_GUILESS_MAIN(TestVerification)
#include "tst_verification.moc"
