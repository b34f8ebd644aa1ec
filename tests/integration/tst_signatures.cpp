// SPDX-License-Identifier: MIT
// cosign key-based signatures and OCI 1.1 referrers against a real docker-registry (which has only
// the referrers tag schema; the API is served by a small test server in tst_referrersapi). Keys
// and signatures are made here with OpenSSL: ECDSA P-256 (cosign's default) and Ed25519, the
// classic `sha256-<hex>.sig` tag layout and a signature that is a referrer. Every case runs the
// real greentic-dist binary.
#include "CliRunner.h"
#include "OciLayout.h"
#include "ScriptedServer.h"
#include "TestRegistry.h"

#include <core/Base64.h>
#include <core/Sha256.h>
#include <oci/OciManifest.h>
#include <trust/CosignSignature.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstring>
#include <memory>

using namespace dist;
using namespace dist::test;

namespace {

// A key pair made for the test: the public half as PEM, and a signer.
class TestKey
{
public:
    explicit TestKey(const char* type)
        : m_key(std::strcmp(type, "EC") == 0 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")
                                             : EVP_PKEY_Q_keygen(nullptr, nullptr, type),
                EVP_PKEY_free)
        , m_ed25519(std::strcmp(type, "ED25519") == 0)
    {
    }
    QByteArray publicPem() const
    {
        std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free);
        PEM_write_bio_PUBKEY(bio.get(), m_key.get());
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio.get(), &data);
        return QByteArray(data, int(len));
    }
    QByteArray sign(const QByteArray& message) const
    {
        std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        EVP_DigestSignInit(ctx.get(), nullptr, m_ed25519 ? nullptr : EVP_sha256(), nullptr, m_key.get());
        size_t len = 0;
        const auto* msg = reinterpret_cast<const unsigned char*>(message.constData());
        EVP_DigestSign(ctx.get(), nullptr, &len, msg, size_t(message.size()));
        QByteArray sig(qsizetype(len), '\0');
        EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, msg, size_t(message.size()));
        sig.resize(qsizetype(len));
        return sig;
    }

private:
    std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> m_key;
    bool m_ed25519;
};

QByteArray simpleSigning(const QString& repository, const Digest& manifest)
{
    return QStringLiteral("{\"critical\":{\"identity\":{\"docker-reference\":\"%1\"},\"image\":{\"docker-manifest-"
                          "digest\":\"%2\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
        .arg(repository, manifest.toString())
        .toUtf8();
}

} // namespace

class TestSignatures : public QObject
{
    Q_OBJECT

    TestRegistry m_registry;
    QTemporaryDir m_work;
    TestKey m_ecdsa{"EC"};
    TestKey m_other{"EC"};
    TestKey m_ed25519{"ED25519"};
    QString m_ecdsaPub;
    QString m_otherPub;
    QString m_edPub;
    QMap<QString, OciDescriptor> m_manifests; // repository -> its component's manifest
    int m_layouts = 0;
    int m_caches = 0;

    QString path(const QString& name) const { return m_work.filePath(name); }
    CliRunner runner() { return CliRunner(m_work.filePath(QStringLiteral("cache-%1").arg(++m_caches))); }
    QString ref(const QString& repository) const
    {
        return m_registry.host() + u'/' + repository + QStringLiteral(":1");
    }
    QString writeFile(const QString& name, const QByteArray& bytes) const
    {
        QFile f(path(name));
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(bytes);
        return f.fileName();
    }

    void pushComponent(const QString& repository)
    {
        OciLayout layout(path(QStringLiteral("layout-%1").arg(++m_layouts)));
        const QByteArray content = QByteArray("\0asm\x0d\0\x01\0", 8) + repository.toUtf8().repeated(1000);
        const OciDescriptor layer = layout.addBlob(content, QStringLiteral("application/vnd.wasm.component.v1+wasm"));
        const OciDescriptor manifest
            = layout.addManifest({layer}, {}, QStringLiteral("application/vnd.greentic.component.v1"));
        layout.tag(QStringLiteral("1"), manifest);
        layout.finish();
        const QString pushed = m_registry.push(layout.dir(), QStringLiteral("1"), repository);
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        m_manifests.insert(repository, manifest);
    }
    // A signature manifest for `signed_`, its payload naming `named`, pushed to `repository` under
    // the .sig tag or as a referrer (the tag-schema index the registry needs for it).
    void pushSignature(const QString& repository, const OciDescriptor& signed_, const Digest& named, const TestKey& key,
                       bool asReferrer)
    {
        OciLayout layout(path(QStringLiteral("layout-%1").arg(++m_layouts)));
        const QByteArray payload = simpleSigning(m_registry.host() + u'/' + repository, named);
        OciDescriptor layer = layout.addBlob(payload, Cosign::SimpleSigningLayer);
        layer.annotations.insert(Cosign::SignatureAnnotation, QString::fromLatin1(key.sign(payload).toBase64()));
        if (!asReferrer) {
            const OciDescriptor sig = layout.addManifest({layer}, {}, QString());
            layout.tag(QStringLiteral("sig"), sig);
            layout.finish();
            const QString pushed = m_registry.push(layout.dir(), QStringLiteral("sig"), repository,
                                                   Cosign::signatureTag(signed_.digest));
            QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
            return;
        }
        OciDescriptor sig = layout.addManifest({layer}, {}, Cosign::SignatureArtifactType, signed_);
        sig.artifactType = Cosign::SignatureArtifactType;
        layout.tag(QStringLiteral("referrers"), layout.addIndex({sig}));
        layout.finish();
        // Not with --preserve-digests: skopeo 1.9 re-encodes an index whose entries carry artifactType.
        // The index's own digest does not matter (it is found by its tag); the signature manifest
        // inside is copied as it is.
        QProcess skopeo;
        skopeo.start(
            QStringLiteral("skopeo"),
            {QStringLiteral("copy"), QStringLiteral("--quiet"), QStringLiteral("--all"),
             QStringLiteral("--dest-tls-verify=false"), QStringLiteral("oci:%1:referrers").arg(layout.dir()),
             QStringLiteral("docker://%1/%2:sha256-%3").arg(m_registry.host(), repository, signed_.digest.hex())});
        QVERIFY(skopeo.waitForFinished(120000));
        QVERIFY2(skopeo.exitCode() == 0, skopeo.readAllStandardError().constData());
    }

    static QJsonObject json(const CliResult& r) { return QJsonDocument::fromJson(r.out).object(); }
    static int entries(const CliRunner& cli)
    {
        return int(QJsonDocument::fromJson(
                       cli.run({QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("ls")}).out)
                       .array()
                       .size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString started = m_registry.start();
        if (!started.isEmpty()) {
            QFAIL(qPrintable(started));
        }
        m_ecdsaPub = writeFile(QStringLiteral("ecdsa.pub"), m_ecdsa.publicPem());
        m_otherPub = writeFile(QStringLiteral("other.pub"), m_other.publicPem());
        m_edPub = writeFile(QStringLiteral("ed25519.pub"), m_ed25519.publicPem());
        for (const QString& repo : {QStringLiteral("org/signed"), QStringLiteral("org/ed"), QStringLiteral("org/plain"),
                                    QStringLiteral("org/misdirected"), QStringLiteral("org/referred")}) {
            pushComponent(repo);
        }
        const OciDescriptor signed_ = m_manifests.value(QStringLiteral("org/signed"));
        pushSignature(QStringLiteral("org/signed"), signed_, signed_.digest, m_ecdsa, false);
        const OciDescriptor ed = m_manifests.value(QStringLiteral("org/ed"));
        pushSignature(QStringLiteral("org/ed"), ed, ed.digest, m_ed25519, false);
        // A good signature, by the right key, of another image: replayed here it proves nothing.
        pushSignature(QStringLiteral("org/misdirected"), m_manifests.value(QStringLiteral("org/misdirected")),
                      signed_.digest, m_ecdsa, false);
        const OciDescriptor referred = m_manifests.value(QStringLiteral("org/referred"));
        pushSignature(QStringLiteral("org/referred"), referred, referred.digest, m_ecdsa, true);
    }

    void verifiesEcdsaAndEd25519Signatures()
    {
        const CliRunner cli = runner();
        CliResult r = cli.run({QStringLiteral("--verify-signature"), m_ecdsaPub, QStringLiteral("pull"),
                               ref(QStringLiteral("org/signed"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli.run(
            {QStringLiteral("--verify-signature"), m_edPub, QStringLiteral("pull"), ref(QStringLiteral("org/ed"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // Any of several keys will do.
        r = cli.run({QStringLiteral("--verify-signature"), m_otherPub, QStringLiteral("--verify-signature"), m_edPub,
                     QStringLiteral("resolve"), ref(QStringLiteral("org/ed"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.trimmed(), m_manifests.value(QStringLiteral("org/ed")).digest.toString().toLatin1());
        // The entry records which key passed.
        const CliResult ls = cli.run(
            {QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--long")});
        QByteArray summaries;
        for (const QJsonValue& v : QJsonDocument::fromJson(ls.out).array()) {
            QFile entry(QFileInfo(v.toObject().value(QStringLiteral("local_path")).toString())
                            .dir()
                            .filePath(QStringLiteral("entry.json")));
            QVERIFY(entry.open(QIODevice::ReadOnly));
            summaries += entry.readAll();
        }
        QVERIFY2(summaries.contains("cosign ECDSA P-256 key") && summaries.contains("cosign Ed25519 key"),
                 summaries.constData());
        // Offline, the signature the pull kept is enough.
        r = cli.run({QStringLiteral("--offline"), QStringLiteral("--verify-signature"), m_ecdsaPub,
                     QStringLiteral("pull"),
                     m_registry.host() + QStringLiteral("/org/signed@")
                         + m_manifests.value(QStringLiteral("org/signed")).digest.toString()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void refusesWhatIsNotSignedByTheKey_data()
    {
        QTest::addColumn<QString>("repository");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("says");
        QTest::newRow("wrong key") << QStringLiteral("org/signed") << QStringLiteral("other")
                                   << QStringLiteral("does not verify with");
        QTest::newRow("Ed25519 key for a P-256 signature")
            << QStringLiteral("org/signed") << QStringLiteral("ed25519") << QStringLiteral("does not verify with");
        QTest::newRow("payload names another digest")
            << QStringLiteral("org/misdirected") << QStringLiteral("ecdsa") << QStringLiteral("is for sha256:");
        QTest::newRow("no signature") << QStringLiteral("org/plain") << QStringLiteral("ecdsa")
                                      << QStringLiteral("no cosign signature found");
    }
    void refusesWhatIsNotSignedByTheKey()
    {
        QFETCH(QString, repository);
        QFETCH(QString, key);
        QFETCH(QString, says);
        const QString keyFile = key == u"other" ? m_otherPub : key == u"ed25519" ? m_edPub : m_ecdsaPub;
        const CliRunner cli = runner();
        for (const QString& command : {QStringLiteral("pull"), QStringLiteral("resolve")}) {
            const CliResult r = cli.run({QStringLiteral("--verify-signature"), keyFile, command, ref(repository)});
            QVERIFY2(r.exitCode == 6, r.err.constData());
            QVERIFY2(r.err.contains(says.toUtf8()), r.err.constData());
        }
        // Checked before the download: nothing unsigned took space.
        QCOMPARE(entries(cli), 0);
        // A staged bundle is held to the same key.
        const CliResult staged = cli.run({QStringLiteral("--verify-signature"), keyFile, QStringLiteral("bundle"),
                                          QStringLiteral("stage"), ref(repository)});
        QVERIFY2(staged.exitCode == 6, staged.err.constData());
    }

    void aPolicyCanRequireTheSignature()
    {
        const CliRunner cli = runner();
        QJsonObject policy{
            {QStringLiteral("cosign_public_keys"), QJsonArray{QString::fromLatin1(m_ecdsa.publicPem())}}};
        const QString file = writeFile(QStringLiteral("policy.json"), QJsonDocument(policy).toJson());
        CliResult r = cli.run({QStringLiteral("bundle"), QStringLiteral("stage"), ref(QStringLiteral("org/signed")),
                               QStringLiteral("--policy"), file});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli.run({QStringLiteral("bundle"), QStringLiteral("stage"), ref(QStringLiteral("org/plain")),
                     QStringLiteral("--policy"), file});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("no cosign signature found"), r.err.constData());
        policy.insert(QStringLiteral("cosign_public_keys"), QJsonArray{QStringLiteral("not a key")});
        const QString bad = writeFile(QStringLiteral("bad-policy.json"), QJsonDocument(policy).toJson());
        r = cli.run({QStringLiteral("bundle"), QStringLiteral("stage"), ref(QStringLiteral("org/signed")),
                     QStringLiteral("--policy"), bad});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cosign_public_keys[0]"), r.err.constData());
    }

    void offlineWithoutTheSignatureIsRefused()
    {
        const CliRunner cli = runner();
        QCOMPARE(cli.run({QStringLiteral("pull"), ref(QStringLiteral("org/signed"))}).exitCode, 0); // no key: not kept
        const CliResult r = cli.run({QStringLiteral("--offline"), QStringLiteral("--verify-signature"), m_ecdsaPub,
                                     QStringLiteral("pull"),
                                     m_registry.host() + QStringLiteral("/org/signed@")
                                         + m_manifests.value(QStringLiteral("org/signed")).digest.toString()});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains("offline"), r.err.constData());
    }

    void badKeyFilesAreRefused()
    {
        const CliRunner cli = runner();
        const QString notAKey = writeFile(QStringLiteral("not-a-key.pub"), "hello");
        std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048)),
                                                           EVP_PKEY_free);
        std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free);
        PEM_write_bio_PUBKEY(bio.get(), rsa.get());
        char* data = nullptr;
        const long len = BIO_get_mem_data(bio.get(), &data);
        const QString rsaPub = writeFile(QStringLiteral("rsa.pub"), QByteArray(data, int(len)));
        for (const auto& [file, says] : {std::pair{path(QStringLiteral("missing.pub")), QStringLiteral("cannot read")},
                                         std::pair{notAKey, QStringLiteral("not a PEM public key")},
                                         std::pair{rsaPub, QStringLiteral("not an ECDSA P-256 or Ed25519")}}) {
            const CliResult r = cli.run({QStringLiteral("--verify-signature"), file, QStringLiteral("pull"),
                                         ref(QStringLiteral("org/signed"))});
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(says.toUtf8()), r.err.constData());
        }
    }

    void referrersThroughTheTagSchema()
    {
        const CliRunner cli = runner();
        const QString referred = ref(QStringLiteral("org/referred"));
        CliResult r = cli.run({QStringLiteral("--json"), QStringLiteral("referrers"), referred});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject o = json(r);
        QCOMPARE(o.value(QStringLiteral("source")).toString(), QStringLiteral("tag-schema"));
        QCOMPARE(o.value(QStringLiteral("subject")).toString(),
                 m_manifests.value(QStringLiteral("org/referred")).digest.toString());
        QJsonArray list = o.value(QStringLiteral("referrers")).toArray();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().toObject().value(QStringLiteral("artifact_type")).toString(),
                 Cosign::SignatureArtifactType);
        r = cli.run({QStringLiteral("--json"), QStringLiteral("referrers"), referred, QStringLiteral("--artifact-type"),
                     QStringLiteral("application/spdx+json")});
        QCOMPARE(json(r).value(QStringLiteral("referrers")).toArray().size(), 0);
        // A signature that is a referrer is found too.
        r = cli.run({QStringLiteral("--verify-signature"), m_ecdsaPub, QStringLiteral("pull"), referred});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // No referrers at all: an empty list, not an error.
        r = cli.run({QStringLiteral("--json"), QStringLiteral("referrers"), ref(QStringLiteral("org/plain"))});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(json(r).value(QStringLiteral("referrers")).toArray().size(), 0);
    }

    void pullWithReferrersLinksThemAndExportCarriesThem()
    {
        const CliRunner cli = runner();
        const QString referred = ref(QStringLiteral("org/referred"));
        CliResult r
            = cli.run({QStringLiteral("--json"), QStringLiteral("pull"), referred, QStringLiteral("--with-referrers")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value(QStringLiteral("referrers")).toArray().size(), 1);
        QCOMPARE(entries(cli), 2);
        // The subject's signature is checked; its referrers (the signature itself) are not signed.
        r = runner().run({QStringLiteral("--verify-signature"), m_ecdsaPub, QStringLiteral("--json"),
                          QStringLiteral("pull"), referred, QStringLiteral("--with-referrers")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // Offline, the cache answers which referrers it holds.
        r = cli.run({QStringLiteral("--offline"), QStringLiteral("--json"), QStringLiteral("referrers"),
                     m_registry.host() + QStringLiteral("/org/referred@")
                         + m_manifests.value(QStringLiteral("org/referred")).digest.toString()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value(QStringLiteral("source")).toString(), QStringLiteral("cache"));
        QCOMPARE(json(r).value(QStringLiteral("referrers")).toArray().size(), 1);
        // Exporting the artifact takes its referrer along; the far side checks the signature offline.
        const CliResult digest = cli.run({QStringLiteral("--offline"), QStringLiteral("resolve"),
                                          m_registry.host() + QStringLiteral("/org/referred@")
                                              + m_manifests.value(QStringLiteral("org/referred")).digest.toString()});
        r = cli.run({QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("export"),
                     QString::fromLatin1(digest.out.trimmed()), QStringLiteral("--to"),
                     path(QStringLiteral("referred-export"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value(QStringLiteral("artifacts")).toArray().size(), 2);
    }

    void referrersApiAndItsFilter()
    {
        // A registry with the OCI 1.1 referrers API (Debian's docker-registry has none): scripted.
        ScriptedServer server;
        QVERIFY(server.start() != 0);
        const QString repo = QStringLiteral("127.0.0.1:%1/org/app").arg(server.port());
        const QByteArray empty = "{}";
        const QByteArray layer = QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(5000, 'a');
        auto descriptor = [](const QString& mediaType, const QByteArray& bytes) {
            return QJsonObject{{QStringLiteral("mediaType"), mediaType},
                               {QStringLiteral("digest"), Sha256::hash(bytes).toString()},
                               {QStringLiteral("size"), bytes.size()}};
        };
        auto manifestOf = [&](const QJsonArray& layers, const QString& artifactType, const QJsonObject& subject) {
            QJsonObject m{
                {QStringLiteral("schemaVersion"), 2},
                {QStringLiteral("mediaType"), MediaTypes::OciManifest},
                {QStringLiteral("config"), descriptor(QStringLiteral("application/vnd.oci.empty.v1+json"), empty)},
                {QStringLiteral("layers"), layers}};
            if (!artifactType.isEmpty()) {
                m.insert(QStringLiteral("artifactType"), artifactType);
            }
            if (!subject.isEmpty()) {
                m.insert(QStringLiteral("subject"), subject);
            }
            return QJsonDocument(m).toJson(QJsonDocument::Compact);
        };
        const QByteArray app = manifestOf({descriptor(QStringLiteral("application/vnd.wasm.component.v1+wasm"), layer)},
                                          QStringLiteral("application/vnd.greentic.component.v1"), {});
        const Digest appDigest = Sha256::hash(app);
        const QByteArray payload = simpleSigning(repo, appDigest);
        QJsonObject payloadLayer = descriptor(Cosign::SimpleSigningLayer, payload);
        payloadLayer.insert(
            QStringLiteral("annotations"),
            QJsonObject{{Cosign::SignatureAnnotation, QString::fromLatin1(m_ecdsa.sign(payload).toBase64())}});
        const QJsonObject subject = descriptor(MediaTypes::OciManifest, app);
        const QByteArray sig = manifestOf({payloadLayer}, Cosign::SignatureArtifactType, subject);
        const QByteArray sbomDoc = "{\"spdxVersion\":\"SPDX-2.3\"}";
        const QByteArray sbom = manifestOf({descriptor(QStringLiteral("application/spdx+json"), sbomDoc)},
                                           QStringLiteral("application/spdx+json"), subject);
        QMap<QString, QPair<QByteArray, QByteArray>> served; // path -> (content type, body)
        served.insert(QStringLiteral("/v2/org/app/manifests/1"), {MediaTypes::OciManifest.toLatin1(), app});
        for (const QByteArray& m : {app, sig, sbom}) {
            served.insert(QStringLiteral("/v2/org/app/manifests/") + Sha256::hash(m).toString(),
                          {MediaTypes::OciManifest.toLatin1(), m});
        }
        for (const QByteArray& b : {empty, layer, payload, sbomDoc}) {
            served.insert(QStringLiteral("/v2/org/app/blobs/") + Sha256::hash(b).toString(),
                          {QByteArrayLiteral("application/octet-stream"), b});
        }
        auto referrer = [&](const QByteArray& m, const QString& type) {
            QJsonObject d = descriptor(MediaTypes::OciManifest, m);
            d.insert(QStringLiteral("artifactType"), type);
            return d;
        };
        server.setHandler([&](const RecordedRequest& r) {
            ScriptedReply reply;
            if (r.path == u"/v2/") {
                reply.body = "{}";
                return reply;
            }
            if (r.path == QStringLiteral("/v2/org/app/referrers/") + appDigest.toString()) {
                QJsonArray list;
                const bool filter = r.query.contains(QStringLiteral("artifactType="));
                if (!filter || r.query.contains(QStringLiteral("spdx"))) {
                    list.append(referrer(sbom, QStringLiteral("application/spdx+json")));
                }
                if (!filter || r.query.contains(QStringLiteral("cosign"))) {
                    list.append(referrer(sig, Cosign::SignatureArtifactType));
                }
                if (filter) {
                    reply.headers.append({QByteArrayLiteral("OCI-Filters-Applied"), QByteArrayLiteral("artifactType")});
                }
                reply.headers.append({QByteArrayLiteral("Content-Type"), MediaTypes::OciIndex.toLatin1()});
                reply.body = QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                                       {QStringLiteral("mediaType"), MediaTypes::OciIndex},
                                                       {QStringLiteral("manifests"), list}})
                                 .toJson(QJsonDocument::Compact);
                return reply;
            }
            if (served.contains(r.path)) {
                reply.headers.append({QByteArrayLiteral("Content-Type"), served.value(r.path).first});
                reply.headers.append({QByteArrayLiteral("Docker-Content-Digest"),
                                      Sha256::hash(served.value(r.path).second).toString().toLatin1()});
                reply.body = served.value(r.path).second;
                return reply;
            }
            reply.status = 404;
            reply.body = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}";
            return reply;
        });

        const CliRunner cli = runner();
        CliResult r = cli.run({QStringLiteral("--json"), QStringLiteral("referrers"), repo + QStringLiteral(":1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value(QStringLiteral("source")).toString(), QStringLiteral("api"));
        QCOMPARE(json(r).value(QStringLiteral("referrers")).toArray().size(), 2);
        r = cli.run({QStringLiteral("--json"), QStringLiteral("referrers"), repo + QStringLiteral(":1"),
                     QStringLiteral("--artifact-type"), QStringLiteral("application/spdx+json")});
        const QJsonArray sboms = json(r).value(QStringLiteral("referrers")).toArray();
        QCOMPARE(sboms.size(), 1);
        QCOMPARE(sboms.first().toObject().value(QStringLiteral("digest")).toString(), Sha256::hash(sbom).toString());
        QVERIFY(server.requests().last().query.contains(QStringLiteral("artifactType=application")));
        // The signature is a referrer (no .sig tag here): found through the API and verified.
        r = cli.run(
            {QStringLiteral("--verify-signature"), m_ecdsaPub, QStringLiteral("pull"), repo + QStringLiteral(":1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = cli.run(
            {QStringLiteral("--verify-signature"), m_otherPub, QStringLiteral("resolve"), repo + QStringLiteral(":1")});
        QCOMPARE(r.exitCode, 6);
        // --with-referrers brings both in, linked to their subject.
        r = cli.run({QStringLiteral("--json"), QStringLiteral("pull"), repo + QStringLiteral(":1"),
                     QStringLiteral("--with-referrers")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value(QStringLiteral("referrers")).toArray().size(), 2);
    }

    void signedExportVerifiesOfflineOnTheFarSide()
    {
        const CliRunner connected = runner();
        QCOMPARE(connected
                     .run({QStringLiteral("--verify-signature"), m_ecdsaPub, QStringLiteral("pull"),
                           ref(QStringLiteral("org/signed"))})
                     .exitCode,
                 0);
        const QString layout = path(QStringLiteral("signed-export"));
        CliResult r = connected.run({QStringLiteral("--json"), QStringLiteral("cache"), QStringLiteral("export"),
                                     QStringLiteral("--all"), QStringLiteral("--to"), layout});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(json(r).value(QStringLiteral("artifacts")).toArray().size(), 2); // the component and its signature
        const CliRunner site = runner();
        r = site.run({QStringLiteral("--offline"), QStringLiteral("cache"), QStringLiteral("import"), layout});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = site.run({QStringLiteral("--offline"), QStringLiteral("--verify-signature"), m_ecdsaPub,
                      QStringLiteral("pull"), ref(QStringLiteral("org/signed"))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = site.run({QStringLiteral("--offline"), QStringLiteral("--verify-signature"), m_otherPub,
                      QStringLiteral("pull"), ref(QStringLiteral("org/signed"))});
        QCOMPARE(r.exitCode, 6);
    }
};

QTEST_GUILESS_MAIN(TestSignatures)
#include "tst_signatures.moc"
