// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

namespace dist::test {

// A loopback HTTP/1.1 proxy in front of a real server that injects faults into chosen requests:
// a connection reset or a stall part-way through the body or before the response head, a body cut short by a clean
// close, bursts of error statuses (with Retry-After), a lying Content-Length, and a redirect to another host. It can
// also demand Basic credentials, so tests can see where Authorization travels. One request per connection (it forces
// `Connection: close`), on the test's event loop.
class FaultProxy final : public QObject
{
    Q_OBJECT

public:
    enum class Kind
    {
        Reset,
        Stall,
        StallBeforeHead, // the request is read, then nothing: no status line, no headers
        Truncate,
        Status,
        ContentLength,
        Redirect,
        IgnoreRange // the Range header is dropped, as by a server without range support
    };

    struct Fault
    {
        Kind kind = Kind::Status;
        QString pathContains; // empty: every request
        int times = 1; // how many matching requests get it
        qint64 afterBytes = 0; // Reset, Stall, Truncate: body bytes forwarded first
        int status = 500; // Status
        QByteArray retryAfter; // Status: Retry-After value, if any
        qint64 lengthDelta = 0; // ContentLength: added to the upstream's Content-Length
        QString redirectTo; // Redirect: an origin ("http://127.0.0.1:1234"); the path is kept
    };

    struct Seen
    {
        QByteArray method;
        QString path;
        QByteArray range;
        QByteArray authorization;
        QString fault; // what was done to it, empty when forwarded untouched
    };

    explicit FaultProxy(quint16 upstreamPort, QObject* parent = nullptr);
    ~FaultProxy() override;

    bool listen();
    quint16 port() const { return m_server.serverPort(); }
    QString host() const { return QStringLiteral("127.0.0.1:%1").arg(port()); }

    void addFault(const Fault& fault) { m_faults.append(fault); }
    void clear()
    {
        m_faults.clear();
        m_seen.clear();
    }
    // Answer 401 (Basic challenge) unless the request carries these credentials; they are not
    // forwarded upstream.
    void requireBasicAuth(const QByteArray& user, const QByteArray& password);

    const QList<Seen>& seen() const { return m_seen; }
    QList<Seen> seen(const QString& pathContains) const;

private:
    struct Conn;
    void onNewConnection();
    void onClientData(const std::shared_ptr<Conn>& c);
    void onUpstreamData(const std::shared_ptr<Conn>& c);
    void forwardBody(const std::shared_ptr<Conn>& c, QByteArray bytes);
    void respond(const std::shared_ptr<Conn>& c, const QByteArray& response);
    void drop(const std::shared_ptr<Conn>& c);

    quint16 m_upstreamPort;
    QTcpServer m_server;
    QList<Fault> m_faults;
    QList<Seen> m_seen;
    QList<std::shared_ptr<Conn>> m_conns;
    QByteArray m_expectedAuthorization;
};

} // namespace dist::test
