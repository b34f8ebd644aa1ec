// SPDX-License-Identifier: MIT
// Proxies from the environment against a real forward proxy (Debian's tinyproxy) in front of a real
// docker-registry. Loopback hosts are never proxied, so the registry is addressed by another name of
// this machine that resolves to 127.x (its host name, or a name in /etc/hosts): the proxy resolves
// it, the traffic stays on loopback.
#include "CliRunner.h"
#include "ForwardProxy.h"
#include "TestRegistry.h"

#include <QFile>
#include <QHostInfo>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace dist;
using namespace dist::test;

class TestProxy : public QObject
{
    Q_OBJECT

    TestRegistry m_registry;
    QTemporaryDir m_work;
    QString m_name; // the registry's host under a loopback name that is not `localhost`
    QString m_conf; // registries.conf: that host speaks plain http
    int m_caches = 0;
    std::unique_ptr<ForwardProxy> m_proxy;
    std::unique_ptr<ForwardProxy> m_authProxy;

    static constexpr const char* kProxyPassword = "pr0xy-pa55word";

    CliRunner runner() { return CliRunner(m_work.filePath(QStringLiteral("cache-%1").arg(++m_caches))); }
    QString ref() const { return m_name + QStringLiteral("/org/comp:1"); }
    CliResult pull(CliRunner& cli, const QStringList& extra = {}) const
    {
        return cli.run(QStringList{QStringLiteral("pull"), ref(), QStringLiteral("--registries-conf"), m_conf} + extra);
    }
    static quint16 deadPort() { return TestRegistry::freePort(); }

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("tinyproxy")).isEmpty()) {
            QFAIL("tinyproxy is not installed (scripts/install-deps.sh installs it)");
        }
        const QString name = loopbackName();
        if (name.isEmpty()) {
            QSKIP("this machine has no name other than localhost for 127.x: nothing can be proxied on loopback");
        }
        const QString started = m_registry.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        m_name = QStringLiteral("%1:%2").arg(name).arg(m_registry.port());

        const QString pushed = m_registry.pushComponent(m_work.filePath(QStringLiteral("layout")),
                                                        QStringLiteral("org/comp"), QStringLiteral("1"),
                                                        QByteArray("\0asm\x0d\0\x01\0", 8) + QByteArray(50000, 'p'));
        QVERIFY2(pushed.isEmpty(), qPrintable(pushed));

        m_conf = m_work.filePath(QStringLiteral("registries.conf"));
        QFile conf(m_conf);
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write(QStringLiteral("[[registry]]\nlocation = \"%1\"\ninsecure = true\n").arg(m_name).toUtf8());
        conf.close();

        QVERIFY(QDir().mkpath(m_work.filePath(QStringLiteral("open"))));
        QVERIFY(QDir().mkpath(m_work.filePath(QStringLiteral("auth"))));
        m_proxy = std::make_unique<ForwardProxy>(m_work.filePath(QStringLiteral("open")), QString());
        m_authProxy
            = std::make_unique<ForwardProxy>(m_work.filePath(QStringLiteral("auth")),
                                             QStringLiteral("BasicAuth alice %1").arg(QLatin1String(kProxyPassword)));
        QString ready = m_proxy->waitReady();
        QVERIFY2(ready.isEmpty(), qPrintable(ready));
        ready = m_authProxy->waitReady();
        QVERIFY2(ready.isEmpty(), qPrintable(ready));
    }

    void pullGoesThroughTheProxy()
    {
        CliRunner cli = runner();
        cli.env().insert(QStringLiteral("HTTP_PROXY"), m_proxy->url());
        const QByteArray v2 = QStringLiteral("http://%1/v2/org/comp/").arg(m_name).toUtf8();
        const int before = m_proxy->requests(v2);
        const CliResult r = pull(cli, {QStringLiteral("-v")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // the manifest and the blob, both forwarded by the proxy
        QVERIFY2(m_proxy->requests(v2 + "manifests/1") >= 1, m_proxy->log().constData());
        QVERIFY2(m_proxy->requests(v2 + "blobs/sha256:") >= 1, m_proxy->log().constData());
        QVERIFY(m_proxy->requests(v2) - before >= 2);
        QVERIFY2(r.err.contains(QStringLiteral("http://%1 via %2").arg(m_name, m_proxy->url()).toUtf8()),
                 r.err.constData());
        QCOMPARE(cli.run({QStringLiteral("cache"), QStringLiteral("verify")}).exitCode, 0);
    }

    void exceptionsGoDirect()
    {
        const QString host = m_name.section(u':', 0, 0);
        for (const QString& noProxy : {host, QStringLiteral("*"), QStringLiteral("example.com, %1").arg(m_name)}) {
            CliRunner cli = runner();
            cli.env().insert(QStringLiteral("HTTP_PROXY"), QStringLiteral("http://127.0.0.1:%1").arg(deadPort()));
            cli.env().insert(QStringLiteral("NO_PROXY"), noProxy);
            const CliResult r = pull(cli);
            QVERIFY2(r.exitCode == 0, qPrintable(noProxy + u' ' + QString::fromUtf8(r.err)));
        }
        // loopback addresses never use a proxy
        CliRunner cli = runner();
        cli.env().insert(QStringLiteral("HTTP_PROXY"), QStringLiteral("http://127.0.0.1:%1").arg(deadPort()));
        const CliResult r = cli.run({QStringLiteral("pull"), m_registry.host() + QStringLiteral("/org/comp:1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void deadProxyIsNamed()
    {
        CliRunner cli = runner();
        const QString dead = QStringLiteral("http://127.0.0.1:%1").arg(deadPort());
        cli.env().insert(QStringLiteral("HTTP_PROXY"), dead);
        cli.env().insert(QStringLiteral("GREENTIC_DIST_MAX_ATTEMPTS"), QStringLiteral("2"));
        const CliResult r = pull(cli);
        QCOMPARE(r.exitCode, 10);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains(QStringLiteral("through the proxy %1").arg(dead).toUtf8()), r.err.constData());
    }

    void proxyCredentials()
    {
        // none: 407 is an authentication problem, named as the proxy's
        CliRunner cli = runner();
        cli.env().insert(QStringLiteral("HTTP_PROXY"), m_authProxy->url());
        CliResult r = pull(cli);
        QCOMPARE(r.exitCode, 5);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains("proxy") && r.err.contains("407"), r.err.constData());

        // wrong password: the same
        cli.env().insert(QStringLiteral("HTTP_PROXY"), m_authProxy->url(QStringLiteral("alice:wrong")));
        QCOMPARE(pull(cli).exitCode, 5);

        // right: pulled through it, and the password shows up nowhere
        cli.env().insert(QStringLiteral("HTTP_PROXY"),
                         m_authProxy->url(QStringLiteral("alice:") + QLatin1String(kProxyPassword)));
        const int before = m_authProxy->requests(m_name.toUtf8());
        r = pull(cli, {QStringLiteral("-v")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(m_authProxy->requests(m_name.toUtf8()) > before);
        QVERIFY(!r.err.contains(kProxyPassword));
        QVERIFY(!r.out.contains(kProxyPassword));
        r = cli.run(
            {QStringLiteral("cache"), QStringLiteral("ls"), QStringLiteral("--long"), QStringLiteral("--json")});
        QVERIFY(!r.out.contains(kProxyPassword));
    }

    void brokenProxyVariable()
    {
        CliRunner cli = runner();
        cli.env().insert(QStringLiteral("HTTPS_PROXY"),
                         QStringLiteral("https://bob:%1@proxy.corp:3128").arg(QLatin1String(kProxyPassword)));
        // anything that goes to the network stops with the reason, before sending a byte
        CliResult r = pull(cli);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY2(r.err.contains("HTTPS_PROXY=https://proxy.corp:3128"), r.err.constData());
        QVERIFY(!r.err.contains(kProxyPassword));
        // what stays local still works
        r = cli.run({QStringLiteral("cache"), QStringLiteral("ls")});
        QCOMPARE(r.exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
