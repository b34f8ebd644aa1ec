// SPDX-License-Identifier: MIT
#pragma once

#include "HttpOptions.h"
#include "RetryPolicy.h"
#include <core/Result.h>
#include <credentials/CredentialProvider.h>

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace dist {

class IngestFile;
class RegistryAuth;

struct HttpRequest
{
    QUrl url;
    QByteArray method = QByteArrayLiteral("GET");
    QList<QPair<QByteArray, QByteArray>> headers;
    // Registry auth: the host the token belongs to and the scope to ask for. Authorization is only
    // ever sent to that host; a redirect elsewhere goes out without it.
    QString authHost;
    QString authTenant; // store tenant whose credentials to use, if any
    QString authScope;
    QByteArray basicAuthorization; // a fixed Authorization header value (token endpoint, bearer), same-host only
    QByteArray body; // request body (POST)
    // Return every final HTTP status (after redirects) as a response instead of mapping 4xx/5xx to
    // errors and retrying: for protocols whose status codes carry their own meaning (pack registry).
    bool deliverAnyStatus = false;
    // Its own TCP connection rather than a stream of a shared HTTP/2 one (parallel ranges).
    bool http1Only = false;

    qint64 maxBodyBytes = 4 << 20; // in-memory bodies
    qint64 expectedSize = -1; // file bodies: the descriptor size, enforced while streaming
    QString what; // for messages: "manifest ghcr.io/x:1", "blob sha256:…"
};

struct HttpResponse
{
    int status = 0;
    QUrl finalUrl;
    QByteArray body; // in-memory bodies only
    QList<QPair<QByteArray, QByteArray>> headers;

    QByteArray header(const QByteArray& name) const;
};

// One logical HTTP request: retries with backoff (408/429/5xx/resets, Retry-After honoured),
// manual redirects (Authorization dropped across hosts), registry token refresh on 401, and for
// file bodies streaming into an IngestFile with Range resume. Never buffers a file body.
class HttpExchange final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpExchange)

public:
    using Finished = std::function<void(Result<HttpResponse>)>;
    using Progress = std::function<void(qint64 received, qint64 total)>;

    HttpExchange(QNetworkAccessManager* nam, RegistryAuth* auth, const HttpOptions& options, QObject* parent = nullptr);
    ~HttpExchange() override;

    // `sink` may be null (body kept in memory, up to maxBodyBytes). Finished is called exactly once,
    // from the event loop, never from inside start(). The exchange deletes itself afterwards.
    void start(const HttpRequest& request, IngestFile* sink, Finished finished, Progress progress = {});
    void cancel();

    // File bodies up to this size are written without the sink's worker threads.
    static constexpr qint64 kSmallFileBody = 1 << 20;

private:
    void send();
    void onMetaData();
    void onReadyRead();
    void onFinished();
    // The steps of onFinished, in order; each returns true when it settled the exchange.
    void drainFinalBytes(QNetworkReply* reply);
    bool settledLocally();
    bool settledByTransport(QNetworkReply* reply, int status, QNetworkReply::NetworkError netError);
    bool settledByRedirect(QNetworkReply* reply, int status);
    bool settledAsDelivered(QNetworkReply* reply, int status);
    bool settledByAuthentication(QNetworkReply* reply, int status);
    bool settledByErrorStatus(QNetworkReply* reply, int status);
    bool settledByIncompleteBody(QNetworkReply* reply, QNetworkReply::NetworkError netError);
    void streamToSink();
    void retryLater(const QString& why, qint64 retryAfterMs = -1);
    void finish(Result<HttpResponse> result);
    bool isSameOrigin(const QUrl& url) const;
    QString describe(const QNetworkReply* reply) const;

    QNetworkAccessManager* m_nam;
    QPointer<RegistryAuth> m_auth;
    HttpOptions m_options;
    RetryPolicy m_retry;
    HttpRequest m_request;
    IngestFile* m_sink = nullptr;
    Finished m_finished;
    Progress m_progress;

    QNetworkReply* m_reply = nullptr;
    QTimer m_retryTimer;
    QUrl m_url;
    int m_attempts = 0;
    int m_stalls = 0; // attempts that ended in the inactivity timeout
    int m_redirects = 0;
    int m_authRounds = 0;
    bool m_rangeSent = false;
    bool m_streaming = false;
    bool m_cancelled = false;
    bool m_restartRequested = false;
    bool m_done = false;
    std::optional<Error> m_abortError; // set when we abort a reply ourselves
    QByteArray m_body;
    QByteArray m_errorBody;
    int m_status = 0;
};

} // namespace dist
