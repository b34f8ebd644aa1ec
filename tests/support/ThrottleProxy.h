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

#include <deque>
#include <memory>

namespace dist::test {

// A loopback TCP proxy in front of a real server that shapes the traffic like a real network:
// a one-way delay per direction (a round trip costs what it would across a WAN, and a new
// connection costs one round trip before its first byte goes through, like the TCP handshake), a
// bandwidth cap per connection (per-connection shaping, long fat pipes) and a cap on everything
// downstream. It counts connections and forwarded bytes, so tests can catch a transfer mid-way,
// check how much a resumed download fetched and how many connections a client opened. Runs on the
// event loop of the thread that owns it.
class ThrottleProxy final : public QObject
{
    Q_OBJECT

public:
    explicit ThrottleProxy(quint16 upstreamPort, QObject* parent = nullptr);
    ~ThrottleProxy() override;

    bool listen(quint16 port = 0);
    quint16 port() const { return m_server.serverPort(); }
    // Everything sent downstream, across connections (0 = unlimited).
    void setBytesPerSecond(qint64 rate) { m_rate = rate; }
    // Each connection, each direction (0 = unlimited).
    void setConnectionBytesPerSecond(qint64 rate) { m_connectionRate = rate; }
    // Half of it each way, and one more round trip before a new connection carries data.
    void setRoundTripMs(int ms) { m_oneWayMs = ms / 2.0; }
    qint64 downstreamBytes() const { return m_downstream; }
    int connectionsAccepted() const { return m_accepted; }
    int maxConcurrentConnections() const { return m_maxConcurrent; }
    void resetCounters();

private:
    struct Chunk
    {
        qint64 dueNs;
        QByteArray bytes;
        qsizetype offset = 0;
    };
    struct Direction
    {
        QPointer<QTcpSocket> from;
        QPointer<QTcpSocket> to;
        std::deque<Chunk> queue;
        qint64 queued = 0;
        double budget = 0;
        qint64 refilledNs = 0;
        bool fromClosed = false;
        bool toClosed = false;
        bool downstream = false;
    };
    struct Pipe
    {
        Direction up; // client → upstream
        Direction down; // upstream → client
        qint64 acceptedNs = 0;
        bool upstreamConnected = false;
    };

    void onNewConnection();
    void readFrom(Pipe& pipe, Direction& d);
    bool forward(Pipe& pipe, Direction& d, qint64 now);
    void pump();
    void schedule();
    void dropClosed();
    qint64 nowNs() const { return m_clock.nsecsElapsed(); }

    quint16 m_upstreamPort;
    QTcpServer m_server;
    QList<std::shared_ptr<Pipe>> m_pipes;
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_rate = 0;
    qint64 m_connectionRate = 0;
    double m_oneWayMs = 0;
    double m_budget = 0;
    qint64 m_refilledNs = 0;
    qint64 m_downstream = 0;
    int m_accepted = 0;
    int m_maxConcurrent = 0;
};

} // namespace dist::test
