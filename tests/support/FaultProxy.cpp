// SPDX-License-Identifier: MIT
#include "FaultProxy.h"

#include <QHostAddress>

namespace dist::test {

namespace {

const char* kindName(FaultProxy::Kind k)
{
    switch (k) {
    case FaultProxy::Kind::Reset:
        return "reset";
    case FaultProxy::Kind::Stall:
        return "stall";
    case FaultProxy::Kind::StallBeforeHead:
        return "stall-before-head";
    case FaultProxy::Kind::Truncate:
        return "truncate";
    case FaultProxy::Kind::Status:
        return "status";
    case FaultProxy::Kind::ContentLength:
        return "content-length";
    case FaultProxy::Kind::Redirect:
        return "redirect";
    case FaultProxy::Kind::IgnoreRange:
        return "ignore-range";
    }
    return "?";
}

QByteArray headerOf(const QList<QByteArray>& lines, const QByteArray& name)
{
    for (const QByteArray& l : lines) {
        const int colon = l.indexOf(':');
        if (colon > 0 && l.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0) {
            return l.mid(colon + 1).trimmed();
        }
    }
    return {};
}

// The head without the named headers, plus `Connection: close`.
QByteArray rewriteHead(const QList<QByteArray>& lines, const QList<QByteArray>& dropped,
                       const QList<QPair<QByteArray, QByteArray>>& replaced = {})
{
    QByteArray out = lines.first() + "\r\n";
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& l = lines[i];
        const QByteArray name = l.left(l.indexOf(':')).trimmed();
        bool skip = name.compare("Connection", Qt::CaseInsensitive) == 0;
        for (const QByteArray& d : dropped) {
            skip = skip || name.compare(d, Qt::CaseInsensitive) == 0;
        }
        for (const auto& r : replaced) {
            if (name.compare(r.first, Qt::CaseInsensitive) == 0) {
                out += r.first + ": " + r.second + "\r\n";
                skip = true;
            }
        }
        if (!skip && !l.isEmpty()) {
            out += l + "\r\n";
        }
    }
    return out + "Connection: close\r\n\r\n";
}

} // namespace

struct FaultProxy::Conn
{
    QPointer<QTcpSocket> client;
    QPointer<QTcpSocket> upstream;
    QByteArray request;
    bool requestSent = false;
    QByteArray response;
    bool headForwarded = false;
    std::optional<Fault> fault;
    qint64 forwarded = 0; // body bytes sent to the client
    bool stalled = false;
    bool finished = false;
};

FaultProxy::FaultProxy(quint16 upstreamPort, QObject* parent)
    : QObject(parent)
    , m_upstreamPort(upstreamPort)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FaultProxy::onNewConnection);
}

FaultProxy::~FaultProxy()
{
    for (const auto& c : m_conns) {
        if (c->client) {
            c->client->abort();
        }
        if (c->upstream) {
            c->upstream->abort();
        }
    }
}

bool FaultProxy::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void FaultProxy::requireBasicAuth(const QByteArray& user, const QByteArray& password)
{
    m_expectedAuthorization = "Basic " + QByteArray(user + ':' + password).toBase64();
}

QList<FaultProxy::Seen> FaultProxy::seen(const QString& pathContains) const
{
    QList<Seen> out;
    for (const Seen& s : m_seen) {
        if (s.path.contains(pathContains)) {
            out.append(s);
        }
    }
    return out;
}

void FaultProxy::onNewConnection()
{
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        auto c = std::make_shared<Conn>();
        c->client = socket;
        socket->setParent(this);
        m_conns.append(c);
        connect(socket, &QTcpSocket::readyRead, this, [this, c] { onClientData(c); });
        connect(socket, &QTcpSocket::disconnected, this, [this, c] { drop(c); });
    }
}

void FaultProxy::respond(const std::shared_ptr<Conn>& c, const QByteArray& response)
{
    c->client->write(response);
    c->client->disconnectFromHost();
}

void FaultProxy::onClientData(const std::shared_ptr<Conn>& c)
{
    c->request += c->client->readAll();
    if (c->requestSent) {
        if (c->upstream) {
            c->upstream->write(c->request);
        }
        c->request.clear();
        return;
    }
    const int end = c->request.indexOf("\r\n\r\n");
    if (end < 0) {
        return;
    }
    const QList<QByteArray> lines = c->request.left(end).split('\n');
    QList<QByteArray> trimmed;
    for (const QByteArray& l : lines) {
        trimmed.append(l.endsWith('\r') ? l.chopped(1) : l);
    }
    const QList<QByteArray> requestLine = trimmed.first().split(' ');
    Seen seen;
    seen.method = requestLine.value(0);
    const QByteArray target = requestLine.value(1);
    seen.path = QString::fromLatin1(target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?')));
    seen.range = headerOf(trimmed, "Range");
    seen.authorization = headerOf(trimmed, "Authorization");
    const QByteArray rest = c->request.mid(end + 4);
    c->request.clear();
    c->requestSent = true;

    if (!m_expectedAuthorization.isEmpty() && seen.authorization != m_expectedAuthorization) {
        seen.fault = QStringLiteral("401");
        m_seen.append(seen);
        respond(c,
                "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"fault-proxy\"\r\n"
                "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        return;
    }
    for (Fault& f : m_faults) {
        if (f.times > 0 && (f.pathContains.isEmpty() || seen.path.contains(f.pathContains))) {
            --f.times;
            c->fault = f;
            seen.fault = QString::fromLatin1(kindName(f.kind));
            break;
        }
    }
    m_seen.append(seen);
    if (c->fault && c->fault->kind == Kind::Status) {
        const QByteArray body = "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected fault\"}]}";
        QByteArray head = "HTTP/1.1 " + QByteArray::number(c->fault->status) + " Injected\r\n";
        if (!c->fault->retryAfter.isEmpty()) {
            head += "Retry-After: " + c->fault->retryAfter + "\r\n";
        }
        respond(c,
                head + "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                    + "\r\nConnection: close\r\n\r\n" + body);
        return;
    }
    if (c->fault && c->fault->kind == Kind::Redirect) {
        respond(c,
                "HTTP/1.1 307 Temporary Redirect\r\nLocation: " + c->fault->redirectTo.toLatin1() + target
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    if (c->fault && c->fault->kind == Kind::StallBeforeHead) {
        c->stalled = true; // open and silent until the client gives up
        return;
    }

    auto* up = new QTcpSocket(this);
    c->upstream = up;
    QList<QByteArray> dropped;
    if (!m_expectedAuthorization.isEmpty()) {
        dropped.append("Authorization");
    }
    if (c->fault && c->fault->kind == Kind::IgnoreRange) {
        dropped.append("Range"); // the upstream then answers 200 with the whole body
    }
    const QByteArray head = rewriteHead(trimmed, dropped);
    connect(up, &QTcpSocket::connected, this, [up, head, rest] { up->write(head + rest); });
    connect(up, &QTcpSocket::readyRead, this, [this, c] { onUpstreamData(c); });
    connect(up, &QTcpSocket::disconnected, this, [this, c] {
        if (c->upstream) {
            onUpstreamData(c);
        }
        if (c->client && !c->stalled && !c->finished) {
            c->client->disconnectFromHost();
        }
    });
    up->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
}

void FaultProxy::onUpstreamData(const std::shared_ptr<Conn>& c)
{
    if (!c->upstream || !c->client || !c->upstream->isOpen()) {
        return;
    }
    QByteArray bytes = c->upstream->readAll();
    if (c->headForwarded) {
        forwardBody(c, bytes);
        return;
    }
    c->response += bytes;
    const int end = c->response.indexOf("\r\n\r\n");
    if (end < 0) {
        return;
    }
    QList<QByteArray> lines;
    for (const QByteArray& l : c->response.left(end).split('\n')) {
        lines.append(l.endsWith('\r') ? l.chopped(1) : l);
    }
    QList<QPair<QByteArray, QByteArray>> replaced;
    if (c->fault && c->fault->kind == Kind::ContentLength) {
        const qint64 length = headerOf(lines, "Content-Length").toLongLong();
        replaced.append({"Content-Length", QByteArray::number(length + c->fault->lengthDelta)});
    }
    c->client->write(rewriteHead(lines, {}, replaced));
    c->headForwarded = true;
    const QByteArray body = c->response.mid(end + 4);
    c->response.clear();
    forwardBody(c, body);
}

void FaultProxy::forwardBody(const std::shared_ptr<Conn>& c, QByteArray bytes)
{
    if (c->stalled || c->finished || !c->client) {
        return;
    }
    const bool cuts = c->fault
        && (c->fault->kind == Kind::Reset || c->fault->kind == Kind::Stall || c->fault->kind == Kind::Truncate);
    if (!cuts) {
        c->client->write(bytes);
        c->forwarded += bytes.size();
        return;
    }
    const qint64 room = c->fault->afterBytes - c->forwarded;
    if (bytes.size() < room) {
        c->client->write(bytes);
        c->forwarded += bytes.size();
        return;
    }
    c->client->write(bytes.left(room));
    c->forwarded += room;
    // Flags first: aborting the upstream emits `disconnected` at once, and its handler must not
    // close a connection that is meant to stall.
    c->stalled = c->fault->kind == Kind::Stall;
    c->finished = !c->stalled;
    if (c->upstream) {
        c->upstream->abort();
    }
    if (c->fault->kind == Kind::Reset) {
        c->client->flush();
        c->client->abort(); // RST: what a crashing middlebox does
    } else if (c->fault->kind == Kind::Truncate) {
        c->client->disconnectFromHost(); // FIN after the bytes already written
    }
    // Stall: the connection stays open and silent until the client gives up.
}

void FaultProxy::drop(const std::shared_ptr<Conn>& c)
{
    if (c->upstream) {
        c->upstream->abort();
        c->upstream->deleteLater();
    }
    if (c->client) {
        c->client->deleteLater();
    }
    m_conns.removeOne(c);
}

} // namespace dist::test
