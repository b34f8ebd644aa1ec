// SPDX-License-Identifier: MIT
// The keychain backend against a real Secret Service (gnome-keyring in a private D-Bus session),
// and on a bus with no Secret Service at all. Run through run-with-keyring.sh /
// run-without-keyring.sh; DIST_EXPECT_NO_KEYCHAIN tells which, and which of the two suites runs.
#include "CliRunner.h"
#include "KeychainCredentialStore.h"
#include "TestWaits.h"

#include <credentials/CredentialProvider.h>
#include <credentials/DockerAuthSource.h>

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace dist;

// The store and its blocking helpers, shared by both suites.
class KeychainFixture : public QObject
{
    Q_OBJECT

protected:
    KeychainCredentialStore m_store{QStringLiteral("greentic-dist-test")};
    QObject m_context;

    Result<std::optional<StoredCredential>> read(const QString& key)
    {
        std::optional<Result<std::optional<StoredCredential>>> r;
        m_store.read(key, &m_context, [&](Result<std::optional<StoredCredential>> v) { r = std::move(v); });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, dist::test::scaled(20000))) {
            return makeError(ErrorCode::Io, QStringLiteral("timed out"));
        }
        return *r;
    }
    Result<void> write(const QString& key, const StoredCredential& c)
    {
        std::optional<Result<void>> r;
        m_store.write(key, c, &m_context, [&](Result<void> v) { r = std::move(v); });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, dist::test::scaled(20000))) {
            return makeError(ErrorCode::Io, QStringLiteral("timed out"));
        }
        return *r;
    }
    Result<void> remove(const QString& key)
    {
        std::optional<Result<void>> r;
        m_store.remove(key, &m_context, [&](Result<void> v) { r = std::move(v); });
        if (!QTest::qWaitFor([&] { return r.has_value(); }, dist::test::scaled(20000))) {
            return makeError(ErrorCode::Io, QStringLiteral("timed out"));
        }
        return *r;
    }
};

// A session bus with a Secret Service (gnome-keyring): secrets go to it and only to it.
class TestKeychainStore : public KeychainFixture
{
    Q_OBJECT

private Q_SLOTS:
    void storeReadOverwriteDelete()
    {
        const QString key = CredentialKey::tenant(QStringLiteral("acme"));
        auto missing = read(key);
        QVERIFY2(missing, qPrintable(missing ? QString() : missing.message()));
        QVERIFY(!missing->has_value());
        QVERIFY(write(key, {QStringLiteral("acme"), QStringLiteral("first-token")}));
        auto first = read(key);
        QVERIFY(first && first->has_value());
        QCOMPARE((*first)->secret, QStringLiteral("first-token"));
        QCOMPARE((*first)->username, QStringLiteral("acme"));
        QVERIFY(write(key, {QStringLiteral("acme"), QStringLiteral("second-token")}));
        QCOMPARE((*read(key))->secret, QStringLiteral("second-token"));
        // another key is another entry
        QVERIFY(
            write(CredentialKey::registry(QStringLiteral("ghcr.io")), {QStringLiteral("bob"), QStringLiteral("b")}));
        QCOMPARE((*read(key))->secret, QStringLiteral("second-token"));
        QVERIFY(remove(key));
        QVERIFY(!read(key)->has_value());
        QVERIFY(remove(key)); // removing what is gone is fine
        QVERIFY(read(CredentialKey::registry(QStringLiteral("ghcr.io")))->has_value());
    }

    void cliLoginUsesTheKeychain()
    {
        test::CliRunner cli(QDir::tempPath() + QStringLiteral("/kc-cache"));
        cli.env().remove(QStringLiteral("GREENTIC_DIST_CREDENTIAL_STORE"));
        const test::CliResult login = cli.runWithInput(
            {QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("keyco"), QStringLiteral("--token-stdin")},
            "keychain-secret-123");
        QVERIFY2(login.exitCode == 0, login.err.constData());
        const test::CliResult ls = cli.run({QStringLiteral("auth"), QStringLiteral("ls"), QStringLiteral("--json")});
        QVERIFY(ls.out.contains("\"backend\": \"keychain\""));
        QVERIFY(!ls.out.contains("keychain-secret-123"));
        // the secret is not in any file under HOME
        QProcess grep;
        grep.start(QStringLiteral("grep"),
                   {QStringLiteral("-r"), QStringLiteral("-l"), QStringLiteral("keychain-secret-123"),
                    qEnvironmentVariable("XDG_CONFIG_HOME")});
        QVERIFY(grep.waitForFinished(dist::test::scaled(10000)));
        QCOMPARE(grep.readAllStandardOutput(), QByteArray());
        QCOMPARE(cli.run({QStringLiteral("auth"), QStringLiteral("logout"), QStringLiteral("keyco")}).exitCode, 0);
    }

    void dockerCredentialSecretServiceHelper()
    {
        // Store through the real helper, as `docker login` would.
        QProcess store;
        store.start(QStringLiteral("docker-credential-secretservice"), {QStringLiteral("store")});
        QVERIFY(store.waitForStarted(dist::test::scaled(30000)));
        store.write(QJsonDocument(QJsonObject{{QStringLiteral("ServerURL"), QStringLiteral("registry.example.test")},
                                              {QStringLiteral("Username"), QStringLiteral("helper-user")},
                                              {QStringLiteral("Secret"), QStringLiteral("helper-secret")}})
                        .toJson(QJsonDocument::Compact));
        store.closeWriteChannel();
        QVERIFY(store.waitForFinished(dist::test::scaled(20000)));
        QCOMPARE(store.exitCode(), 0);

        const QString config = QDir::tempPath() + QStringLiteral("/helper-config.json");
        QFile f(config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"credHelpers": {"registry.example.test": "secretservice"}})");
        f.close();
        DockerAuthSource source({config});
        const DockerAuthSource::Hit hit = source.find(QStringLiteral("registry.example.test"));
        QCOMPARE(hit.helper, QStringLiteral("secretservice"));
        std::optional<Result<std::optional<RegistryCredential>>> r;
        DockerAuthSource::askHelper(hit.helper, QStringLiteral("registry.example.test"), &m_context,
                                    [&](Result<std::optional<RegistryCredential>> v) { r = std::move(v); });
        QVERIFY(QTest::qWaitFor([&] { return r.has_value(); }, dist::test::scaled(20000)));
        QVERIFY(*r && (*r)->has_value());
        QCOMPARE((**r)->username, QStringLiteral("helper-user"));
        QCOMPARE((**r)->secret, QStringLiteral("helper-secret"));
        // an unknown server is "none", not an error
        r.reset();
        DockerAuthSource::askHelper(hit.helper, QStringLiteral("nowhere.example.test"), &m_context,
                                    [&](Result<std::optional<RegistryCredential>> v) { r = std::move(v); });
        QVERIFY(QTest::qWaitFor([&] { return r.has_value(); }, dist::test::scaled(20000)));
        QVERIFY(*r && !(*r)->has_value());
    }
};

// A session bus without a Secret Service (a headless server): a clear error and the way out.
class TestNoKeychain : public KeychainFixture
{
    Q_OBJECT

private Q_SLOTS:
    void noKeychainSaysWhyAndHowToFix()
    {
        auto w = write(CredentialKey::tenant(QStringLiteral("acme")), {QStringLiteral("acme"), QStringLiteral("t")});
        QVERIFY(!w);
        QCOMPARE(w.code(), ErrorCode::AuthRequired);
        QVERIFY2(w.message().contains(QLatin1String("--credential-store file")), qPrintable(w.message()));
        QVERIFY(!w.message().contains(QLatin1String("\n")));
        test::CliRunner cli(QDir::tempPath() + QStringLiteral("/nokc-cache"));
        cli.env().remove(QStringLiteral("GREENTIC_DIST_CREDENTIAL_STORE"));
        const test::CliResult login = cli.runWithInput(
            {QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("acme"), QStringLiteral("--token-stdin")},
            "tok");
        QCOMPARE(login.exitCode, 5);
        QVERIFY(login.err.startsWith("no OS keychain is reachable"));
        QVERIFY(login.err.contains("GREENTIC_DIST_CREDENTIAL_STORE=file"));
        // the explicit file store works on the same machine
        const test::CliResult file = cli.runWithInput({QStringLiteral("auth"), QStringLiteral("login"),
                                                       QStringLiteral("acme"), QStringLiteral("--token-stdin"),
                                                       QStringLiteral("--credential-store"), QStringLiteral("file")},
                                                      "tok");
        QCOMPARE(file.exitCode, 0);
        // an anonymous pull never touches the missing keychain
        const test::CliResult resolve = cli.run({QStringLiteral("resolve"), QStringLiteral("./nothing-here.wasm")});
        QCOMPARE(resolve.exitCode, 3);
    }
};

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariable("DIST_EXPECT_NO_KEYCHAIN") == u"1") {
        TestNoKeychain suite;
        return QTest::qExec(&suite, argc, argv);
    }
    TestKeychainStore suite;
    return QTest::qExec(&suite, argc, argv);
}
#include "tst_keychainstore.moc"
