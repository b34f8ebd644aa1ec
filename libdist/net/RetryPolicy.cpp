// SPDX-License-Identifier: MIT
#include "RetryPolicy.h"

#include <QDateTime>
#include <QLocale>
#include <QRandomGenerator>

#include <algorithm>

namespace dist {

HttpOptions HttpOptions::fromEnvironment()
{
    HttpOptions o;
    o.allowInsecureLocalHttp = qEnvironmentVariable("GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP") == u"1";
    bool ok = false;
    if (const int secs = qEnvironmentVariableIntValue("GREENTIC_DIST_TIMEOUT_SECS", &ok); ok && secs > 0) {
        o.transferTimeoutMs = secs * 1000;
    }
    if (const int n = qEnvironmentVariableIntValue("GREENTIC_DIST_MAX_ATTEMPTS", &ok); ok && n > 0) {
        o.maxAttempts = n;
    }
    if (const int n = qEnvironmentVariableIntValue("GREENTIC_DIST_MAX_STALLS", &ok); ok && n > 0) {
        o.maxStalls = n;
    }
    if (const int ms = qEnvironmentVariableIntValue("GREENTIC_DIST_RETRY_BASE_MS", &ok); ok && ms >= 0) {
        o.retryBaseMs = ms;
        o.retryMaxMs = std::max(ms, 1) * 32;
    }
    return o;
}

RetryPolicy::RetryPolicy(const HttpOptions& options)
    : m_options(options)
{
}

bool RetryPolicy::isRetryableStatus(int status)
{
    return status == 408 || status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

bool RetryPolicy::isRetryableNetworkError(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError: // also what a transfer timeout looks like
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProtocolFailure:
    case QNetworkReply::InternalServerError:
    case QNetworkReply::ServiceUnavailableError:
    case QNetworkReply::UnknownServerError:
        return true;
    default:
        return false;
    }
}

qint64 RetryPolicy::parseRetryAfterMs(const QByteArray& value)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty()) {
        return -1;
    }
    bool ok = false;
    const qint64 secs = v.toLongLong(&ok);
    if (ok) {
        return secs < 0 ? -1 : secs * 1000;
    }
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
    const QDateTime when
        = QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!when.isValid()) {
        return -1;
    }
    QDateTime utc = when;
    utc.setTimeSpec(Qt::UTC);
    return std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(utc));
}

int RetryPolicy::delayMs(int attempt, qint64 retryAfterMs) const
{
    if (retryAfterMs >= 0) {
        return static_cast<int>(std::min<qint64>(retryAfterMs, m_options.maxRetryAfterMs));
    }
    const qint64 exp = static_cast<qint64>(m_options.retryBaseMs) << std::min(attempt - 1, 20);
    const qint64 capped = std::min<qint64>(exp, m_options.retryMaxMs);
    if (capped <= 1) {
        return static_cast<int>(capped);
    }
    // Full jitter in the upper half keeps parallel clients from retrying in lockstep.
    const qint64 half = capped / 2;
    return static_cast<int>(half + QRandomGenerator::global()->bounded(static_cast<quint32>(half + 1)));
}

} // namespace dist
