// SPDX-License-Identifier: MIT
#include <ref/Reference.h>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;

namespace {
const QString kHex = QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class TestReference : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("registry");
        QTest::addColumn<QString>("repository");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("digest");
        QTest::addColumn<QString>("path");

        const int oci = int(ReferenceKind::Oci);
        const QString d = QStringLiteral("sha256:") + kHex;
        QTest::newRow("oci tag") << QStringLiteral("oci://ghcr.io/greenticai/components/templates:stable") << oci
                                 << "ghcr.io"
                                 << "greenticai/components/templates"
                                 << "stable" << QString() << QString();
        QTest::newRow("oci digest") << QStringLiteral("oci://ghcr.io/org/x@") + d << oci << "ghcr.io"
                                    << "org/x" << QString() << d << QString();
        QTest::newRow("oci tag+digest") << QStringLiteral("oci://ghcr.io/org/x:1.0@") + d << oci << "ghcr.io"
                                        << "org/x"
                                        << "1.0" << d << QString();
        QTest::newRow("bare") << QStringLiteral("ghcr.io/org/x:1") << oci << "ghcr.io"
                              << "org/x"
                              << "1" << QString() << QString();
        QTest::newRow("bare port implicit latest") << QStringLiteral("localhost:5000/x") << oci << "localhost:5000"
                                                   << "x"
                                                   << "latest" << QString() << QString();
        QTest::newRow("ipv4") << QStringLiteral("127.0.0.1:5000/a/b:t_1") << oci << "127.0.0.1:5000"
                              << "a/b"
                              << "t_1" << QString() << QString();
        QTest::newRow("ipv6") << QStringLiteral("[::1]:5000/x:1") << oci << "[::1]:5000"
                              << "x"
                              << "1" << QString() << QString();
        QTest::newRow("docker hub explicit") << QStringLiteral("oci://docker.io/library/nginx:1") << oci << "docker.io"
                                             << "library/nginx"
                                             << "1" << QString() << QString();
        QTest::newRow("host case folded") << QStringLiteral("GHCR.io/org/x:1") << oci << "ghcr.io"
                                          << "org/x"
                                          << "1" << QString() << QString();
        QTest::newRow("separators") << QStringLiteral("r.example.com/a.b/c__d/e--f:V1.0-rc_2") << oci << "r.example.com"
                                    << "a.b/c__d/e--f"
                                    << "V1.0-rc_2" << QString() << QString();
        QTest::newRow("https") << QStringLiteral("https://example.com/x.wasm") << int(ReferenceKind::Https) << QString()
                               << QString() << QString() << QString() << QString();
        QTest::newRow("http") << QStringLiteral("http://127.0.0.1:8080/x.wasm") << int(ReferenceKind::Https)
                              << QString() << QString() << QString() << QString() << QString();
        QTest::newRow("file url") << QStringLiteral("file:///tmp/x.wasm") << int(ReferenceKind::File) << QString()
                                  << QString() << QString() << QString() << QStringLiteral("/tmp/x.wasm");
        QTest::newRow("file url localhost")
            << QStringLiteral("file://localhost/tmp/x.wasm") << int(ReferenceKind::File) << QString() << QString()
            << QString() << QString() << QStringLiteral("/tmp/x.wasm");
        QTest::newRow("absolute path") << QStringLiteral("/abs/path.wasm") << int(ReferenceKind::File) << QString()
                                       << QString() << QString() << QString() << QStringLiteral("/abs/path.wasm");
        QTest::newRow("dot path") << QStringLiteral("./rel.wasm") << int(ReferenceKind::File) << QString() << QString()
                                  << QString() << QString() << QStringLiteral("./rel.wasm");
        QTest::newRow("dotdot path") << QStringLiteral("../up.wasm") << int(ReferenceKind::File) << QString()
                                     << QString() << QString() << QString() << QStringLiteral("../up.wasm");
        QTest::newRow("fixture") << QStringLiteral("fixture://hello") << int(ReferenceKind::Fixture) << QString()
                                 << QString() << QString() << QString() << QStringLiteral("hello");
        QTest::newRow("fixture leading slash")
            << QStringLiteral("fixture:///hello.wasm") << int(ReferenceKind::Fixture) << QString() << QString()
            << QString() << QString() << QStringLiteral("hello.wasm");
        QTest::newRow("repo") << QStringLiteral("repo://component-a") << int(ReferenceKind::Repo) << QString()
                              << QString() << QString() << QString() << QStringLiteral("component-a");
        QTest::newRow("store biz") << QStringLiteral("store://greentic-biz/3point/catalogs/zain-x:latest")
                                   << int(ReferenceKind::Store) << QString() << QString() << QString() << QString()
                                   << QStringLiteral("greentic-biz/3point/catalogs/zain-x:latest");
        QTest::newRow("store other") << QStringLiteral("store://acme/x") << int(ReferenceKind::Store) << QString()
                                     << QString() << QString() << QString() << QStringLiteral("acme/x");
        QTest::newRow("cache digest") << d << int(ReferenceKind::CacheDigest) << QString() << QString() << QString()
                                      << d << QString();
        QTest::newRow("pack") << QStringLiteral("hello-pack@1.0.0") << int(ReferenceKind::RegistryPack) << QString()
                              << QString() << QString() << QString() << QString();
        QTest::newRow("pinned pack") << QStringLiteral("hello-pack@1.0.0#") + d << int(ReferenceKind::RegistryPack)
                                     << QString() << QString() << QString() << d << QString();
        QTest::newRow("bundled pack") << QStringLiteral("hello-pack") << int(ReferenceKind::BundledPack) << QString()
                                      << QString() << QString() << QString() << QString();
    }

    void valid()
    {
        QFETCH(QString, text);
        QFETCH(int, kind);
        QFETCH(QString, registry);
        QFETCH(QString, repository);
        QFETCH(QString, tag);
        QFETCH(QString, digest);
        QFETCH(QString, path);
        auto r = Reference::parse(text);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.message()));
        QCOMPARE(int(r->kind()), kind);
        QCOMPARE(r->raw(), text);
        if (r->kind() == ReferenceKind::Oci) {
            QCOMPARE(r->oci().registry(), registry);
            QCOMPARE(r->oci().repository(), repository);
            QCOMPARE(r->oci().tag(), tag);
            QCOMPARE(r->oci().digest().toString(), digest);
        } else if (!digest.isEmpty()) {
            QCOMPARE(r->digest().toString(), digest);
        }
        if (!path.isEmpty()) {
            QCOMPARE(r->path(), path);
        }
    }

    void packParts()
    {
        auto r = Reference::parse(QStringLiteral("hello-pack@1.2.3-rc.1"));
        QVERIFY(r);
        QCOMPARE(r->packName(), QStringLiteral("hello-pack"));
        QCOMPARE(r->packVersion(), QStringLiteral("1.2.3-rc.1"));
        QVERIFY(r->digest().isNull());
    }

    void packValidationMessages_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("reason");
        QTest::newRow("upper") << QStringLiteral("Hello@1.0")
                               << QStringLiteral("pack name must start with a lowercase letter");
        QTest::newRow("chars") << QStringLiteral("hello_x@1.0")
                               << QStringLiteral("pack name may only contain lowercase letters, digits, and hyphens");
        QTest::newRow("trailing") << QStringLiteral("hello-@1.0")
                                  << QStringLiteral("pack name cannot end with a hyphen");
        QTest::newRow("double") << QStringLiteral("a--b@1.0")
                                << QStringLiteral("pack name cannot have consecutive hyphens");
        QTest::newRow("no version") << QStringLiteral("hello@")
                                    << QStringLiteral("version is required for registry packs");
        QTest::newRow("pin prefix") << QStringLiteral("hello@1.0#md5:x")
                                    << QStringLiteral("pinned digest must start with 'sha256:'");
        QTest::newRow("escape") << QStringLiteral("hello@..")
                                << QStringLiteral("pack version may not contain `/`, `\\` or `..`");
    }
    void packValidationMessages()
    {
        QFETCH(QString, text);
        QFETCH(QString, reason);
        auto r = Reference::parse(text);
        QVERIFY(!r);
        QCOMPARE(r.code(), ErrorCode::InvalidInput);
        QVERIFY2(r.message().endsWith(reason), qPrintable(r.message()));
    }

    void yamlPathsAreLocalPacks()
    {
        // As in assay, a name ending in .yaml/.yml is a local file even if it does not exist.
        for (const QString& text :
             {QStringLiteral("rules.yaml"), QStringLiteral("name@1.0.0.yaml"), QStringLiteral("x.yml")}) {
            auto r = Reference::parse(text);
            QVERIFY2(r, qPrintable(text));
            QCOMPARE(r->kind(), ReferenceKind::File);
        }
    }

    void byosPin()
    {
        const QString d = QStringLiteral("sha256:") + kHex;
        auto r = Reference::parse(QStringLiteral("https://example.com/packs/custom.yaml#") + d);
        QVERIFY(r);
        QCOMPARE(r->kind(), ReferenceKind::Https);
        QCOMPARE(r->digest().toString(), d);
        QVERIFY(!r->url().hasFragment()); // the pin is not part of the URL fetched
        QCOMPARE(r->url().path(), QStringLiteral("/packs/custom.yaml"));
        QVERIFY(!Reference::parse(QStringLiteral("https://example.com/p.yaml#sha256:abc")));
        auto plain = Reference::parse(QStringLiteral("https://example.com/p.yaml#section"));
        QVERIFY(plain && plain->digest().isNull());
    }

    void storeBiz()
    {
        QVERIFY(Reference::parse(QStringLiteral("store://greentic-biz/t/p"))->isGreenticBizStore());
        QVERIFY(!Reference::parse(QStringLiteral("store://greentic-bizz/t/p"))->isGreenticBizStore());
    }

    void existingRelativeFileIsAFile()
    {
        QTemporaryDir dir;
        const QString old = QDir::currentPath();
        QDir::setCurrent(dir.path());
        QFile f(QStringLiteral("component.wasm"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        auto r = Reference::parse(QStringLiteral("component.wasm"));
        auto missing = Reference::parse(QStringLiteral("other.wasm"));
        QDir::setCurrent(old);
        QVERIFY(r);
        QCOMPARE(r->kind(), ReferenceKind::File);
        QVERIFY(!missing);
    }

    void canonicalString()
    {
        const QString d = QStringLiteral("sha256:") + kHex;
        QCOMPARE(Reference::parse(QStringLiteral("ghcr.io/o/x"))->oci().toString(),
                 QStringLiteral("ghcr.io/o/x:latest"));
        QCOMPARE(Reference::parse(QStringLiteral("ghcr.io/o/x:1@") + d)->oci().toString(),
                 QStringLiteral("ghcr.io/o/x:1@") + d);
        QCOMPARE(Reference::parse(QStringLiteral("ghcr.io/o/x@") + d)->oci().manifestReference(), d);
        QCOMPARE(Reference::parse(QStringLiteral("ghcr.io/o/x:2"))->oci().manifestReference(), QStringLiteral("2"));
        QVERIFY(Reference::parse(QStringLiteral("localhost:5000/x"))->oci().isLoopbackRegistry());
        QVERIFY(Reference::parse(QStringLiteral("127.0.0.1:5000/x"))->oci().isLoopbackRegistry());
        QVERIFY(Reference::parse(QStringLiteral("[::1]:5000/x"))->oci().isLoopbackRegistry());
        QVERIFY(!Reference::parse(QStringLiteral("ghcr.io/x/y"))->oci().isLoopbackRegistry());
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("text");
        const QString d = QStringLiteral("sha256:") + kHex;
        const QStringList cases = {
            QString(),
            QStringLiteral("   "),
            QStringLiteral(" ghcr.io/x/y"),
            QStringLiteral("ghcr.io/x/y "),
            QStringLiteral("nginx:latest"),
            QStringLiteral("library/nginx"),
            QStringLiteral("library/nginx:1"),
            QStringLiteral("oci://nginx"),
            QStringLiteral("oci://library/nginx:1"),
            QStringLiteral("oci://ghcr.io/"),
            QStringLiteral("oci://ghcr.io"),
            QStringLiteral("oci://ghcr.io/Org/x"),
            QStringLiteral("ghcr.io/org/x:"),
            QStringLiteral("ghcr.io/org/x:-bad"),
            QStringLiteral("ghcr.io/org/x:") + QString(129, u'a'),
            QStringLiteral("ghcr.io/org/x@sha256:abc"),
            QStringLiteral("ghcr.io/org/x@sha512:") + kHex + kHex,
            QStringLiteral("ghcr.io/org/x@"),
            QStringLiteral("ghcr.io/org/x@") + d + u'@' + d,
            QStringLiteral("ghcr.io/org//x"),
            QStringLiteral("ghcr.io/org/x/"),
            QStringLiteral("ghcr.io/org/x y"),
            QStringLiteral("ghcr.io/org/x\ty"),
            QStringLiteral("ghcr.io/org/x\n"),
            QStringLiteral("ghcr.io:99999/x"),
            QStringLiteral("ghcr.io:0/x"),
            QStringLiteral("gh_cr.io/x"),
            QStringLiteral("ghcr.io/org/x__"),
            QStringLiteral("ghcr.io/org/-x"),
            QStringLiteral("ghcr.io/org/x:1:2"),
            QStringLiteral("ghcr.io/%1").arg(QString(260, u'a')),
            QString::fromUtf8("ghcr.io/\xc3\xa9t\xc3\xa9/x"),
            QStringLiteral("sha256:"),
            QStringLiteral("sha256:XYZ"),
            QStringLiteral("sha256:") + kHex.left(63),
            QStringLiteral("sha256:") + kHex.toUpper(),
            QStringLiteral("ftp://example.com/x"),
            QStringLiteral("https://"),
            QStringLiteral("https://user:pw@example.com/x"),
            QStringLiteral("file://remote-host/x"),
            QStringLiteral("file:relative"),
            QStringLiteral("fixture://"),
            QStringLiteral("fixture://../etc/passwd"),
            QStringLiteral("fixture://a/../../b"),
            QStringLiteral("repo://"),
            QStringLiteral("store://"),
            QStringLiteral("Hello-Pack@1.0"),
            QStringLiteral("hello--pack@1.0"),
            QStringLiteral("hello-@1.0"),
            QStringLiteral("1pack@1.0"),
            QStringLiteral("hello@"),
            QStringLiteral("hello@.."),
            QStringLiteral("hello@1.0..2"),
            QStringLiteral("hello@1.0#md5:abc"),
            QStringLiteral("hello@1.0#sha256:abc"),
            QStringLiteral("hello@") + d,
            QStringLiteral("hello@1 0"),
            QStringLiteral("unknown-thing.wasm"),
            QStringLiteral("-rf"),
        };
        int i = 0;
        for (const QString& c : cases) {
            QTest::newRow(qPrintable(QStringLiteral("%1: %2").arg(i++).arg(c.left(40)))) << c;
        }
    }

    void malformed()
    {
        QFETCH(QString, text);
        auto r = Reference::parse(text);
        QVERIFY2(!r.ok(), qPrintable(QStringLiteral("accepted as kind %1").arg(r.ok() ? int(r->kind()) : -1)));
        QCOMPARE(r.code(), ErrorCode::InvalidInput);
        QVERIFY(r.message().startsWith(QLatin1String("invalid reference `")));
        QVERIFY(!r.message().contains(u'\n'));
    }

    void dockerHubIsNeverImplied()
    {
        for (const QString& text : {QStringLiteral("library/nginx:1"), QStringLiteral("oci://library/nginx")}) {
            auto r = Reference::parse(text);
            QVERIFY(!r);
            QVERIFY2(r.message().contains(QLatin1String("oci://docker.io/")), qPrintable(r.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestReference)
#include "tst_reference.moc"
