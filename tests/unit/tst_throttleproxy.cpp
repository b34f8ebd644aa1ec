// SPDX-License-Identifier: MIT
// The shaping proxy every network figure is measured through: its round trip, its per-connection
// cap and its handshake cost must hold, or the benchmarks measure nothing. Only lower bounds on
// time are asserted (a loaded machine makes things slower, never faster), plus the bytes.
#include "TestWaits.h"
#include "ThrottleProxy.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace dist::test;

namespace {

// Answers every byte it receives with `reply` (the first time) and echoes nothing else.
class ReplyServer : public QObject
{
public:
    explicit ReplyServer(QByteArray reply)
        : m_reply(std::move(reply))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    s->readAll();
                    if (!s->property("answered").toBool()) {
                        s->setProperty("answered", true);
                        s->write(m_reply);
                        s->disconnectFromHost();
                    }
                });
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    QTcpServer m_server;
    QByteArray m_reply;
};

// Connects through the proxy, sends one byte and reads until the server closes.
void exchange(quint16 port, QByteArray& got, qint64& elapsedMs)
{
    QTcpSocket s;
    QElapsedTimer t;
    t.start();
    s.connectToHost(QHostAddress::LocalHost, port);
    QObject::connect(&s, &QTcpSocket::connected, &s, [&s] { s.write("x"); });
    QObject::connect(&s, &QTcpSocket::readyRead, &s, [&] { got += s.readAll(); });
    bool closed = false;
    QObject::connect(&s, &QTcpSocket::disconnected, &s, [&] { closed = true; });
    QTRY_VERIFY_WITH_TIMEOUT(closed, scaled(60000));
    got += s.readAll();
    elapsedMs = t.elapsed();
}

} // namespace

class TestThrottleProxy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripCostsTheHandshakeAndTheExchange()
    {
        ReplyServer server("pong");
        ThrottleProxy proxy(server.port());
        proxy.setRoundTripMs(80);
        QVERIFY(proxy.listen());
        qint64 ms = 0;
        QByteArray got;
        exchange(proxy.port(), got, ms);
        QCOMPARE(got, QByteArray("pong"));
        // One round trip for the handshake, one for the request and its answer.
        QVERIFY2(ms >= 160, qPrintable(QString::number(ms)));
        QCOMPARE(proxy.connectionsAccepted(), 1);
        QCOMPARE(proxy.downstreamBytes(), 4);
    }

    void eachConnectionIsCappedOnItsOwn()
    {
        const QByteArray payload(1 << 20, 'z');
        ReplyServer server(payload);
        ThrottleProxy proxy(server.port());
        proxy.setConnectionBytesPerSecond(2 << 20); // 2 MiB/s: 1 MiB takes at least ~0.5 s
        QVERIFY(proxy.listen());
        qint64 single = 0;
        QByteArray got;
        exchange(proxy.port(), got, single);
        QCOMPARE(got.size(), payload.size());
        QVERIFY2(single >= 400, qPrintable(QString::number(single)));

        // Two at once, each capped on its own: both arrive whole, and neither waits for the other.
        QTcpSocket a;
        QTcpSocket b;
        QByteArray gotA;
        QByteArray gotB;
        int closed = 0;
        QElapsedTimer t;
        t.start();
        for (auto* s : {&a, &b}) {
            QByteArray* got = s == &a ? &gotA : &gotB;
            QObject::connect(s, &QTcpSocket::connected, s, [s] { s->write("x"); });
            QObject::connect(s, &QTcpSocket::readyRead, s, [s, got] { *got += s->readAll(); });
            QObject::connect(s, &QTcpSocket::disconnected, s, [&closed] { ++closed; });
            s->connectToHost(QHostAddress::LocalHost, proxy.port());
        }
        QTRY_COMPARE_WITH_TIMEOUT(closed, 2, scaled(60000));
        QCOMPARE(gotA.size() + a.readAll().size(), payload.size());
        QCOMPARE(gotB.size() + b.readAll().size(), payload.size());
        QVERIFY2(t.elapsed() >= 400, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(proxy.maxConcurrentConnections(), 2);
    }

    void totalCapSharesOneBudget()
    {
        const QByteArray payload(512 << 10, 'q');
        ReplyServer server(payload);
        ThrottleProxy proxy(server.port());
        proxy.setBytesPerSecond(1 << 20); // 1 MiB/s in all: two half-MiB bodies take ~1 s together
        QVERIFY(proxy.listen());
        QElapsedTimer t;
        t.start();
        qint64 ms = 0;
        for (int i = 0; i < 2; ++i) {
            QByteArray got;
            exchange(proxy.port(), got, ms);
            QCOMPARE(got.size(), payload.size());
        }
        QVERIFY2(t.elapsed() >= 800, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(proxy.downstreamBytes(), 2 * payload.size());
    }
};

QTEST_GUILESS_MAIN(TestThrottleProxy)
#include "tst_throttleproxy.moc"
