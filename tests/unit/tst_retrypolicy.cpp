// SPDX-License-Identifier: MIT
#include <net/RetryPolicy.h>

#include <QDateTime>
#include <QLocale>
#include <QTest>

using namespace dist;

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void statuses()
    {
        for (int s : {408, 429, 500, 502, 503, 504}) {
            QVERIFY2(RetryPolicy::isRetryableStatus(s), qPrintable(QString::number(s)));
        }
        for (int s : {200, 400, 401, 403, 404, 416, 501, 505}) {
            QVERIFY2(!RetryPolicy::isRetryableStatus(s), qPrintable(QString::number(s)));
        }
        QVERIFY(RetryPolicy::isRetryableNetworkError(QNetworkReply::RemoteHostClosedError));
        QVERIFY(!RetryPolicy::isRetryableNetworkError(QNetworkReply::HostNotFoundError));
        QVERIFY(!RetryPolicy::isRetryableNetworkError(QNetworkReply::SslHandshakeFailedError));
    }

    void retryAfter()
    {
        QCOMPARE(RetryPolicy::parseRetryAfterMs("3"), qint64(3000));
        QCOMPARE(RetryPolicy::parseRetryAfterMs(" 0 "), qint64(0));
        QCOMPARE(RetryPolicy::parseRetryAfterMs(""), qint64(-1));
        QCOMPARE(RetryPolicy::parseRetryAfterMs("soon"), qint64(-1));
        QCOMPARE(RetryPolicy::parseRetryAfterMs("-4"), qint64(-1));
        const QDateTime future = QDateTime::currentDateTimeUtc().addSecs(30);
        const QByteArray date
            = QLocale::c().toString(future, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
        const qint64 ms = RetryPolicy::parseRetryAfterMs(date);
        QVERIFY2(ms > 25000 && ms <= 31000, qPrintable(QString::number(ms)));
        QCOMPARE(RetryPolicy::parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT"), qint64(0));
    }

    void backoffIsCappedWithJitter()
    {
        HttpOptions o;
        o.retryBaseMs = 100;
        o.retryMaxMs = 1000;
        o.maxRetryAfterMs = 5000;
        o.maxAttempts = 3;
        RetryPolicy p(o);
        for (int attempt = 1; attempt <= 10; ++attempt) {
            const int d = p.delayMs(attempt);
            const int cap = std::min(100 << (attempt - 1), 1000);
            QVERIFY2(d >= cap / 2 && d <= cap, qPrintable(QStringLiteral("%1: %2").arg(attempt).arg(d)));
        }
        QCOMPARE(p.delayMs(1, 2000), 2000);
        QCOMPARE(p.delayMs(1, 999999), 5000);
        QVERIFY(p.canRetry(2));
        QVERIFY(!p.canRetry(3));
    }
};

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
