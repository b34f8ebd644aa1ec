// SPDX-License-Identifier: MIT
#include <config/Settings.h>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;

// Settings is the product's only reader of the environment; these pin the precedence and the XDG
// rules every room relies on (five places used to compute the config directory, and disagreed).
class TestSettings : public QObject
{
    Q_OBJECT

    static QProcessEnvironment env(std::initializer_list<std::pair<const char*, QString>> vars)
    {
        QProcessEnvironment e;
        e.insert(QStringLiteral("HOME"), QStringLiteral("/home/op"));
        for (const auto& [name, value] : vars) {
            e.insert(QString::fromLatin1(name), value);
        }
        return e;
    }

private Q_SLOTS:
    void xdgDirectoriesFallBackWhenRelativeOrBlank_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("config");
        QTest::newRow("unset") << QString() << QStringLiteral("/home/op/.config");
        QTest::newRow("absolute") << QStringLiteral("/srv/cfg") << QStringLiteral("/srv/cfg");
        // The XDG Base Directory spec: a relative path is invalid and must be ignored.
        QTest::newRow("relative") << QStringLiteral("cfg") << QStringLiteral("/home/op/.config");
        QTest::newRow("blank") << QStringLiteral("   ") << QStringLiteral("/home/op/.config");
    }
    void xdgDirectoriesFallBackWhenRelativeOrBlank()
    {
        QFETCH(QString, value);
        QFETCH(QString, config);
        const Settings s(value.isNull() ? env({}) : env({{"XDG_CONFIG_HOME", value}, {"XDG_CACHE_HOME", value}}));
        QCOMPARE(s.configHome(), config);
        // Every file under the config directory follows the same rule.
        QCOMPARE(s.credentialsFile(), config + QStringLiteral("/greentic/dist/credentials.json"));
        QCOMPARE(s.credentialsIndexFile(), config + QStringLiteral("/greentic/dist/credentials-index.json"));
        QCOMPARE(s.certificateDirectories().first(), config + QStringLiteral("/containers/certs.d"));
        QVERIFY(s.containerAuthFiles().contains(config + QStringLiteral("/containers/auth.json")));
        const QString cacheBase
            = config == u"/srv/cfg" ? QStringLiteral("/srv/cfg") : QStringLiteral("/home/op/.cache");
        QCOMPARE(s.cacheRoot(), cacheBase + QStringLiteral("/greentic/dist"));
    }

    void cacheRootPrecedence()
    {
        QCOMPARE(Settings(env({{"GREENTIC_DIST_CACHE_DIR", QStringLiteral("/a")},
                               {"GREENTIC_CACHE_DIR", QStringLiteral("/b")},
                               {"XDG_CACHE_HOME", QStringLiteral("/c")}}))
                     .cacheRoot(),
                 QStringLiteral("/a"));
        QCOMPARE(Settings(env({{"GREENTIC_DIST_CACHE_DIR", QStringLiteral(" ")},
                               {"GREENTIC_CACHE_DIR", QStringLiteral("/b")}}))
                     .cacheRoot(),
                 QStringLiteral("/b"));
        QCOMPARE(Settings(env({{"XDG_CACHE_HOME", QStringLiteral("/c")}})).cacheRoot(),
                 QStringLiteral("/c/greentic/dist"));
    }

    void explicitFilesWin()
    {
        const Settings s(env({{"GREENTIC_DIST_CREDENTIALS_FILE", QStringLiteral("/x/creds.json")},
                              {"GREENTIC_DIST_CREDENTIALS_INDEX", QStringLiteral("/x/index.json")},
                              {"CONTAINERS_REGISTRIES_CONF", QStringLiteral("/x/registries.conf")}}));
        QCOMPARE(s.credentialsFile(), QStringLiteral("/x/creds.json"));
        QCOMPARE(s.credentialsIndexFile(), QStringLiteral("/x/index.json"));
        QCOMPARE(s.registriesConfFile(), QStringLiteral("/x/registries.conf"));
    }

    void containerAuthFilesInOrder()
    {
        const Settings s(env({{"REGISTRY_AUTH_FILE", QStringLiteral("/x/auth.json")},
                              {"XDG_RUNTIME_DIR", QStringLiteral("/run/user/1000")},
                              {"DOCKER_CONFIG", QStringLiteral("/d")}}));
        QCOMPARE(
            s.containerAuthFiles(),
            QStringList({QStringLiteral("/x/auth.json"), QStringLiteral("/run/user/1000/containers/auth.json"),
                         QStringLiteral("/home/op/.config/containers/auth.json"), QStringLiteral("/d/config.json")}));
        QCOMPARE(Settings(env({})).containerAuthFiles(),
                 QStringList({QStringLiteral("/home/op/.config/containers/auth.json"),
                              QStringLiteral("/home/op/.docker/config.json")}));
    }

    void numbersOutsideTheirRangeAreUnset()
    {
        const Settings s(env({{"GREENTIC_DIST_TIMEOUT_SECS", QStringLiteral("0")},
                              {"GREENTIC_DIST_MAX_ATTEMPTS", QStringLiteral("abc")},
                              {"GREENTIC_DIST_MAX_STALLS", QStringLiteral(" 2 ")},
                              {"GREENTIC_DIST_RETRY_BASE_MS", QStringLiteral("0")},
                              {"GREENTIC_CACHE_MAX_BYTES", QStringLiteral("-1")},
                              {"GREENTIC_DIST_EXTRACT_MAX_BYTES", QStringLiteral("99999999999999999999")}}));
        QCOMPARE(s.timeoutSecs(), std::nullopt);
        QCOMPARE(s.maxAttempts(), std::nullopt);
        QCOMPARE(s.maxStalls(), std::optional<int>(2));
        QCOMPARE(s.retryBaseMs(), std::optional<int>(0));
        QCOMPARE(s.cacheMaxBytes(), std::nullopt);
        QCOMPARE(s.extractMaxBytes(), std::nullopt);
        QCOMPARE(Settings(env({{"GREENTIC_CACHE_MAX_BYTES", QStringLiteral("0")}})).cacheMaxBytes(),
                 std::optional<qint64>(0));
    }

    void bundledPacksFromTheDataDirectories()
    {
        QTemporaryDir data;
        QVERIFY(data.isValid());
        QVERIFY(QDir().mkpath(data.path() + QStringLiteral("/second/greentic-dist/packs")));
        const QString dirs = data.path() + QStringLiteral("/first:relative:") + data.path() + QStringLiteral("/second");
        QCOMPARE(Settings(env({{"XDG_DATA_DIRS", dirs}})).bundledPacksDir(),
                 data.path() + QStringLiteral("/second/greentic-dist/packs"));
        QCOMPARE(Settings(env({{"XDG_DATA_DIRS", dirs}, {"GREENTIC_DIST_BUNDLED_PACKS_DIR", QStringLiteral("/p")}}))
                     .bundledPacksDir(),
                 QStringLiteral("/p"));
        QCOMPARE(Settings(env({{"XDG_DATA_DIRS", data.path() + QStringLiteral("/first")},
                               {"XDG_DATA_HOME", data.path() + QStringLiteral("/none")}}))
                     .bundledPacksDir(),
                 QString());
    }

    void flagsOnlyOnExactValues()
    {
        QVERIFY(Settings(env({{"GREENTIC_DIST_OFFLINE", QStringLiteral("1")}})).offline());
        QVERIFY(!Settings(env({{"GREENTIC_DIST_OFFLINE", QStringLiteral("true")}})).offline());
        QVERIFY(Settings(env({{"ASSAY_REGISTRY_OIDC", QStringLiteral("TRUE")}})).packRegistryOidc());
        QVERIFY(!Settings(env({{"ASSAY_REGISTRY_OIDC", QStringLiteral("yes")}})).packRegistryOidc());
        QCOMPARE(Settings(env({{"GREENTIC_DIST_PLATFORM", QStringLiteral(" wasi/wasm32 ")}})).platform(),
                 QStringLiteral("wasi/wasm32"));
    }

    void findsExecutablesOnThisPath()
    {
        QTemporaryDir bin;
        QVERIFY(bin.isValid());
        QFile tool(bin.path() + QStringLiteral("/docker-credential-test"));
        QVERIFY(tool.open(QIODevice::WriteOnly));
        tool.write("#!/bin/sh\n");
        tool.close();
        QVERIFY(tool.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        QCOMPARE(Settings(env({{"PATH", bin.path()}})).findExecutable(QStringLiteral("docker-credential-test")),
                 tool.fileName());
        QCOMPARE(Settings(env({})).findExecutable(QStringLiteral("docker-credential-test")), QString());
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
