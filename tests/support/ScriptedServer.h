// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractHttpServer>
#include <QByteArray>
#include <QHttpServerRequest>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>

class QTcpSocket;

namespace dist::test {

struct RecordedRequest
{
    QByteArray method;
    QString path;
    QString query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray& name) const;
};

struct ScriptedReply
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // Send only this many body bytes (with the full Content-Length) and then drop the connection.
    qint64 truncateAfter = -1;
};

// A loopback HTTP server whose answers a test scripts request by request: for protocols without
// a public server and for fault injection (statuses, headers, truncated bodies). Records requests.
class ScriptedServer final : public QAbstractHttpServer
{
    Q_OBJECT

public:
    using Handler = std::function<ScriptedReply(const RecordedRequest&)>;

    explicit ScriptedServer(QObject* parent = nullptr);

    quint16 start(); // listens on 127.0.0.1:<free port>
    quint16 port() const { return m_port; }
    QString origin() const; // http://127.0.0.1:<port>
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    const QList<RecordedRequest>& requests() const { return m_requests; }
    int count(const QString& pathPrefix) const;

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    Handler m_handler;
    QList<RecordedRequest> m_requests;
    quint16 m_port = 0;
};

} // namespace dist::test
