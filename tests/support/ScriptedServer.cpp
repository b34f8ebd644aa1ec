// SPDX-License-Identifier: MIT
#include "ScriptedServer.h"

#include <QHttpServerResponder>
#include <QTcpSocket>

namespace dist::test {

QByteArray RecordedRequest::header(const QByteArray& name) const
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            return h.second;
        }
    }
    return {};
}

ScriptedServer::ScriptedServer(QObject* parent)
    : QAbstractHttpServer(parent)
{
}

quint16 ScriptedServer::start()
{
    m_port = listen(QHostAddress::LocalHost, 0);
    return m_port;
}

QString ScriptedServer::origin() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

int ScriptedServer::count(const QString& pathPrefix) const
{
    int n = 0;
    for (const RecordedRequest& r : m_requests) {
        n += r.path.startsWith(pathPrefix) ? 1 : 0;
    }
    return n;
}

bool ScriptedServer::handleRequest(const QHttpServerRequest& request, QTcpSocket* socket)
{
    RecordedRequest rec;
    switch (request.method()) {
    case QHttpServerRequest::Method::Get:
        rec.method = "GET";
        break;
    case QHttpServerRequest::Method::Head:
        rec.method = "HEAD";
        break;
    case QHttpServerRequest::Method::Post:
        rec.method = "POST";
        break;
    default:
        rec.method = "OTHER";
    }
    rec.path = request.url().path();
    rec.query = request.url().query();
    rec.headers = request.headers();
    rec.body = request.body();
    m_requests.append(rec);
    const ScriptedReply reply = m_handler ? m_handler(rec) : ScriptedReply{404, {}, "no handler", -1};

    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(reply.status));
    bool hasLength = false;
    for (const auto& h : reply.headers) {
        responder.writeHeader(h.first, h.second);
        hasLength = hasLength || h.first.compare("Content-Length", Qt::CaseInsensitive) == 0;
    }
    if (!hasLength) {
        responder.writeHeader("Content-Length", QByteArray::number(reply.body.size()));
    }
    if (reply.truncateAfter >= 0) {
        responder.writeBody(reply.body.left(reply.truncateAfter));
        socket->flush();
        socket->abort();
        return true;
    }
    responder.writeBody(reply.body);
    return true;
}

void ScriptedServer::missingHandler(const QHttpServerRequest&, QTcpSocket*) { }

} // namespace dist::test
