// SPDX-License-Identifier: MIT
// Private pulls against real registries: one with token auth (a test token server issuing JWTs the
// registry trusts), one with htpasswd Basic auth. Credentials go through `auth login` (file store),
// Docker's config.json, or nowhere; no secret may show up in any output.
#include "CliRunner.h"
#include "OciLayout.h"
#include "TestRegistry.h"
#include "TestWaits.h"
#include "TokenServer.h"

#include <core/Sha256.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

namespace {
const QString kAlice = QStringLiteral("alice-secret-token-9f2c");
const QString kTenant = QStringLiteral("acme-tenant-token-41aa");
const QString kBob = QStringLiteral("bob-password-7d1e");
const QStringList kSecrets = {kAlice, kTenant, kBob, QStringLiteral("not-the-right-token-00")};
} // namespace

class TestRegistryAuth : public QObject
{
    Q_OBJECT

    TokenServer m_tokens;
    TestRegistry m_tokenRegistry;
    TestRegistry m_basicRegistry;
    QTemporaryDir m_work;
    int m_homes = 0;

    // A CLI with its own HOME, config, Docker config and cache: nothing leaks between cases.
    CliRunner fresh()
    {
        const QString home = m_work.filePath(QStringLiteral("home-%1").arg(++m_homes));
        QDir().mkpath(home + QStringLiteral("/run"));
        CliRunner cli(home + QStringLiteral("/cache"));
        cli.env().insert(QStringLiteral("HOME"), home);
        cli.env().insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        cli.env().insert(QStringLiteral("XDG_RUNTIME_DIR"), home + QStringLiteral("/run"));
        cli.env().insert(QStringLiteral("DOCKER_CONFIG"), home + QStringLiteral("/docker"));
        cli.env().insert(QStringLiteral("GREENTIC_DIST_CREDENTIAL_STORE"), QStringLiteral("file"));
        cli.env().remove(QStringLiteral("REGISTRY_AUTH_FILE"));
        return cli;
    }

    static void assertNoSecrets(const CliResult& r)
    {
        for (const QString& secret : kSecrets) {
            QVERIFY2(!r.out.contains(secret.toUtf8()), "a secret reached stdout");
            QVERIFY2(!r.err.contains(secret.toUtf8()), "a secret reached stderr");
        }
    }

    QString tokenRef(const QString& repo) const { return m_tokenRegistry.host() + u'/' + repo; }
    QString basicRef(const QString& repo) const { return m_basicRegistry.host() + u'/' + repo; }

private Q_SLOTS:
    void initTestCase()
    {
        QString error = m_tokens.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_tokens.addUser(QStringLiteral("alice"), kAlice);
        m_tokens.addUser(QStringLiteral("acme"), kTenant);
        m_tokens.setPublicRepository(QStringLiteral("public/hello"));
        m_tokenRegistry.setExtraConfig(m_tokens.registryAuthConfig());
        m_tokenRegistry.setPushCredentials(QStringLiteral("alice:") + kAlice);
        error = m_tokenRegistry.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));

        QProcess htpasswd;
        htpasswd.start(QStringLiteral("htpasswd"), {QStringLiteral("-Bbn"), QStringLiteral("bob"), kBob});
        QVERIFY(htpasswd.waitForFinished(scaled(30000)));
        const QString htpasswdFile = m_basicRegistry.path() + QStringLiteral("/htpasswd");
        QFile f(htpasswdFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(htpasswd.readAllStandardOutput());
        f.close();
        m_basicRegistry.setExtraConfig(
            QStringLiteral("auth:\n  htpasswd:\n    realm: greentic-test\n    path: %1\n").arg(htpasswdFile));
        m_basicRegistry.setPushCredentials(QStringLiteral("bob:") + kBob);
        error = m_basicRegistry.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));

        const QString layoutDir = m_work.filePath(QStringLiteral("layout"));
        OciLayout layout(layoutDir);
        const OciDescriptor layer
            = layout.addBlob(QByteArray("\0asm\x0d\0\x01\0private-component", 25), QStringLiteral("application/wasm"));
        layout.tag(QStringLiteral("c"), layout.addManifest({layer}));
        layout.finish();
        m_tokens.addUser(QStringLiteral("pusher"), QStringLiteral("push"));
        for (const QString& repo : {QStringLiteral("private/hello"), QStringLiteral("private/second"),
                                    QStringLiteral("public/hello"), QStringLiteral("greentic-biz/catalogs/zain-x")}) {
            // alice may push anywhere: her token grants every scope she asks for
            const QString pushed = m_tokenRegistry.push(layoutDir, QStringLiteral("c"), repo, QStringLiteral("1"));
            QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
        }
        const QString pushed = m_basicRegistry.push(layoutDir, QStringLiteral("c"), QStringLiteral("private/hello"),
                                                    QStringLiteral("1"));
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
    }

    void tokenAuthNeedsALogin()
    {
        const CliRunner cli = fresh();
        const CliResult anonymous = cli.run({QStringLiteral("pull"), tokenRef(QStringLiteral("private/hello:1"))});
        QCOMPARE(anonymous.exitCode, 5);
        QVERIFY2(anonymous.err.startsWith("unauthorized for `"), anonymous.err.constData());
        const CliResult login = cli.runWithInput(
            {QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("--registry"), m_tokenRegistry.host(),
             QStringLiteral("--username"), QStringLiteral("alice"), QStringLiteral("--token-stdin")},
            kAlice.toUtf8() + '\n');
        QVERIFY2(login.exitCode == 0, login.err.constData());
        assertNoSecrets(login);
        const CliResult pulled = cli.run({QStringLiteral("pull"), tokenRef(QStringLiteral("private/hello:1")),
                                          QStringLiteral("--json"), QStringLiteral("-v")});
        QVERIFY2(pulled.exitCode == 0, pulled.err.constData());
        assertNoSecrets(pulled);
        QVERIFY(m_tokens.accounts().contains(QStringLiteral("alice")));
        const CliResult ls = cli.run({QStringLiteral("auth"), QStringLiteral("ls"), QStringLiteral("--json")});
        QCOMPARE(ls.exitCode, 0);
        assertNoSecrets(ls);
        const QJsonArray entries = QJsonDocument::fromJson(ls.out).object().value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(entries.first().toObject().value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
        QCOMPARE(entries.first().toObject().value(QStringLiteral("backend")).toString(), QStringLiteral("file"));
        // the file store is private to the user
        const QFileInfo file(cli.env().value(QStringLiteral("XDG_CONFIG_HOME"))
                             + QStringLiteral("/greentic/dist/credentials.json"));
        QCOMPARE(file.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther), QFileDevice::Permissions());
        QVERIFY(QFile::setPermissions(file.filePath(), file.permissions() | QFileDevice::ReadOther));
        const CliResult refused = cli.run({QStringLiteral("pull"), tokenRef(QStringLiteral("private/second:1"))});
        QCOMPARE(refused.exitCode, 5);
        QVERIFY2(refused.err.contains("chmod 600"), refused.err.constData());
    }

    void exposedCredentialFileIsRefusedBeforeAnythingIsRead()
    {
        const CliRunner cli = fresh();
        QCOMPARE(cli.runWithInput({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("--registry"),
                                   m_tokenRegistry.host(), QStringLiteral("--username"), QStringLiteral("alice"),
                                   QStringLiteral("--token-stdin")},
                                  kAlice.toUtf8())
                     .exitCode,
                 0);
        const QString dir = cli.env().value(QStringLiteral("XDG_CONFIG_HOME")) + QStringLiteral("/greentic/dist");
        const QString path = dir + QStringLiteral("/credentials.json");
        QCOMPARE(QFileInfo(dir).permissions() & (QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        const QByteArray before = [&] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QVERIFY(!before.isEmpty());

        // 0644, as a careless copy leaves it: every command that touches the store refuses.
        QVERIFY(QFile::setPermissions(
            path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        const QList<QStringList> commands = {
            {QStringLiteral("auth"), QStringLiteral("ls")},
            {QStringLiteral("auth"), QStringLiteral("ls"), QStringLiteral("--json")},
            {QStringLiteral("pull"), tokenRef(QStringLiteral("private/hello:1"))},
        };
        for (const QStringList& args : commands) {
            const CliResult r = cli.run(args);
            QVERIFY2(r.exitCode == 5, qPrintable(args.join(u' ') + u' ' + QString::fromUtf8(r.err)));
            QVERIFY2(r.out.isEmpty(), r.out.constData());
            QVERIFY2(r.err.contains(path.toUtf8()) && r.err.contains("chmod 600"), r.err.constData());
            assertNoSecrets(r);
        }
        const CliResult login = cli.runWithInput(
            {QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("--registry"), m_basicRegistry.host(),
             QStringLiteral("--username"), QStringLiteral("bob"), QStringLiteral("--token-stdin")},
            kBob.toUtf8());
        QCOMPARE(login.exitCode, 5);
        QVERIFY2(login.err.contains("chmod 600"), login.err.constData());
        QFile after(path);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), before); // a refused store is not rewritten either

        // A private file in a directory others can write (they could swap the file) is refused too.
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QCOMPARE(cli.run({QStringLiteral("auth"), QStringLiteral("ls")}).exitCode, 0);
        QVERIFY(QFile::setPermissions(dir,
                                      QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                          | QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                                          | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther));
        const CliResult openDir = cli.run({QStringLiteral("auth"), QStringLiteral("ls")});
        QCOMPARE(openDir.exitCode, 5);
        const QByteArray fix = "chmod 700 " + dir.toUtf8();
        QVERIFY2(openDir.err.contains(fix), openDir.err.constData());
        QVERIFY(QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        QCOMPARE(cli.run({QStringLiteral("auth"), QStringLiteral("ls")}).exitCode, 0);
    }

    void wrongTokenExits5ButPublicRepositoriesStillWork()
    {
        const CliRunner cli = fresh();
        QCOMPARE(cli.runWithInput({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("--registry"),
                                   m_tokenRegistry.host(), QStringLiteral("--username"), QStringLiteral("alice"),
                                   QStringLiteral("--token-stdin")},
                                  "not-the-right-token-00")
                     .exitCode,
                 0);
        const int refusalsBefore = m_tokens.refusals();
        const CliResult wrong = cli.run({QStringLiteral("pull"), tokenRef(QStringLiteral("private/hello:1"))});
        QCOMPARE(wrong.exitCode, 5);
        assertNoSecrets(wrong);
        QVERIFY(m_tokens.refusals() > refusalsBefore);
        // Refused credentials are retried anonymously: a public repository pulls fine.
        const CliResult pub = cli.run({QStringLiteral("pull"), tokenRef(QStringLiteral("public/hello:1"))});
        QVERIFY2(pub.exitCode == 0, pub.err.constData());
    }

    void storeTenantUsesTheTenantToken()
    {
        CliRunner cli = fresh();
        cli.env().insert(QStringLiteral("GREENTIC_DIST_GREENTIC_BIZ_REGISTRY"), m_tokenRegistry.host());
        const QString ref = QStringLiteral("store://greentic-biz/acme/catalogs/zain-x:1");
        const CliResult missing = cli.run({QStringLiteral("pull"), ref});
        QCOMPARE(missing.exitCode, 5);
        QCOMPARE(missing.err,
                 QByteArray("store auth error: tenant `acme` has no saved credentials; run "
                            "`greentic-dist auth login acme` first\n"));
        const CliResult login = cli.runWithInput(
            {QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("acme"), QStringLiteral("--token-stdin")},
            kTenant.toUtf8());
        QCOMPARE(login.exitCode, 0);
        QCOMPARE(login.err, QByteArray("saved auth for tenant `acme` for store://greentic-biz/acme/...\n"));
        const CliResult pulled = cli.run({QStringLiteral("pull"), ref, QStringLiteral("--json")});
        QVERIFY2(pulled.exitCode == 0, pulled.err.constData());
        assertNoSecrets(pulled);
        QVERIFY(m_tokens.accounts().contains(QStringLiteral("acme")));
    }

    void storeDownloadAsksOnceThenSaves()
    {
        CliRunner cli = fresh();
        cli.env().insert(QStringLiteral("GREENTIC_DIST_GREENTIC_BIZ_REGISTRY"), m_tokenRegistry.host());
        const QString ref = QStringLiteral("store://greentic-biz/acme/catalogs/zain-x:1");
        const QString outDir = m_work.filePath(QStringLiteral("downloads"));
        QDir().mkpath(outDir);
        QCOMPARE(
            cli.run({QStringLiteral("store"), QStringLiteral("download"), tokenRef(QStringLiteral("private/hello:1"))})
                .exitCode,
            2);
        QCOMPARE(
            cli.run({QStringLiteral("store"), QStringLiteral("download"), ref, QStringLiteral("--offline")}).exitCode,
            4);
        auto p = cli.start({QStringLiteral("store"), QStringLiteral("download"), ref, QStringLiteral("--token-stdin"),
                            QStringLiteral("--json"), QStringLiteral("--output"),
                            outDir + QStringLiteral("/catalog.wasm")});
        p->write(kTenant.toUtf8());
        p->closeWriteChannel();
        const CliResult r = CliRunner::collect(*p);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        assertNoSecrets(r);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.keys().size(), 7);
        QCOMPARE(o.value(QStringLiteral("mapped_reference")).toString(),
                 QStringLiteral("oci://") + tokenRef(QStringLiteral("greentic-biz/catalogs/zain-x:1")));
        QCOMPARE(o.value(QStringLiteral("media_type")).toString(), QStringLiteral("application/wasm"));
        QCOMPARE(o.value(QStringLiteral("output_path")).toString(), outDir + QStringLiteral("/catalog.wasm"));
        QFile out(outDir + QStringLiteral("/catalog.wasm"));
        QVERIFY(out.open(QIODevice::ReadOnly));
        QVERIFY(out.readAll().endsWith("private-component"));
        // the login was saved; the download did not go into the cache
        QVERIFY(cli.run({QStringLiteral("auth"), QStringLiteral("ls")}).out.contains("acme"));
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("ls")}).out, QByteArray());
        QVERIFY(QDir(outDir).entryList({QStringLiteral("*.partial")}, QDir::Files).isEmpty());
        // default name from the reference and the media type, in the working directory
        QProcess named;
        named.setProcessEnvironment(cli.env());
        named.setWorkingDirectory(outDir);
        named.start(CliRunner::binary(), {QStringLiteral("store"), QStringLiteral("download"), ref});
        const CliResult second = CliRunner::collect(named);
        QCOMPARE(second.exitCode, 0);
        QCOMPARE(second.out, (outDir + QStringLiteral("/zain-x.wasm\n")).toUtf8());
    }

    void htpasswdBasicAuth()
    {
        const CliRunner cli = fresh();
        const CliResult anonymous = cli.run({QStringLiteral("pull"), basicRef(QStringLiteral("private/hello:1"))});
        QCOMPARE(anonymous.exitCode, 5);
        QVERIFY(anonymous.err.contains("auth login --registry"));
        QCOMPARE(cli.runWithInput({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("--registry"),
                                   m_basicRegistry.host(), QStringLiteral("--username"), QStringLiteral("bob"),
                                   QStringLiteral("--token-stdin")},
                                  "not-the-right-token-00")
                     .exitCode,
                 0);
        const CliResult wrong = cli.run({QStringLiteral("pull"), basicRef(QStringLiteral("private/hello:1"))});
        QCOMPARE(wrong.exitCode, 5);
        assertNoSecrets(wrong);
        QCOMPARE(cli.runWithInput({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("--registry"),
                                   m_basicRegistry.host(), QStringLiteral("--username"), QStringLiteral("bob"),
                                   QStringLiteral("--token-stdin")},
                                  kBob.toUtf8())
                     .exitCode,
                 0);
        const CliResult pulled
            = cli.run({QStringLiteral("pull"), basicRef(QStringLiteral("private/hello:1")), QStringLiteral("-v")});
        QVERIFY2(pulled.exitCode == 0, pulled.err.constData());
        assertNoSecrets(pulled);
        QCOMPARE(cli.run({QStringLiteral("auth"), QStringLiteral("logout"), QStringLiteral("--registry"),
                          m_basicRegistry.host()})
                     .exitCode,
                 0);
        QCOMPARE(cli.run({QStringLiteral("auth"), QStringLiteral("logout"), QStringLiteral("--registry"),
                          m_basicRegistry.host()})
                     .exitCode,
                 3);
    }

    void dockerConfigAuths()
    {
        const CliRunner cli = fresh();
        const QString dockerDir = cli.env().value(QStringLiteral("DOCKER_CONFIG"));
        QDir().mkpath(dockerDir);
        QFile config(dockerDir + QStringLiteral("/config.json"));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(
            QJsonDocument(
                QJsonObject{{QStringLiteral("auths"),
                             QJsonObject{{QString(QStringLiteral("http://") + m_basicRegistry.host()),
                                          QJsonObject{{QStringLiteral("auth"),
                                                       QString::fromLatin1(
                                                           (QStringLiteral("bob:") + kBob).toUtf8().toBase64())}}}}}})
                .toJson());
        config.close();
        const CliResult pulled = cli.run({QStringLiteral("pull"), basicRef(QStringLiteral("private/hello:1"))});
        QVERIFY2(pulled.exitCode == 0, pulled.err.constData());
        assertNoSecrets(pulled);
    }

    void environmentToken()
    {
        CliRunner cli = fresh();
        const QString key = m_basicRegistry.host().toUpper().replace(u'.', u'_').replace(u':', u'_');
        cli.env().insert(QStringLiteral("GREENTIC_DIST_REGISTRY_USERNAME_") + key, QStringLiteral("bob"));
        cli.env().insert(QStringLiteral("GREENTIC_DIST_REGISTRY_TOKEN_") + key, kBob);
        const CliResult pulled
            = cli.run({QStringLiteral("pull"), basicRef(QStringLiteral("private/hello:1")), QStringLiteral("-v")});
        QVERIFY2(pulled.exitCode == 0, pulled.err.constData());
        assertNoSecrets(pulled);
        // the variable is per host: another registry does not get it
        const CliResult other = cli.run({QStringLiteral("pull"), tokenRef(QStringLiteral("private/hello:1"))});
        QCOMPARE(other.exitCode, 5);
    }

    void expiredBearerIsRenewedMidRun()
    {
        const CliRunner cli = fresh();
        QCOMPARE(cli.runWithInput({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("--registry"),
                                   m_tokenRegistry.host(), QStringLiteral("--username"), QStringLiteral("alice"),
                                   QStringLiteral("--token-stdin")},
                                  kAlice.toUtf8())
                     .exitCode,
                 0);
        const QString lock = m_work.filePath(QStringLiteral("renew.lock.json"));
        QFile f(lock);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonArray{tokenRef(QStringLiteral("private/hello:1")),
                                         tokenRef(QStringLiteral("private/second:1"))})
                    .toJson());
        f.close();
        const int before = m_tokens.tokensIssued();
        m_tokens.expireTokenAfter(2); // the second repository's first token is dead on arrival
        const CliResult r = cli.run(
            {QStringLiteral("pull"), QStringLiteral("--lock"), lock, QStringLiteral("--jobs"), QStringLiteral("1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(m_tokens.tokensIssued() - before, 3);
    }

    void promptDoesNotEcho()
    {
        const CliRunner cli = fresh();
        QProcess tty;
        tty.setProcessEnvironment(cli.env());
        tty.start(QStringLiteral("script"),
                  {QStringLiteral("-qec"), CliRunner::binary() + QStringLiteral(" auth login promptco"),
                   QStringLiteral("/dev/null")});
        QVERIFY(tty.waitForStarted(scaled(30000)));
        // The CLI turns echo off before it asks: the question on the terminal is the signal to answer.
        const QByteArray question = "GHCR token for tenant `promptco`: ";
        QByteArray screen;
        const bool asked = QTest::qWaitFor(
            [&] {
                screen += tty.readAllStandardOutput();
                return screen.contains(question) || tty.state() == QProcess::NotRunning;
            },
            scaled(30000));
        QVERIFY2(asked && screen.contains(question), screen.constData());
        tty.write(kTenant.toUtf8() + '\n');
        QVERIFY(QTest::qWaitFor([&] { return tty.state() == QProcess::NotRunning; }, scaled(30000)));
        screen += tty.readAllStandardOutput();
        QCOMPARE(tty.exitCode(), 0);
        QVERIFY2(!screen.contains(kTenant.toUtf8()), "the token was echoed");
        QVERIFY(cli.run({QStringLiteral("auth"), QStringLiteral("ls")}).out.contains("promptco"));
    }

    void cleanupTestCase()
    {
        m_tokenRegistry.stop();
        m_basicRegistry.stop();
    }
};

QTEST_GUILESS_MAIN(TestRegistryAuth)
#include "tst_registry_auth.moc"
