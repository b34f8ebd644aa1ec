// SPDX-License-Identifier: MIT
#include "RetryPolicy.h"

#include <QDateTime>
#include <QLocale>
#include <QRandomGenerator>
#include <config/Settings.h>

#include <algorithm>

namespace dist {

HttpOptions HttpOptions::fromEnvironment()
{
    const Settings settings;
    HttpOptions o;
    o.allowInsecureLocalHttp = settings.allowInsecureLocalHttp();
    if (const auto secs = settings.timeoutSecs(); secs && *secs <= 86400) {
        o.transferTimeoutMs = *secs * 1000;
    }
    if (const auto n = settings.maxAttempts()) {
        o.maxAttempts = *n;
    }
    if (const auto n = settings.maxStalls()) {
        o.maxStalls = *n;
    }
    if (const auto ms = settings.retryBaseMs(); ms && *ms <= 3600000) {
        o.retryBaseMs = *ms;
        o.retryMaxMs = std::max(*ms, 1) * 32;
    }
    if (const auto n = settings.rangedConnections()) {
        o.rangedConnections = std::min(*n, HttpOptions::kMaxRangedConnections);
    }
    if (const auto mib = settings.rangedMinMiB(); mib && *mib <= 1 << 20) {
        o.rangedMinBytes = qint64(*mib) << 20;
    }
    if (const auto mib = settings.rangedChunkMiB(); mib && *mib <= 64) {
        o.rangedChunkBytes = qint64(*mib) << 20;
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
