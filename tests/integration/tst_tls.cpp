// SPDX-License-Identifier: MIT
// TLS registries with a private CA: a real docker-registry serving https with a certificate from a
// CA made here, trusted only through containers-certs.d (as podman, skopeo and Docker do), and the
// same registry reached through a real forward proxy (tinyproxy) as a CONNECT tunnel.
#include "CliRunner.h"
#include "ForwardProxy.h"
#include "TestRegistry.h"
#include "TestWaits.h"

#include <config/RegistryCertificates.h>

#include <QDir>
#include <QFile>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

class TestTls : public QObject
{
    Q_OBJECT

    TestRegistry m_registry;
    QTemporaryDir m_work;
    QString m_name; // <loopback name>:<port>, the name the server certificate is issued for
    int m_caches = 0;

    QString path(const QString& name) const { return m_work.filePath(name); }
    static QString openssl(const QStringList& args)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("openssl"), args);
        if (!p.waitForFinished(scaled(60000)) || p.exitCode() != 0) {
            return QStringLiteral("openssl %1: %2").arg(args.join(u' '), QString::fromUtf8(p.readAll()));
        }
        return {};
    }
    static void write(const QString& file, const QByteArray& bytes)
    {
        QDir().mkpath(QFileInfo(file).absolutePath());
        QFile f(file);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(bytes);
    }
    // A CliRunner whose ~/.config/containers/certs.d is `config`/containers/certs.d.
    CliRunner runner(const QString& config)
    {
        CliRunner cli(path(QStringLiteral("cache-%1").arg(++m_caches)));
        cli.env().insert(QStringLiteral("XDG_CONFIG_HOME"), config);
        cli.env().insert(QStringLiteral("HOME"), path(QStringLiteral("home")));
        return cli;
    }
    QString trustingConfig()
    {
        const QString config = path(QStringLiteral("trusting"));
        write(config + QStringLiteral("/containers/certs.d/") + m_name + QStringLiteral("/ca.crt"),
              readFile(path(QStringLiteral("ca.crt"))));
        return config;
    }
    static QByteArray readFile(const QString& file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    QStringList pullArgs() const { return {QStringLiteral("pull"), m_name + QStringLiteral("/org/comp:1")}; }

private Q_SLOTS:
    void initTestCase()
    {
        const QString name = loopbackName();
        if (name.isEmpty()) {
            QSKIP("this machine has no name other than localhost for 127.x");
        }
        // a CA, and a server certificate it signs for the loopback name
        QString failed = openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                                  QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                                  QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=greentic test CA"),
                                  QStringLiteral("-keyout"), path(QStringLiteral("ca.key")), QStringLiteral("-out"),
                                  path(QStringLiteral("ca.crt"))});
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        failed = openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                          QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/CN=") + name,
                          QStringLiteral("-keyout"), path(QStringLiteral("server.key")), QStringLiteral("-out"),
                          path(QStringLiteral("server.csr"))});
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        write(path(QStringLiteral("ext.cnf")),
              QStringLiteral("subjectAltName=DNS:%1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
                  .arg(name)
                  .toUtf8());
        failed = openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                          path(QStringLiteral("server.csr")), QStringLiteral("-CA"), path(QStringLiteral("ca.crt")),
                          QStringLiteral("-CAkey"), path(QStringLiteral("ca.key")), QStringLiteral("-CAcreateserial"),
                          QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
                          path(QStringLiteral("ext.cnf")), QStringLiteral("-out"), path(QStringLiteral("server.crt"))});
        QVERIFY2(failed.isEmpty(), qPrintable(failed));

        m_registry.setExtraConfig(QStringLiteral("  tls:\n    certificate: %1\n    key: %2\n")
                                      .arg(path(QStringLiteral("server.crt")), path(QStringLiteral("server.key"))));
        const QString started = m_registry.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        m_name = QStringLiteral("%1:%2").arg(name).arg(m_registry.port());

        const QString pushed
            = m_registry.pushComponent(path(QStringLiteral("layout")), QStringLiteral("org/comp"), QStringLiteral("1"),
                                       QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(30000, 't'));
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));
    }

    void privateCaIsRefusedUntilTrusted()
    {
        CliRunner cli = runner(path(QStringLiteral("empty-config")));
        const CliResult r = cli.run(pullArgs());
        QCOMPARE(r.exitCode, 10);
        QCOMPARE(r.err.count('\n'), 1);
        // the way out is in the message
        QVERIFY2(r.err.contains(QStringLiteral("certs.d/%1/ca.crt").arg(m_name).toUtf8()), r.err.constData());
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--json")}).out.trimmed(),
                 QByteArray("[]"));
    }

    void certsDirectoryTrustsThePrivateCa()
    {
        CliRunner cli = runner(trustingConfig());
        const CliResult r = cli.run(pullArgs());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("verify")}).exitCode, 0);
        const CliResult resolved = cli.run({QStringLiteral("resolve"), m_name + QStringLiteral("/org/comp:1")});
        QVERIFY2(resolved.exitCode == 0, resolved.err.constData());
    }

    void httpsThroughAProxyTunnel()
    {
        QVERIFY(QDir().mkpath(path(QStringLiteral("proxy"))));
        ForwardProxy proxy(path(QStringLiteral("proxy")), QString());
        const QString ready = proxy.waitReady();
        QVERIFY2(ready.isEmpty(), qPrintable(ready));
        CliRunner cli = runner(trustingConfig());
        cli.env().insert(QStringLiteral("HTTPS_PROXY"), proxy.url());
        const CliResult r = cli.run(pullArgs());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // encrypted end to end: the proxy saw only the tunnel, never a request path
        QVERIFY2(proxy.requests("CONNECT " + m_name.toUtf8()) >= 1, proxy.log().constData());
        QCOMPARE(proxy.requests("/v2/"), 0);
    }

    void brokenCertificateFilesAreNamed()
    {
        const QString config = path(QStringLiteral("broken"));
        const QString bad = config + QStringLiteral("/containers/certs.d/") + m_name + QStringLiteral("/ca.crt");
        write(bad, "not a certificate\n");
        CliRunner cli = runner(config);
        const CliResult r = cli.run(pullArgs());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(bad.toUtf8()), r.err.constData());
    }

    void clientCertificateIsPickedUp()
    {
        const QString config = path(QStringLiteral("client"));
        const QString dir = config + QStringLiteral("/containers/certs.d/registry.example:5000");
        write(dir + QStringLiteral("/ca.crt"), readFile(path(QStringLiteral("ca.crt"))));
        write(dir + QStringLiteral("/client.cert"), readFile(path(QStringLiteral("server.crt"))));
        write(dir + QStringLiteral("/client.key"), readFile(path(QStringLiteral("server.key"))));
        qputenv("XDG_CONFIG_HOME", config.toUtf8());
        auto tls = RegistryCertificates::configurationFor(QStringLiteral("registry.example:5000"));
        QVERIFY(tls);
        QVERIFY(tls->has_value());
        QCOMPARE((*tls)->localCertificate().subjectInfo(QSslCertificate::CommonName).value(0),
                 m_name.section(u':', 0, 0));
        QVERIFY(!(*tls)->privateKey().isNull());
        // the directory does not apply to the same host on another port
        auto other = RegistryCertificates::configurationFor(QStringLiteral("registry.example:5001"));
        QVERIFY(other && !other->has_value());
        // a key that is not a key
        write(dir + QStringLiteral("/client.key"), "garbage\n");
        auto broken = RegistryCertificates::configurationFor(QStringLiteral("registry.example:5000"));
        QVERIFY(!broken);
        QVERIFY2(broken.message().contains(QStringLiteral("client.key")), qPrintable(broken.message()));
        // names that would climb out of certs.d are never looked up
        QVERIFY(RegistryCertificates::directoryFor(QStringLiteral("../etc")).isEmpty());
        qunsetenv("XDG_CONFIG_HOME");
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
