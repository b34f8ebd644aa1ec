// SPDX-License-Identifier: MIT
#include <cache/CacheEntry.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace dist;

namespace {

CacheEntry sample()
{
    CacheEntry e;
    e.digest = Digest::fromHex(QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    e.mediaType = QStringLiteral("application/wasm");
    e.sizeBytes = 123;
    e.artifactType = ArtifactType::Component;
    e.sourceKind = QStringLiteral("File");
    e.rawRef = QStringLiteral("/tmp/x.wasm");
    e.canonicalRef = QStringLiteral("file:///tmp/x.wasm@") + e.digest.toString();
    e.fetchedAt = 1750000000;
    e.lastAccessedAt = 1750000001;
    e.localPath = QStringLiteral("/abs/blob");
    e.sourceSnapshot = {e.rawRef, e.canonicalRef, e.sourceKind, false};
    return e;
}

} // namespace

class TestCacheEntry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rustFieldOrderAndShape()
    {
        const QByteArray json = sample().toJson();
        const QStringList expectedOrder = {
            QStringLiteral("format_version"), QStringLiteral("cache_key"),        QStringLiteral("digest"),
            QStringLiteral("media_type"),     QStringLiteral("size_bytes"),       QStringLiteral("artifact_type"),
            QStringLiteral("source_kind"),    QStringLiteral("raw_ref"),          QStringLiteral("canonical_ref"),
            QStringLiteral("fetched_at"),     QStringLiteral("last_accessed_at"), QStringLiteral("last_verified_at"),
            QStringLiteral("state"),          QStringLiteral("advisory_epoch"),   QStringLiteral("signature_summary"),
            QStringLiteral("annotations"),    QStringLiteral("local_path"),       QStringLiteral("source_snapshot"),
        };
        qsizetype last = -1;
        for (const QString& key : expectedOrder) {
            const qsizetype at = json.indexOf(QByteArray("\n  \"" + key.toUtf8() + "\": "));
            QVERIFY2(at > last, qPrintable(key));
            last = at;
        }
        QVERIFY(json.startsWith("{\n  \"format_version\": 1,\n  \"cache_key\": \"sha256:ba78"));
        QVERIFY(json.contains("\"artifact_type\": \"Component\""));
        QVERIFY(json.contains("\"state\": \"Ready\""));
        QVERIFY(json.contains("\"annotations\": {},"));
        QVERIFY(json.contains("\"last_verified_at\": null,"));
        QVERIFY(json.endsWith("}\n"));
    }

    void roundTrip()
    {
        CacheEntry e = sample();
        e.lastVerifiedAt = 1750000002;
        e.state = EntryState::Corrupt;
        e.advisoryEpoch = 7;
        e.signatureSummary = SignatureSummary{QStringLiteral("passed"), QStringLiteral("1 trusted signature")};
        e.annotations.insert(QStringLiteral("issuer"), QStringLiteral("greentic"));
        e.annotations.insert(QStringLiteral("dev.greentic.dsse"), QStringLiteral("e30="));
        e.artifactType = ArtifactType::Bundle;
        e.manifestDigest = QStringLiteral("sha256:") + QString(64, u'1');
        e.platformManifestDigest = QStringLiteral("sha256:") + QString(64, u'2');
        e.fetchedFrom = QStringLiteral("https://ghcr.io/org/x");
        auto back = CacheEntry::fromJson(e.toJson(), QStringLiteral("test"));
        QVERIFY2(back, qPrintable(back ? QString() : back.message()));
        QCOMPARE(back->toJson(), e.toJson());
        QCOMPARE(back->state, EntryState::Corrupt);
        QCOMPARE(*back->advisoryEpoch, quint64(7));
        QCOMPARE(back->signatureSummary->outcome, QStringLiteral("passed"));
        QCOMPARE(back->annotations.value(QStringLiteral("issuer")), QStringLiteral("greentic"));
        QCOMPARE(back->artifactType, ArtifactType::Bundle);
    }

    void readsRustWrittenEntryWithoutAdditiveFields()
    {
        // What the Rust client writes: no manifest_digest etc., annotations omitted.
        QJsonObject o = QJsonDocument::fromJson(sample().toJson()).object();
        for (const char* k : {"manifest_digest", "platform_manifest_digest", "manifest_media_type",
                              "artifact_media_type", "fetched_from", "annotations"}) {
            o.remove(QString::fromLatin1(k));
        }
        auto e = CacheEntry::fromJson(QJsonDocument(o).toJson(), QStringLiteral("rust"));
        QVERIFY(e);
        QVERIFY(e->annotations.isEmpty());
        QVERIFY(e->manifestDigest.isEmpty());
    }

    void unknownFieldsSurviveRewrite()
    {
        QJsonObject o = QJsonDocument::fromJson(sample().toJson()).object();
        o.insert(QStringLiteral("future_field"), QJsonObject{{QStringLiteral("x"), 1}});
        auto e = CacheEntry::fromJson(QJsonDocument(o).toJson(), QStringLiteral("t"));
        QVERIFY(e);
        QVERIFY(e->toJson().contains("\"future_field\": {\n    \"x\": 1\n  }"));
    }

    void strictRequiredFields_data()
    {
        QTest::addColumn<QString>("field");
        for (const char* k :
             {"format_version", "cache_key", "digest", "media_type", "size_bytes", "artifact_type", "source_kind",
              "raw_ref", "canonical_ref", "fetched_at", "last_accessed_at", "last_verified_at", "state",
              "advisory_epoch", "signature_summary", "local_path", "source_snapshot"}) {
            QTest::newRow(k) << QString::fromLatin1(k);
        }
    }
    void strictRequiredFields()
    {
        QFETCH(QString, field);
        QJsonObject o = QJsonDocument::fromJson(sample().toJson()).object();
        o.remove(field);
        auto e = CacheEntry::fromJson(QJsonDocument(o).toJson(), QStringLiteral("/c/entry.json"));
        QVERIFY(!e);
        QCOMPARE(e.code(), ErrorCode::Cache);
        QVERIFY2(e.message().contains(field), qPrintable(e.message()));
        QVERIFY(e.message().startsWith(QLatin1String("cache error at `/c/entry.json`")));
    }

    void malformedValues_data()
    {
        QTest::addColumn<QByteArray>("json");
        const QByteArray good = sample().toJson();
        auto replace = [&](const char* from, const char* to) { return QByteArray(good).replace(from, to); };
        QTest::newRow("not json") << QByteArray("{nope");
        QTest::newRow("array") << QByteArray("[]");
        QTest::newRow("version 2") << replace("\"format_version\": 1", "\"format_version\": 2");
        QTest::newRow("negative size") << replace("\"size_bytes\": 123", "\"size_bytes\": -1");
        QTest::newRow("fractional size") << replace("\"size_bytes\": 123", "\"size_bytes\": 1.5");
        QTest::newRow("string size") << replace("\"size_bytes\": 123", "\"size_bytes\": \"123\"");
        QTest::newRow("bad type") << replace("\"Component\"", "\"component\"");
        QTest::newRow("bad state") << replace("\"Ready\"", "\"Fresh\"");
        QTest::newRow("key differs") << replace("\"cache_key\": \"sha256:ba", "\"cache_key\": \"sha256:bb");
        QTest::newRow("bad digest") << replace(
            "\"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\",\n  \"media",
            "\"sha256:BA\",\n  \"media");
        QTest::newRow("annotation not string") << replace("\"annotations\": {}", "\"annotations\": {\"a\": 1}");
        QTest::newRow("signature summary shape") << replace("\"signature_summary\": null", "\"signature_summary\": 3");
        QTest::newRow("snapshot shape") << replace("\"authoritative\": false", "\"authoritative\": \"no\"");
    }
    void malformedValues()
    {
        QFETCH(QByteArray, json);
        auto e = CacheEntry::fromJson(json, QStringLiteral("x"));
        QVERIFY(!e);
        QCOMPARE(e.code(), ErrorCode::Cache);
    }
};

QTEST_GUILESS_MAIN(TestCacheEntry)
#include "tst_cacheentry.moc"
