// SPDX-License-Identifier: MIT
#include "ThrottleProxy.h"

#include <memory>

namespace dist::test {

ThrottleProxy::ThrottleProxy(quint16 upstreamPort, QObject* parent)
    : QObject(parent)
    , m_upstreamPort(upstreamPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &ThrottleProxy::onNewConnection);
    m_tick.setInterval(10);
    connect(&m_tick, &QTimer::timeout, this, &ThrottleProxy::pump);
    m_tick.start();
    m_clock.start();
}

ThrottleProxy::~ThrottleProxy()
{
    for (const auto& p : std::as_const(m_pipes)) {
        if (p->client) {
            p->client->abort();
        }
        if (p->upstream) {
            p->upstream->abort();
        }
    }
}

bool ThrottleProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void ThrottleProxy::onNewConnection()
{
    while (QTcpSocket* client = m_server.nextPendingConnection()) {
        auto pipe = std::make_shared<Pipe>();
        pipe->client = client;
        pipe->upstream = new QTcpSocket(this);
        client->setParent(this);
        m_pipes.append(pipe);
        QTcpSocket* upstream = pipe->upstream;
        upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
        // Client → upstream: unthrottled (requests are small). Buffered until the upstream connects.
        connect(client, &QTcpSocket::readyRead, this, [pipe] {
            if (pipe->upstream && pipe->upstream->state() == QAbstractSocket::ConnectedState) {
                pipe->upstream->write(pipe->client->readAll());
            }
        });
        connect(upstream, &QTcpSocket::connected, this, [pipe] {
            if (pipe->client) {
                pipe->upstream->write(pipe->client->readAll());
            }
        });
        connect(upstream, &QTcpSocket::readyRead, this, [this, pipe] {
            pipe->pending += pipe->upstream->readAll();
            pump();
        });
        auto closeBoth = [this, pipe] {
            if (!pipe->pending.isEmpty() && pipe->client && pipe->client->state() == QAbstractSocket::ConnectedState) {
                return; // flush what is buffered first; pump() closes later
            }
            if (pipe->client) {
                pipe->client->disconnectFromHost();
            }
            if (pipe->upstream) {
                pipe->upstream->disconnectFromHost();
            }
            m_pipes.removeAll(pipe);
        };
        connect(upstream, &QTcpSocket::disconnected, this, closeBoth);
        connect(client, &QTcpSocket::disconnected, this, [this, pipe] {
            pipe->pending.clear();
            if (pipe->upstream) {
                pipe->upstream->abort();
            }
            m_pipes.removeAll(pipe);
        });
    }
}

void ThrottleProxy::pump()
{
    if (m_rate > 0) {
        const qint64 elapsed = m_clock.restart();
        m_budget = std::min(m_budget + m_rate * elapsed / 1000, m_rate / 5 + 1);
    }
    const auto pipes = m_pipes;
    for (const auto& p : pipes) {
        if (!p->client || p->pending.isEmpty()) {
            continue;
        }
        qint64 n = p->pending.size();
        if (m_rate > 0) {
            n = std::min(n, m_budget);
            m_budget -= n;
        }
        if (n <= 0) {
            continue;
        }
        p->client->write(p->pending.constData(), n);
        p->pending.remove(0, n);
        m_downstream += n;
        if (p->pending.isEmpty() && p->upstream && p->upstream->state() == QAbstractSocket::UnconnectedState) {
            p->client->disconnectFromHost();
            m_pipes.removeAll(p);
        }
    }
}

} // namespace dist::test
