// SPDX-License-Identifier: MIT
#include "ThrottleProxy.h"

#include <cmath>

namespace dist::test {

namespace {

// Bytes read from a socket but not yet forwarded, per direction. Past it we stop reading, the
// kernel's buffers fill and TCP pushes back on the sender, as a real bottleneck would.
constexpr qint64 kMaxQueued = 8 << 20;
constexpr qint64 kReadChunk = 256 << 10;
// A receiver that does not read holds us back too, rather than growing our write buffer.
constexpr qint64 kMaxUnwritten = 4 << 20;

double burstFor(qint64 rate)
{
    // 20 ms worth: timers run late on a loaded machine, and a budget that is lost then would cap
    // the rate below what was asked for.
    return std::max(static_cast<double>(rate) / 50.0, 16384.0);
}

} // namespace

ThrottleProxy::ThrottleProxy(quint16 upstreamPort, QObject* parent)
    : QObject(parent)
    , m_upstreamPort(upstreamPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &ThrottleProxy::onNewConnection);
    m_tick.setTimerType(Qt::PreciseTimer);
    m_tick.setInterval(1);
    connect(&m_tick, &QTimer::timeout, this, &ThrottleProxy::pump);
    m_clock.start();
}

ThrottleProxy::~ThrottleProxy()
{
    for (const auto& p : std::as_const(m_pipes)) {
        if (p->down.to) {
            p->down.to->abort();
        }
        if (p->up.to) {
            p->up.to->abort();
        }
    }
}

bool ThrottleProxy::listen(quint16 port)
{
    return m_server.listen(QHostAddress::LocalHost, port);
}

void ThrottleProxy::resetCounters()
{
    m_downstream = 0;
    m_accepted = 0;
    m_maxConcurrent = static_cast<int>(m_pipes.size());
}

void ThrottleProxy::onNewConnection()
{
    while (QTcpSocket* client = m_server.nextPendingConnection()) {
        auto pipe = std::make_shared<Pipe>();
        auto* upstream = new QTcpSocket(this);
        client->setParent(this);
        client->setReadBufferSize(kReadChunk);
        upstream->setReadBufferSize(kReadChunk);
        // A router forwards a packet when it arrives; Nagle here would add delays of our own.
        client->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        pipe->acceptedNs = nowNs();
        pipe->up.from = client;
        pipe->up.to = upstream;
        pipe->down.from = upstream;
        pipe->down.to = client;
        pipe->down.downstream = true;
        pipe->up.refilledNs = pipe->down.refilledNs = pipe->acceptedNs;
        pipe->up.budget = pipe->down.budget = burstFor(m_connectionRate);
        m_pipes.append(pipe);
        ++m_accepted;
        m_maxConcurrent = std::max(m_maxConcurrent, static_cast<int>(m_pipes.size()));
        upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
        std::weak_ptr<Pipe> weak = pipe;
        connect(client, &QTcpSocket::readyRead, this, [this, weak] {
            if (auto p = weak.lock()) {
                readFrom(*p, p->up);
                forward(*p, p->up, nowNs());
                schedule();
            }
        });
        connect(upstream, &QTcpSocket::connected, this, [this, weak] {
            if (auto p = weak.lock()) {
                p->upstreamConnected = true;
                p->up.to->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                forward(*p, p->up, nowNs());
                schedule();
            }
        });
        connect(upstream, &QTcpSocket::readyRead, this, [this, weak] {
            if (auto p = weak.lock()) {
                readFrom(*p, p->down);
                forward(*p, p->down, nowNs());
                schedule();
            }
        });
        for (QTcpSocket* s : {client, upstream}) {
            connect(s, &QTcpSocket::bytesWritten, this, [this, weak] {
                if (auto p = weak.lock()) {
                    forward(*p, p->up, nowNs());
                    forward(*p, p->down, nowNs());
                    schedule();
                }
            });
        }
        // The server closing: deliver what is still on its way, then close the client.
        connect(upstream, &QTcpSocket::disconnected, this, [this, weak] {
            if (auto p = weak.lock()) {
                readFrom(*p, p->down);
                p->down.fromClosed = true;
                forward(*p, p->down, nowNs());
                dropClosed();
                schedule();
            }
        });
        connect(upstream, &QTcpSocket::errorOccurred, this, [this, weak](QAbstractSocket::SocketError e) {
            auto p = weak.lock();
            if (p && !p->upstreamConnected && e == QAbstractSocket::ConnectionRefusedError) {
                p->down.fromClosed = true;
                forward(*p, p->down, nowNs());
                dropClosed();
            }
        });
        // The client gone: nobody is left to deliver anything to.
        connect(client, &QTcpSocket::disconnected, this, [this, weak] {
            if (auto p = weak.lock()) {
                p->down.queue.clear();
                p->down.queued = 0;
                p->down.toClosed = true;
                if (p->up.to) {
                    p->up.to->abort();
                }
                dropClosed();
            }
        });
    }
}

void ThrottleProxy::readFrom(Pipe& pipe, Direction& d)
{
    if (!d.from) {
        return;
    }
    const qint64 now = nowNs();
    const auto oneWay = static_cast<qint64>(m_oneWayMs * 1e6);
    qint64 due = now + oneWay;
    if (!d.downstream) {
        // Nothing crosses a new connection before its handshake would have completed.
        due = std::max(now, pipe.acceptedNs + 2 * oneWay) + oneWay;
    }
    while (d.queued < kMaxQueued && d.from->bytesAvailable() > 0) {
        QByteArray bytes = d.from->read(std::min<qint64>(kReadChunk, kMaxQueued - d.queued));
        if (bytes.isEmpty()) {
            break;
        }
        d.queued += bytes.size();
        d.queue.push_back(Chunk{due, std::move(bytes)});
    }
}

bool ThrottleProxy::forward(Pipe& pipe, Direction& d, qint64 now)
{
    if (!d.to || d.toClosed || (!d.downstream && !pipe.upstreamConnected)) {
        return false;
    }
    if (m_connectionRate > 0) {
        d.budget
            = std::min(d.budget + static_cast<double>(m_connectionRate) * static_cast<double>(now - d.refilledNs) / 1e9,
                       burstFor(m_connectionRate));
    }
    d.refilledNs = now;
    if (d.downstream && m_rate > 0) {
        m_budget = std::min(m_budget + static_cast<double>(m_rate) * static_cast<double>(now - m_refilledNs) / 1e9,
                            burstFor(m_rate));
        m_refilledNs = now;
    }
    bool wrote = false;
    while (!d.queue.empty() && d.queue.front().dueNs <= now && d.to->bytesToWrite() < kMaxUnwritten) {
        Chunk& c = d.queue.front();
        qint64 n = c.bytes.size() - c.offset;
        if (m_connectionRate > 0) {
            n = std::min(n, static_cast<qint64>(std::floor(d.budget)));
        }
        if (d.downstream && m_rate > 0) {
            n = std::min(n, static_cast<qint64>(std::floor(m_budget)));
        }
        if (n <= 0) {
            break;
        }
        d.to->write(c.bytes.constData() + c.offset, n);
        wrote = true;
        c.offset += n;
        d.queued -= n;
        if (m_connectionRate > 0) {
            d.budget -= static_cast<double>(n);
        }
        if (d.downstream) {
            m_downstream += n;
            if (m_rate > 0) {
                m_budget -= static_cast<double>(n);
            }
        }
        if (c.offset == c.bytes.size()) {
            d.queue.pop_front();
        }
    }
    if (wrote) {
        readFrom(pipe, d); // room again: take what the sender has waiting
    }
    if (d.queue.empty() && d.fromClosed && !d.toClosed) {
        d.toClosed = true;
        d.to->disconnectFromHost();
        if (d.downstream) {
            connect(d.to, &QTcpSocket::disconnected, this, &ThrottleProxy::dropClosed, Qt::UniqueConnection);
        }
    }
    return wrote;
}

void ThrottleProxy::pump()
{
    const qint64 now = nowNs();
    const auto pipes = m_pipes;
    for (const auto& p : pipes) {
        forward(*p, p->up, now);
        forward(*p, p->down, now);
    }
    dropClosed();
    schedule();
}

void ThrottleProxy::schedule()
{
    // The tick runs only while something waits for its time or its budget.
    const bool waiting = std::any_of(m_pipes.cbegin(), m_pipes.cend(),
                                     [](const auto& p) { return !p->up.queue.empty() || !p->down.queue.empty(); });
    if (waiting && !m_tick.isActive()) {
        m_tick.start();
    } else if (!waiting && m_tick.isActive()) {
        m_tick.stop();
    }
}

void ThrottleProxy::dropClosed()
{
    m_pipes.removeIf([](const std::shared_ptr<Pipe>& p) {
        // A client we closed may still be flushing; it goes once it is disconnected.
        if (!p->down.toClosed || (p->down.to && p->down.to->state() != QAbstractSocket::UnconnectedState)) {
            return false;
        }
        if (p->up.to) {
            if (p->up.to->state() != QAbstractSocket::UnconnectedState) {
                p->up.to->disconnectFromHost();
            }
            p->up.to->deleteLater();
        }
        if (p->down.to) {
            p->down.to->deleteLater();
        }
        return true;
    });
}

} // namespace dist::test
