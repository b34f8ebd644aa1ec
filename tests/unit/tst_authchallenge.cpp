// SPDX-License-Identifier: MIT
#include <net/AuthChallenge.h>

#include <QTest>

using namespace dist;

class TestAuthChallenge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bearer()
    {
        const auto list = AuthChallenge::parse(
            "Bearer realm=\"https://ghcr.io/token\",service=\"ghcr.io\",scope=\"repository:user/image:pull\"");
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().scheme, QStringLiteral("bearer"));
        QCOMPARE(list.first().param(QStringLiteral("realm")), QStringLiteral("https://ghcr.io/token"));
        QCOMPARE(list.first().param(QStringLiteral("service")), QStringLiteral("ghcr.io"));
        QCOMPARE(list.first().param(QStringLiteral("scope")), QStringLiteral("repository:user/image:pull"));
    }

    void caseAndSpacing()
    {
        const auto list = AuthChallenge::parse("BEARER  Realm = \"https://a/t\" , SERVICE=reg");
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().scheme, QStringLiteral("bearer"));
        QCOMPARE(list.first().param(QStringLiteral("realm")), QStringLiteral("https://a/t"));
        QCOMPARE(list.first().param(QStringLiteral("service")), QStringLiteral("reg"));
    }

    void commaInsideQuotesAndEscapes()
    {
        const auto list
            = AuthChallenge::parse("Bearer realm=\"https://a/t\",scope=\"repository:a:pull,push\",x=\"q\\\"uote\"");
        QCOMPARE(list.first().param(QStringLiteral("scope")), QStringLiteral("repository:a:pull,push"));
        QCOMPARE(list.first().param(QStringLiteral("x")), QStringLiteral("q\"uote"));
    }

    void severalChallenges()
    {
        const auto list
            = AuthChallenge::parse("Basic realm=\"Registry Realm\", Bearer realm=\"https://auth/token\",service=\"s\"");
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.at(0).scheme, QStringLiteral("basic"));
        QCOMPARE(list.at(0).param(QStringLiteral("realm")), QStringLiteral("Registry Realm"));
        QCOMPARE(list.at(1).scheme, QStringLiteral("bearer"));
        QCOMPARE(list.at(1).param(QStringLiteral("service")), QStringLiteral("s"));
    }

    void garbageDoesNotHang()
    {
        QVERIFY(AuthChallenge::parse("").isEmpty());
        QVERIFY(AuthChallenge::parse(",,,").isEmpty());
        const auto l = AuthChallenge::parse("Bearer realm=\"unterminated");
        QCOMPARE(l.size(), 1);
        QCOMPARE(AuthChallenge::parse("Basic").first().scheme, QStringLiteral("basic"));
        QVERIFY(AuthChallenge::parse("=== ===").size() <= 1);
    }
};

QTEST_GUILESS_MAIN(TestAuthChallenge)
#include "tst_authchallenge.moc"
