// SPDX-License-Identifier: MIT
#include "HttpExchange.h"

#include "EnvProxyFactory.h"
#include "HttpWire.h"
#include "RegistryAuth.h"
#include <cache/IngestFile.h>
#include <config/RegistryCertificates.h>
#include <core/Logging.h>

#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace dist {

QByteArray HttpResponse::header(const QByteArray& name) const
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            return h.second;
        }
    }
    return {};
}

HttpExchange::HttpExchange(QNetworkAccessManager* nam, RegistryAuth* auth, const HttpOptions& options, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_auth(auth)
    , m_options(options)
    , m_retry(options)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &HttpExchange::send);
}

HttpExchange::~HttpExchange()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void HttpExchange::start(const HttpRequest& request, IngestFile* sink, Finished finished, Progress progress)
{
    m_request = request;
    m_sink = sink;
    m_finished = std::move(finished);
    m_progress = std::move(progress);
    m_url = request.url;
    // Deferred so that callers always get their callback from the event loop.
    QTimer::singleShot(0, this, &HttpExchange::send);
}

void HttpExchange::cancel()
{
    if (m_done) {
        return;
    }
    m_cancelled = true;
    m_retryTimer.stop();
    if (m_reply) {
        m_reply->abort();
    } else {
        finish(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")));
    }
}

QString HttpExchange::describe(const QNetworkReply* reply) const
{
    // QNAM reports its transfer timeout as a cancellation; we did not cancel, so say what happened.
    QString what = reply->errorString();
    if (reply->error() == QNetworkReply::OperationCanceledError && !m_cancelled) {
        what = QStringLiteral("timed out (no data for %1 s)").arg(m_options.transferTimeoutMs / 1000.0);
    }
    if (reply->error() == QNetworkReply::SslHandshakeFailedError
        && RegistryCertificates::directoryFor(HttpWire::hostPort(m_url)).isEmpty()) {
        what += QStringLiteral(" (a private CA goes in ~/.config/containers/certs.d/%1/ca.crt)")
                    .arg(HttpWire::hostPort(m_url));
    }
    if (const auto proxy = EnvProxyFactory::proxyShownFor(m_nam, m_url)) {
        what += QStringLiteral(" (through the proxy %1)").arg(*proxy);
    }
    return what;
}

bool HttpExchange::isSameOrigin(const QUrl& url) const
{
    return HttpWire::sameOrigin(url, m_request.url);
}

void HttpExchange::send()
{
    if (m_done) {
        return;
    }
    if (m_cancelled) {
        finish(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")));
        return;
    }
    if (auto problem = EnvProxyFactory::problem(m_nam)) {
        finish(*problem);
        return;
    }
    ++m_attempts;
    m_status = 0;
    m_streaming = false;
    m_rangeSent = false;
    m_body.clear();
    m_errorBody.clear();
    m_abortError.reset();
    m_restartRequested = false;

    QByteArray authorization;
    if (isSameOrigin(m_url)) {
        authorization = m_request.basicAuthorization;
        if (authorization.isEmpty() && m_auth && !m_request.authHost.isEmpty()) {
            authorization
                = m_auth->authorization(CredentialQuery{m_request.authHost, m_request.authTenant}, m_request.authScope);
        }
    }
    const qint64 resumeFrom = m_sink ? m_sink->size() : 0;
    auto req = HttpWire::build(m_request, m_url, m_options, m_sink != nullptr, authorization, resumeFrom);
    if (!req) {
        finish(req.error());
        return;
    }
    m_rangeSent = resumeFrom > 0;
    qCDebug(lcHttp).noquote() << m_request.method << HttpWire::safeUrl(m_url) << "attempt" << m_attempts
                              << (m_rangeSent ? QStringLiteral("from byte %1").arg(resumeFrom) : QString());
    m_reply = HttpWire::send(m_nam, req.value(), m_request);
    if (m_sink || m_request.http1Only) {
        m_reply->setReadBufferSize(m_options.readBufferBytes);
    }
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &HttpExchange::onMetaData);
    connect(m_reply, &QIODevice::readyRead, this, &HttpExchange::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &HttpExchange::onFinished);
}

void HttpExchange::onMetaData()
{
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == m_status) {
        return;
    }
    m_status = status;
    m_streaming = false;
    if (status < 200 || status > 299) {
        return;
    }
    if (!m_sink) {
        m_streaming = true;
        return;
    }
    if (status == 206) {
        qint64 first = -1;
        if (!m_rangeSent || !HttpWire::parseContentRange(m_reply->rawHeader("Content-Range"), &first)
            || first != m_sink->size()) {
            // A range we did not ask for: start over from byte 0 on the next attempt.
            qCInfo(lcHttp) << "unexpected Content-Range" << m_reply->rawHeader("Content-Range") << "; restarting";
            if (auto r = m_sink->restart(); !r) {
                m_abortError = r.error();
            } else {
                m_restartRequested = true;
            }
            m_reply->abort();
            return;
        }
        qCInfo(lcHttp).noquote() << "resuming" << m_request.what << "at byte" << first;
    } else if (m_sink->size() > 0) {
        // 200 to a Range request: the server sends everything again.
        if (auto r = m_sink->restart(); !r) {
            m_abortError = r.error();
            m_reply->abort();
            return;
        }
    }
    m_streaming = true;
}

void HttpExchange::onReadyRead()
{
    if (!m_reply || m_abortError || m_restartRequested) {
        return;
    }
    if (m_status == 0) {
        onMetaData();
    }
    if (m_streaming && m_sink) {
        streamToSink();
        return;
    }
    const QByteArray chunk = m_reply->readAll();
    if (!m_streaming) {
        if (m_errorBody.size() < 65536) {
            m_errorBody += chunk.left(65536 - m_errorBody.size());
        }
        return;
    }
    if (m_body.isEmpty() && m_request.expectedSize > 0 && m_request.expectedSize <= m_request.maxBodyBytes) {
        m_body.reserve(m_request.expectedSize); // one allocation for a body of known size
    }
    if (m_body.size() + chunk.size() > m_request.maxBodyBytes) {
        m_abortError = makeError(
            ErrorCode::Protocol,
            QStringLiteral("%1 is larger than the %2-byte limit").arg(m_request.what).arg(m_request.maxBodyBytes),
            ErrorDetail::BodyTooLarge);
        m_reply->abort();
        return;
    }
    m_body += chunk;
}

void HttpExchange::streamToSink()
{
    if (m_request.expectedSize >= 0 && m_request.expectedSize <= kSmallFileBody) {
        // A small body is written and hashed right here: starting the sink's worker threads would
        // cost more than the work (a lockfile of small components starts hundreds of them).
        const QByteArray chunk = m_reply->read(m_request.expectedSize - m_sink->size() + 1);
        if (m_sink->size() + chunk.size() > m_request.expectedSize) {
            m_abortError = makeError(ErrorCode::Integrity,
                                     QStringLiteral("%1 is larger than the %2 bytes its descriptor declares")
                                         .arg(m_request.what)
                                         .arg(m_request.expectedSize));
            m_reply->abort();
            return;
        }
        if (auto r = m_sink->write(chunk); !r) {
            m_abortError = r.error();
            m_reply->abort();
            return;
        }
    }
    // Read straight into the sink's buffers: no per-chunk allocation, and the hash of one chunk
    // runs on the sink's worker while the next is read and written.
    while (m_reply->bytesAvailable() > 0) {
        qint64 capacity = 0;
        char* buffer = m_sink->writeBuffer(&capacity);
        const qint64 n = m_reply->read(buffer, capacity);
        if (n > 0 && m_request.expectedSize >= 0 && m_sink->size() + n > m_request.expectedSize) {
            (void)m_sink->commitBuffer(0);
            m_abortError = makeError(ErrorCode::Integrity,
                                     QStringLiteral("%1 is larger than the %2 bytes its "
                                                    "descriptor declares")
                                         .arg(m_request.what)
                                         .arg(m_request.expectedSize));
            m_reply->abort();
            return;
        }
        if (auto r = m_sink->commitBuffer(std::max<qint64>(n, 0)); !r) {
            m_abortError = r.error();
            m_reply->abort();
            return;
        }
        if (n <= 0) {
            break;
        }
    }
    if (m_progress) {
        qint64 total = m_request.expectedSize;
        if (total < 0) {
            const qint64 len = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
            total = len > 0 ? len + (m_rangeSent ? m_sink->resumedFrom() : 0) : -1;
        }
        m_progress(m_sink->size(), total);
    }
}

void HttpExchange::onFinished()
{
    // Each step either settles the exchange (finish, retry, redirect, re-authenticate) and says
    // so, or hands over to the next; a 2xx with its whole body is what is left at the end.
    QNetworkReply* reply = m_reply;
    m_reply = nullptr;
    reply->deleteLater();
    if (m_done) {
        return;
    }
    drainFinalBytes(reply);
    if (settledLocally()) {
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError netError = reply->error();
    if (settledByTransport(reply, status, netError) || settledByRedirect(reply, status)
        || settledAsDelivered(reply, status) || settledByAuthentication(reply, status)
        || settledByErrorStatus(reply, status) || settledByIncompleteBody(reply, netError)) {
        return;
    }
    HttpResponse response;
    response.status = status;
    response.finalUrl = m_url;
    response.body = std::move(m_body);
    response.headers = reply->rawHeaderPairs();
    finish(std::move(response));
}

void HttpExchange::drainFinalBytes(QNetworkReply* reply)
{
    // Whatever arrived with the final notification.
    if (reply->bytesAvailable() > 0 && !m_abortError && !m_cancelled) {
        m_reply = reply;
        onReadyRead();
        m_reply = nullptr;
    }
}

bool HttpExchange::settledLocally()
{
    if (m_cancelled) {
        finish(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")));
        return true;
    }
    if (m_abortError) {
        finish(*m_abortError);
        return true;
    }
    if (m_restartRequested) {
        retryLater(QStringLiteral("unexpected Content-Range"));
        return true;
    }
    return false;
}

bool HttpExchange::settledByTransport(QNetworkReply* reply, int status, QNetworkReply::NetworkError netError)
{
    // QNAM reports its inactivity timeout as a cancellation we did not ask for: a stall, before
    // the headers or mid-body. Stalls have their own, smaller budget across resumes.
    if (netError == QNetworkReply::OperationCanceledError) {
        if (++m_stalls >= m_options.maxStalls) {
            QString kept;
            if (m_sink && m_sink->size() > 0) {
                kept = QStringLiteral("; the %1 bytes received are kept and the next pull resumes from there")
                           .arg(m_sink->size());
            }
            finish(makeError(ErrorCode::Network,
                             QStringLiteral("network error: no data from %1 for %2 s, %3 %4 (%5)%6")
                                 .arg(HttpWire::hostPort(m_url))
                                 .arg(m_options.transferTimeoutMs / 1000.0)
                                 .arg(m_stalls)
                                 .arg(m_stalls == 1 ? QStringLiteral("attempt") : QStringLiteral("attempts"),
                                      m_request.what, kept)));
            return true;
        }
        retryLater(describe(reply));
        return true;
    }
    if (status == 407 || netError == QNetworkReply::ProxyAuthenticationRequiredError) {
        finish(makeError(ErrorCode::AuthRequired,
                         QStringLiteral("the proxy for %1 wants credentials (HTTP 407): give them in the proxy "
                                        "variable as http://user:password@host:port")
                             .arg(HttpWire::safeUrl(m_url))));
        return true;
    }
    if (status == 0) {
        if (RetryPolicy::isRetryableNetworkError(netError)) {
            retryLater(describe(reply));
        } else {
            finish(
                makeError(ErrorCode::Network,
                          QStringLiteral("network error: %1 %2: %3")
                              .arg(QString::fromLatin1(m_request.method), HttpWire::safeUrl(m_url), describe(reply))));
        }
        return true;
    }
    return false;
}

bool HttpExchange::settledByRedirect(QNetworkReply* reply, int status)
{
    if (status >= 300 && status <= 399 && status != 304) {
        const QByteArray location = reply->rawHeader("Location");
        if (location.isEmpty()) {
            finish(makeError(
                ErrorCode::Protocol,
                QStringLiteral("HTTP %1 without Location from %2").arg(status).arg(HttpWire::safeUrl(m_url))));
            return true;
        }
        const QUrl next = m_url.resolved(QUrl::fromEncoded(location));
        if (++m_redirects > m_options.maxRedirects) {
            finish(makeError(ErrorCode::Network,
                             QStringLiteral("network error: too many redirects for %1").arg(m_request.what)));
            return true;
        }
        if (!next.isValid() || !HttpWire::redirectAllowed(m_request.url, next)) {
            finish(makeError(ErrorCode::Network,
                             QStringLiteral("network error: refusing redirect of %1 to %2")
                                 .arg(m_request.what, HttpWire::safeUrl(next))));
            return true;
        }
        qCDebug(lcHttp).noquote() << "redirect" << status << "to" << HttpWire::safeUrl(next)
                                  << (isSameOrigin(next) ? "" : "(other host: no Authorization)");
        m_url = next;
        --m_attempts; // a redirect is not a failed attempt
        send();
        return true;
    }
    return false;
}

bool HttpExchange::settledAsDelivered(QNetworkReply* reply, int status)
{
    if (m_request.deliverAnyStatus && (status < 200 || status > 299)) {
        HttpResponse response;
        response.status = status;
        response.finalUrl = m_url;
        response.body = std::move(m_errorBody);
        response.headers = reply->rawHeaderPairs();
        finish(std::move(response));
        return true;
    }
    return false;
}

bool HttpExchange::settledByAuthentication(QNetworkReply* reply, int status)
{
    // Two rounds: one to answer the first challenge, one to renew a token the registry rejects
    // (expired early, revoked) although we still thought it valid.
    if (status == 401 && m_auth && !m_request.authHost.isEmpty() && m_authRounds < 2 && isSameOrigin(m_url)) {
        ++m_authRounds;
        const QByteArray challenge = reply->rawHeader("WWW-Authenticate");
        QPointer<HttpExchange> self(this);
        m_auth->respond(CredentialQuery{m_request.authHost, m_request.authTenant}, m_request.authScope, challenge,
                        [self](Result<void> r) {
                            if (!self || self->m_done) {
                                return;
                            }
                            if (!r) {
                                self->finish(r.error());
                                return;
                            }
                            --self->m_attempts;
                            self->send();
                        });
        return true;
    }
    if (status == 401 || status == 403) {
        if (m_auth && !m_request.authHost.isEmpty()) {
            m_auth->forget(CredentialQuery{m_request.authHost, m_request.authTenant}, m_request.authScope);
        }
        finish(makeError(ErrorCode::AuthRequired,
                         QStringLiteral("unauthorized for `%1`: HTTP %2%3")
                             .arg(m_request.what)
                             .arg(status)
                             .arg(HttpWire::registryErrorDetail(m_errorBody))));
        return true;
    }
    return false;
}

bool HttpExchange::settledByErrorStatus(QNetworkReply* reply, int status)
{
    if (status == 404) {
        finish(makeError(ErrorCode::NotFound,
                         QStringLiteral("reference `%1` not found%2")
                             .arg(m_request.what, HttpWire::registryErrorDetail(m_errorBody))));
        return true;
    }
    if (status == 416 && m_sink && m_rangeSent) {
        if (auto r = m_sink->restart(); !r) {
            finish(r.error());
            return true;
        }
        retryLater(QStringLiteral("HTTP 416"), 0);
        return true;
    }
    if (RetryPolicy::isRetryableStatus(status)) {
        retryLater(QStringLiteral("HTTP %1%2").arg(status).arg(HttpWire::registryErrorDetail(m_errorBody)),
                   RetryPolicy::parseRetryAfterMs(reply->rawHeader("Retry-After")));
        return true;
    }
    if (status < 200 || status > 299) {
        finish(makeError(ErrorCode::Network,
                         QStringLiteral("network error: %1 %2: HTTP %3%4")
                             .arg(QString::fromLatin1(m_request.method), HttpWire::safeUrl(m_url))
                             .arg(status)
                             .arg(HttpWire::registryErrorDetail(m_errorBody))));
        return true;
    }
    return false;
}

bool HttpExchange::settledByIncompleteBody(QNetworkReply* reply, QNetworkReply::NetworkError netError)
{
    if (netError != QNetworkReply::NoError) {
        // A 2xx whose body broke off: resume (or restart) on the next attempt.
        retryLater(describe(reply));
        return true;
    }
    if (m_sink && m_request.expectedSize >= 0 && m_sink->size() < m_request.expectedSize) {
        retryLater(QStringLiteral("body ended after %1 of %2 bytes").arg(m_sink->size()).arg(m_request.expectedSize));
        return true;
    }
    return false;
}

void HttpExchange::retryLater(const QString& why, qint64 retryAfterMs)
{
    if (!m_retry.canRetry(m_attempts)) {
        finish(makeError(ErrorCode::Network,
                         QStringLiteral("network error: %1 failed after %2 attempts: %3")
                             .arg(m_request.what)
                             .arg(m_attempts)
                             .arg(why)));
        return;
    }
    // Signed redirect targets expire; every retry starts again at the registry.
    m_url = m_request.url;
    m_redirects = 0;
    const int delay = m_retry.delayMs(m_attempts, retryAfterMs);
    qCInfo(lcHttp).noquote() << m_request.what << ":" << why << "- retrying in" << delay << "ms";
    m_retryTimer.start(delay);
}

void HttpExchange::finish(Result<HttpResponse> result)
{
    if (m_done) {
        return;
    }
    m_done = true;
    m_retryTimer.stop();
    Finished cb = std::move(m_finished);
    deleteLater();
    if (cb) {
        cb(std::move(result));
    }
}

} // namespace dist
