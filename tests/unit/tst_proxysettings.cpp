// SPDX-License-Identifier: MIT
#include <config/ProxySettings.h>

#include <QTest>

using namespace dist;

class TestProxySettings : public QObject
{
    Q_OBJECT

    // "A=1;B=2" → an environment holding just those variables.
    static QProcessEnvironment env(const QString& spec)
    {
        QProcessEnvironment e;
        for (const QString& pair : spec.split(u';', Qt::SkipEmptyParts)) {
            e.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
        }
        return e;
    }

private Q_SLOTS:
    void route_data()
    {
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("route");

        QTest::newRow("nothing set") << QStringLiteral("") << QStringLiteral("https://ghcr.io/v2/")
                                     << QStringLiteral("direct");
        QTest::newRow("https proxy, https url")
            << QStringLiteral("HTTPS_PROXY=proxy:3128") << QStringLiteral("https://ghcr.io/v2/")
            << QStringLiteral("http://proxy:3128");
        QTest::newRow("https proxy, http url") << QStringLiteral("HTTPS_PROXY=proxy:3128")
                                               << QStringLiteral("http://example.com/") << QStringLiteral("direct");
        QTest::newRow("http proxy, http url")
            << QStringLiteral("HTTP_PROXY=http://p:8080") << QStringLiteral("http://example.com/")
            << QStringLiteral("http://p:8080");
        QTest::newRow("http proxy, https url") << QStringLiteral("HTTP_PROXY=http://p:8080")
                                               << QStringLiteral("https://example.com/") << QStringLiteral("direct");
        QTest::newRow("all_proxy for both")
            << QStringLiteral("ALL_PROXY=socks5://s:1081") << QStringLiteral("http://example.com/")
            << QStringLiteral("socks5://s:1081");
        QTest::newRow("specific beats all") << QStringLiteral("ALL_PROXY=a:1;HTTPS_PROXY=b:2")
                                            << QStringLiteral("https://example.com/") << QStringLiteral("http://b:2");
        QTest::newRow("all fills the gap") << QStringLiteral("ALL_PROXY=a:1;HTTPS_PROXY=b:2")
                                           << QStringLiteral("http://example.com/") << QStringLiteral("http://a:1");
        QTest::newRow("upper case first") << QStringLiteral("HTTPS_PROXY=a:1;https_proxy=b:2")
                                          << QStringLiteral("https://x.io/") << QStringLiteral("http://a:1");
        QTest::newRow("lower case alone")
            << QStringLiteral("https_proxy=b:2") << QStringLiteral("https://x.io/") << QStringLiteral("http://b:2");
        QTest::newRow("blank upper ignored") << QStringLiteral("HTTPS_PROXY= ;https_proxy=b:2")
                                             << QStringLiteral("https://x.io/") << QStringLiteral("http://b:2");
        QTest::newRow("default http port") << QStringLiteral("HTTPS_PROXY=proxy") << QStringLiteral("https://x.io/")
                                           << QStringLiteral("http://proxy:80");
        QTest::newRow("default socks port") << QStringLiteral("HTTPS_PROXY=socks5h://s")
                                            << QStringLiteral("https://x.io/") << QStringLiteral("socks5h://s:1080");
        QTest::newRow("ipv6 proxy") << QStringLiteral("HTTPS_PROXY=http://[2001:db8::5]:3128")
                                    << QStringLiteral("https://x.io/") << QStringLiteral("http://[2001:db8::5]:3128");

        // loopback is always direct
        QTest::newRow("127.0.0.1") << QStringLiteral("HTTP_PROXY=p:1") << QStringLiteral("http://127.0.0.1:5000/v2/")
                                   << QStringLiteral("direct");
        QTest::newRow("127.1.2.3") << QStringLiteral("HTTP_PROXY=p:1") << QStringLiteral("http://127.1.2.3:5000/v2/")
                                   << QStringLiteral("direct");
        QTest::newRow("localhost") << QStringLiteral("HTTP_PROXY=p:1") << QStringLiteral("http://localhost:5000/v2/")
                                   << QStringLiteral("direct");
        QTest::newRow("x.localhost") << QStringLiteral("HTTP_PROXY=p:1") << QStringLiteral("http://reg.localhost/v2/")
                                     << QStringLiteral("direct");
        QTest::newRow("[::1]") << QStringLiteral("HTTP_PROXY=p:1") << QStringLiteral("http://[::1]:5000/v2/")
                               << QStringLiteral("direct");

        // NO_PROXY
        const QString p = QStringLiteral("HTTPS_PROXY=p:1;NO_PROXY=");
        QTest::newRow("domain itself") << QString(p + QStringLiteral("example.com"))
                                       << QStringLiteral("https://example.com/") << QStringLiteral("direct");
        QTest::newRow("domain's subdomain") << QString(p + QStringLiteral("example.com"))
                                            << QStringLiteral("https://a.b.example.com/") << QStringLiteral("direct");
        QTest::newRow("not a suffix label")
            << QString(p + QStringLiteral("example.com")) << QStringLiteral("https://notexample.com/")
            << QStringLiteral("http://p:1");
        QTest::newRow("dot: subdomains only") << QString(p + QStringLiteral(".example.com"))
                                              << QStringLiteral("https://example.com/") << QStringLiteral("http://p:1");
        QTest::newRow("dot: subdomain") << QString(p + QStringLiteral(".example.com"))
                                        << QStringLiteral("https://a.example.com/") << QStringLiteral("direct");
        QTest::newRow("star-dot: subdomains only")
            << QString(p + QStringLiteral("*.example.com")) << QStringLiteral("https://example.com/")
            << QStringLiteral("http://p:1");
        QTest::newRow("star-dot: subdomain") << QString(p + QStringLiteral("*.example.com"))
                                             << QStringLiteral("https://a.example.com/") << QStringLiteral("direct");
        QTest::newRow("cidr inside") << QString(p + QStringLiteral("10.0.0.0/8")) << QStringLiteral("https://10.1.2.3/")
                                     << QStringLiteral("direct");
        QTest::newRow("cidr outside") << QString(p + QStringLiteral("10.0.0.0/8"))
                                      << QStringLiteral("https://11.0.0.1/") << QStringLiteral("http://p:1");
        QTest::newRow("cidr never matches names")
            << QString(p + QStringLiteral("10.0.0.0/8")) << QStringLiteral("https://ten.example/")
            << QStringLiteral("http://p:1");
        QTest::newRow("exact ip") << QString(p + QStringLiteral("192.168.1.5"))
                                  << QStringLiteral("https://192.168.1.5:5000/") << QStringLiteral("direct");
        QTest::newRow("other ip") << QString(p + QStringLiteral("192.168.1.5"))
                                  << QStringLiteral("https://192.168.1.6/") << QStringLiteral("http://p:1");
        QTest::newRow("port matches") << QString(p + QStringLiteral("example.com:8443"))
                                      << QStringLiteral("https://example.com:8443/") << QStringLiteral("direct");
        QTest::newRow("port differs") << QString(p + QStringLiteral("example.com:8443"))
                                      << QStringLiteral("https://example.com/") << QStringLiteral("http://p:1");
        QTest::newRow("default port named") << QString(p + QStringLiteral("example.com:443"))
                                            << QStringLiteral("https://example.com/") << QStringLiteral("direct");
        QTest::newRow("ipv6 with port") << QString(p + QStringLiteral("[2001:db8::1]:443"))
                                        << QStringLiteral("https://[2001:db8::1]/") << QStringLiteral("direct");
        QTest::newRow("star") << QString(p + QStringLiteral("*")) << QStringLiteral("https://anything.io/")
                              << QStringLiteral("direct");
        QTest::newRow("list, spaces, case") << QString(p + QStringLiteral(" foo.io , Example.COM "))
                                            << QStringLiteral("https://EXAMPLE.com/") << QStringLiteral("direct");
        QTest::newRow("trailing dot host") << QString(p + QStringLiteral("example.com"))
                                           << QStringLiteral("https://example.com./") << QStringLiteral("direct");
        QTest::newRow("lower no_proxy") << QStringLiteral("HTTPS_PROXY=p:1;no_proxy=example.com")
                                        << QStringLiteral("https://example.com/") << QStringLiteral("direct");
        QTest::newRow("empty entries") << QString(p + QStringLiteral(",,,")) << QStringLiteral("https://example.com/")
                                       << QStringLiteral("http://p:1");
    }
    void route()
    {
        QFETCH(QString, environment);
        QFETCH(QString, url);
        QFETCH(QString, route);
        const auto settings = ProxySettings::fromEnvironment(env(environment));
        QVERIFY2(settings, settings ? "" : qPrintable(settings.message()));
        QCOMPARE(settings->describeFor(QUrl(url)), route);
        QCOMPARE(settings->proxyFor(QUrl(url)).has_value(), route != u"direct");
    }

    void proxyDetails()
    {
        const auto s = ProxySettings::fromEnvironment(env(
            QStringLiteral("HTTPS_PROXY=http://u%40corp:p%3Aw%40rd@proxy.corp:3128;HTTP_PROXY=socks5://proxy.corp")));
        QVERIFY(s);
        const auto https = s->proxyFor(QUrl(QStringLiteral("https://ghcr.io/")));
        QVERIFY(https);
        QCOMPARE(https->type(), QNetworkProxy::HttpProxy);
        QCOMPARE(https->hostName(), QStringLiteral("proxy.corp"));
        QCOMPARE(https->port(), quint16(3128));
        QCOMPARE(https->user(), QStringLiteral("u@corp"));
        QCOMPARE(https->password(), QStringLiteral("p:w@rd"));
        QVERIFY(!s->describeFor(QUrl(QStringLiteral("https://ghcr.io/"))).contains(QStringLiteral("rd")));
        const auto http = s->proxyFor(QUrl(QStringLiteral("http://mirror.corp/")));
        QVERIFY(http);
        QCOMPARE(http->type(), QNetworkProxy::Socks5Proxy);
        QCOMPARE(http->port(), quint16(1080));
        QVERIFY(s->proxyFor(QUrl(QStringLiteral("ftp://x.io/"))) == std::nullopt);
    }

    void refusedSettings_data()
    {
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("tls to the proxy") << QStringLiteral("HTTPS_PROXY=https://bob:hunter2@proxy:3128")
                                          << QStringLiteral("HTTPS_PROXY=https://proxy:3128");
        QTest::newRow("unknown scheme") << QStringLiteral("HTTP_PROXY=ftp://bob:hunter2@proxy")
                                        << QStringLiteral("unsupported proxy scheme `ftp`");
        QTest::newRow("no host") << QStringLiteral("ALL_PROXY=http://bob:hunter2@")
                                 << QStringLiteral("ALL_PROXY is not a proxy URL");
        QTest::newRow("garbage") << QStringLiteral("https_proxy=http://bob:hunter2@pro xy:99999")
                                 << QStringLiteral("https_proxy is not a proxy URL");
    }
    void refusedSettings()
    {
        QFETCH(QString, environment);
        QFETCH(QString, mentions);
        const auto s = ProxySettings::fromEnvironment(env(environment));
        QVERIFY(!s);
        QCOMPARE(s.code(), ErrorCode::InvalidInput);
        QVERIFY2(s.message().contains(mentions), qPrintable(s.message()));
        QVERIFY2(!s.message().contains(QStringLiteral("hunter2")), qPrintable(s.message()));
    }
};

QTEST_GUILESS_MAIN(TestProxySettings)
#include "tst_proxysettings.moc"
