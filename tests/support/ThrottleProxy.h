// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace dist::test {

// A loopback TCP proxy in front of a real server that can slow the downstream direction to a
// given rate and counts the bytes it forwarded, so tests can catch a transfer mid-way and check
// how much a resumed download actually fetched. Runs on the test's event loop.
class ThrottleProxy final : public QObject
{
    Q_OBJECT

public:
    explicit ThrottleProxy(quint16 upstreamPort, QObject* parent = nullptr);
    ~ThrottleProxy() override;

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    void setBytesPerSecond(qint64 rate) { m_rate = rate; }
    qint64 downstreamBytes() const { return m_downstream; }
    void resetCounters() { m_downstream = 0; }

private:
    struct Pipe
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        QByteArray pending; // upstream → client, waiting for budget
    };
    void onNewConnection();
    void pump();

    quint16 m_upstreamPort;
    QTcpServer m_server;
    QList<std::shared_ptr<Pipe>> m_pipes;
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_rate = 0; // 0 = unlimited
    qint64 m_budget = 0;
    qint64 m_downstream = 0;
};

} // namespace dist::test
