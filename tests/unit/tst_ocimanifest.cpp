// SPDX-License-Identifier: MIT
#include <oci/OciManifest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace dist;

namespace {

const QString kHexA = QString(64, u'a');
const QString kHexB = QString(64, u'b');
const QString kHexC = QString(64, u'c');

QJsonObject desc(const QString& mediaType, const QString& hex, qint64 size = 10)
{
    return {{QStringLiteral("mediaType"), mediaType},
            {QStringLiteral("digest"), QString(QStringLiteral("sha256:") + hex)},
            {QStringLiteral("size"), static_cast<double>(size)}};
}

QByteArray manifestWith(const QStringList& layerTypes)
{
    QJsonArray layers;
    const QString hexes[] = {kHexA, kHexB, kHexC};
    for (int i = 0; i < layerTypes.size(); ++i) {
        layers.append(desc(layerTypes.at(i), hexes[i % 3]));
    }
    QJsonObject m{{QStringLiteral("schemaVersion"), 2},
                  {QStringLiteral("mediaType"), MediaTypes::OciManifest},
                  {QStringLiteral("config"), desc(QStringLiteral("application/vnd.oci.empty.v1+json"), kHexC, 2)},
                  {QStringLiteral("layers"), layers},
                  {QStringLiteral("annotations"), QJsonObject{{QStringLiteral("issuer"), QStringLiteral("me")}}}};
    return QJsonDocument(m).toJson();
}

} // namespace

class TestOciManifest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseImageManifest()
    {
        auto m = OciManifest::parse(manifestWith({QStringLiteral("application/wasm")}), MediaTypes::OciManifest);
        QVERIFY2(m, qPrintable(m ? QString() : m.message()));
        QVERIFY(!m->isIndex());
        QCOMPARE(m->layers.size(), 1);
        QCOMPARE(m->layers.first().digest.hex(), kHexA);
        QCOMPARE(m->layers.first().size, qint64(10));
        QCOMPARE(m->annotations.value(QStringLiteral("issuer")), QStringLiteral("me"));
    }

    void mediaTypeFromContentTypeWhenAbsent()
    {
        QJsonObject o = QJsonDocument::fromJson(manifestWith({QStringLiteral("application/wasm")})).object();
        o.remove(QStringLiteral("mediaType"));
        auto m
            = OciManifest::parse(QJsonDocument(o).toJson(), MediaTypes::DockerManifest + QStringLiteral("; charset=x"));
        QVERIFY(m);
        QCOMPARE(m->mediaType, MediaTypes::DockerManifest);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("contentType");
        const QByteArray good = manifestWith({QStringLiteral("application/wasm")});
        auto edit = [&](auto fn) {
            QJsonObject o = QJsonDocument::fromJson(good).object();
            fn(o);
            return QJsonDocument(o).toJson();
        };
        QTest::newRow("not json") << QByteArray("<html>") << MediaTypes::OciManifest;
        QTest::newRow("array") << QByteArray("[]") << MediaTypes::OciManifest;
        QTest::newRow("schema 1") << edit([](QJsonObject& o) { o[QStringLiteral("schemaVersion")] = 1; })
                                  << MediaTypes::OciManifest;
        QTest::newRow("schema string") << edit([](QJsonObject& o) {
            o[QStringLiteral("schemaVersion")] = QStringLiteral("2");
        }) << MediaTypes::OciManifest;
        QTest::newRow("unknown type") << edit([](QJsonObject& o) {
            o[QStringLiteral("mediaType")] = QStringLiteral("text/html");
        }) << QString();
        QTest::newRow("type vs content-type") << good << MediaTypes::DockerManifest;
        QTest::newRow("no layers") << edit([](QJsonObject& o) { o.remove(QStringLiteral("layers")); })
                                   << MediaTypes::OciManifest;
        QTest::newRow("no config") << edit([](QJsonObject& o) { o.remove(QStringLiteral("config")); })
                                   << MediaTypes::OciManifest;
        QTest::newRow("bad digest") << edit([](QJsonObject& o) {
            o[QStringLiteral("layers")] = QJsonArray{desc(QStringLiteral("application/wasm"), QStringLiteral("xyz"))};
        }) << MediaTypes::OciManifest;
        QTest::newRow("negative size") << edit([](QJsonObject& o) {
            o[QStringLiteral("layers")] = QJsonArray{desc(QStringLiteral("application/wasm"), kHexA, -5)};
        }) << MediaTypes::OciManifest;
        QTest::newRow("layer without type") << edit([](QJsonObject& o) {
            QJsonObject l = desc(QStringLiteral("application/wasm"), kHexA);
            l.remove(QStringLiteral("mediaType"));
            o[QStringLiteral("layers")] = QJsonArray{l};
        }) << MediaTypes::OciManifest;
        QTest::newRow("annotation number") << edit([](QJsonObject& o) {
            o[QStringLiteral("annotations")] = QJsonObject{{QStringLiteral("a"), 1}};
        }) << MediaTypes::OciManifest;
        QTest::newRow("index without manifests")
            << QByteArray(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})")
            << MediaTypes::OciIndex;
    }
    void malformed()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, contentType);
        auto m = OciManifest::parse(body, contentType);
        QVERIFY(!m);
        QCOMPARE(m.code(), ErrorCode::Protocol);
        QVERIFY(m.message().startsWith(QLatin1String("invalid manifest: ")));
    }

    void layerSelection_data()
    {
        QTest::addColumn<QStringList>("layers");
        QTest::addColumn<int>("chosen");
        QTest::addColumn<int>("type");
        const int comp = int(ArtifactType::Component);
        QTest::newRow("single component")
            << QStringList{QStringLiteral("application/vnd.wasm.component.v1+wasm")} << 0 << comp;
        QTest::newRow("preferred rank wins")
            << QStringList{QStringLiteral("application/octet-stream"), QStringLiteral("application/wasm")} << 1 << comp;
        QTest::newRow("component over manifest json")
            << QStringList{QStringLiteral("application/vnd.greentic.component.manifest+json"),
                           QStringLiteral("application/vnd.wasm.component.v1+wasm")}
            << 1 << comp;
        QTest::newRow("all octet-stream is a component")
            << QStringList{QStringLiteral("application/octet-stream")} << 0 << comp;
        QTest::newRow("gtpack zip") << QStringList{QStringLiteral("application/vnd.greentic.gtpack.v1+zip")} << 0
                                    << int(ArtifactType::Pack);
        QTest::newRow("pack json preferred over markdown")
            << QStringList{QStringLiteral("text/markdown"), QStringLiteral("application/vnd.greentic.pack+json")} << 1
            << int(ArtifactType::Pack);
        QTest::newRow("tar+gzip bundle") << QStringList{QStringLiteral("application/vnd.acme.bundle.v1+tar+gzip")} << 0
                                         << int(ArtifactType::Bundle);
        QTest::newRow("tar+zstd bundle") << QStringList{QStringLiteral("application/vnd.acme.bundle.v1+tar+zstd")} << 0
                                         << int(ArtifactType::Bundle);
        QTest::newRow("tarball over readme")
            << QStringList{QStringLiteral("text/markdown"), QStringLiteral("application/vnd.greentic.pack.v1+tar+gzip")}
            << 1 << int(ArtifactType::Pack);
        QTest::newRow("readme alone") << QStringList{QStringLiteral("text/markdown")} << 0 << int(ArtifactType::Pack);
        QTest::newRow("oci tar first layer")
            << QStringList{QStringLiteral("application/vnd.oci.image.layer.v1.tar"), QStringLiteral("application/json")}
            << 0 << int(ArtifactType::Bundle);
        QTest::newRow("gtpack layer tar") << QStringList{QStringLiteral("application/vnd.greentic.gtpack.layer.v1+tar")}
                                          << 0 << int(ArtifactType::Pack);
    }
    void layerSelection()
    {
        QFETCH(QStringList, layers);
        QFETCH(int, chosen);
        QFETCH(int, type);
        auto m = OciManifest::parse(manifestWith(layers), MediaTypes::OciManifest);
        QVERIFY(m);
        auto c = LayerPolicy().select(m.value());
        QVERIFY2(c, qPrintable(c ? QString() : c.message()));
        QCOMPARE(c->layer.digest, m->layers.at(chosen).digest);
        QCOMPARE(int(c->type), type);
    }

    void packPolicyReadsOctetStreamAsAPack()
    {
        LayerPolicy pack;
        pack.packOnly = true;
        auto octet
            = OciManifest::parse(manifestWith({QStringLiteral("application/octet-stream")}), MediaTypes::OciManifest);
        QVERIFY(octet);
        QCOMPARE(LayerPolicy().select(octet.value())->type, ArtifactType::Component); // `pull` keeps its rule
        auto c = pack.select(octet.value());
        QVERIFY2(c, qPrintable(c ? QString() : c.message()));
        QCOMPARE(c->type, ArtifactType::Pack);
        QCOMPARE(c->layer.digest, octet->layers.first().digest);
        // A real component stays a component, and the pack types keep their own typing.
        auto wasm = OciManifest::parse(manifestWith({QStringLiteral("application/wasm")}), MediaTypes::OciManifest);
        QCOMPARE(pack.select(wasm.value())->type, ArtifactType::Component);
        auto gz = OciManifest::parse(manifestWith({QStringLiteral("application/vnd.acme.bundle.v1+tar+gzip")}),
                                     MediaTypes::OciManifest);
        QCOMPARE(pack.select(gz.value())->type, ArtifactType::Bundle);
    }

    void incompatibleLayers()
    {
        auto m = OciManifest::parse(manifestWith({QStringLiteral("application/wasm"), QStringLiteral("image/png")}),
                                    MediaTypes::OciManifest);
        auto c = LayerPolicy().select(m.value());
        QVERIFY(!c);
        QVERIFY(c.message().contains(QLatin1String("Incompatible layer media type: image/png")));
        LayerPolicy custom;
        custom.extraComponentTypes << QStringLiteral("image/png");
        QVERIFY(custom.select(m.value()));
        auto empty = OciManifest::parse(manifestWith({}), MediaTypes::OciManifest);
        QVERIFY(!LayerPolicy().select(empty.value()));
    }

    void indexSelection()
    {
        auto make = [](const QList<QPair<QString, QString>>& platforms) {
            QJsonArray list;
            const QString hexes[] = {kHexA, kHexB, kHexC};
            for (int i = 0; i < platforms.size(); ++i) {
                QJsonObject d = desc(MediaTypes::OciManifest, hexes[i]);
                if (!platforms.at(i).first.isEmpty()) {
                    d.insert(QStringLiteral("platform"),
                             QJsonObject{{QStringLiteral("os"), platforms.at(i).first},
                                         {QStringLiteral("architecture"), platforms.at(i).second}});
                }
                list.append(d);
            }
            return OciManifest::parse(QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                                                {QStringLiteral("mediaType"), MediaTypes::OciIndex},
                                                                {QStringLiteral("manifests"), list}})
                                          .toJson(),
                                      QString())
                .value();
        };
        const auto single = make({{QString(), QString()}});
        QCOMPARE(selectFromIndex(single, QStringLiteral("linux"), QStringLiteral("amd64"))->digest.hex(), kHexA);
        const auto multi = make(
            {{QStringLiteral("linux"), QStringLiteral("arm64")}, {QStringLiteral("linux"), QStringLiteral("amd64")}});
        QVERIFY(multi.isIndex());
        QCOMPARE(selectFromIndex(multi, QStringLiteral("linux"), QStringLiteral("amd64"))->digest.hex(), kHexB);
        QCOMPARE(selectFromIndex(multi, QStringLiteral("linux"), QStringLiteral("riscv64")).code(),
                 ErrorCode::NotFound);
        // a WebAssembly build wins over the host's native one, wherever it is listed
        const auto mixed = make({{QStringLiteral("linux"), QStringLiteral("amd64")},
                                 {QStringLiteral("linux"), QStringLiteral("arm64")},
                                 {QStringLiteral("wasip2"), QStringLiteral("wasm")}});
        QCOMPARE(selectFromIndex(mixed, QStringLiteral("linux"), QStringLiteral("amd64"))->digest.hex(), kHexC);
        QCOMPARE(selectFromIndex(mixed, QStringLiteral("linux"), QStringLiteral("riscv64"))->digest.hex(), kHexC);
        // a component (wasip2) beats a core module (wasip1)
        const auto wasi = make(
            {{QStringLiteral("wasip1"), QStringLiteral("wasm")}, {QStringLiteral("wasip2"), QStringLiteral("wasm")}});
        QCOMPARE(selectFromIndex(wasi, QStringLiteral("linux"), QStringLiteral("amd64"))->digest.hex(), kHexB);
        // a requested platform is the only one that will do
        QCOMPARE(selectFromIndex(mixed, QStringLiteral("linux"), QStringLiteral("amd64"), QStringLiteral("linux/arm64"))
                     ->digest.hex(),
                 kHexB);
        QCOMPARE(selectFromIndex(wasi, QStringLiteral("linux"), QStringLiteral("amd64"), QStringLiteral("wasip1/wasm"))
                     ->digest.hex(),
                 kHexA);
        const auto none = selectFromIndex(mixed, QStringLiteral("linux"), QStringLiteral("amd64"),
                                          QStringLiteral("linux/arm64/v8"));
        QCOMPARE(none.code(), ErrorCode::NotFound);
        QVERIFY2(none.message().contains(QStringLiteral("(it has: linux/amd64, linux/arm64, wasip2/wasm)")),
                 qPrintable(none.message()));
        QVERIFY(LayerPolicy::checkPlatform(QStringLiteral("linux/arm64/v8")));
        QVERIFY(LayerPolicy::checkPlatform(QStringLiteral("wasip2/wasm")));
        for (const char* bad : {"linux", "linux/", "/amd64", "linux/amd64/v8/x", "Linux/AMD64", "linux amd64"}) {
            QVERIFY2(!LayerPolicy::checkPlatform(QString::fromLatin1(bad)), bad);
        }
        const auto artifacts = make({{QString(), QString()}, {QString(), QString()}});
        QCOMPARE(selectFromIndex(artifacts, QStringLiteral("linux"), QStringLiteral("amd64"))->digest.hex(), kHexA);
    }
};

QTEST_GUILESS_MAIN(TestOciManifest)
#include "tst_ocimanifest.moc"
