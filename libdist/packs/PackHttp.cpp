// SPDX-License-Identifier: MIT
#include "PackHttp.h"

#include <QHostAddress>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <memory>

namespace dist {

HttpExchange* PackHttp::sendOnce(QNetworkAccessManager* nam, const PackRegistryOptions& options, HttpRequest request,
                                 QObject* parent, std::function<void(Result<HttpResponse>)> done)
{
    HttpOptions http = options.http;
    http.maxAttempts = 1;
    http.transferTimeoutMs = options.timeoutSecs * 1000 + 1000; // a backstop; the deadline below decides

    request.deliverAnyStatus = true;
    auto* exchange = new HttpExchange(nam, nullptr, http, parent);
    auto timedOut = std::make_shared<bool>(false);
    // A whole-request deadline (assay's ASSAY_REGISTRY_TIMEOUT), on top of the inactivity timeout.
    QTimer::singleShot(options.timeoutSecs * 1000, exchange, [exchange, timedOut] {
        *timedOut = true;
        exchange->cancel();
    });
    const int secs = options.timeoutSecs;
    const QString what = request.what;
    exchange->start(request, nullptr, [done = std::move(done), timedOut, secs, what](Result<HttpResponse> r) {
        if (!r && r.code() == ErrorCode::Cancelled && *timedOut) {
            done(makeError(ErrorCode::Network,
                           QStringLiteral("network error: %1 timed out after %2 s").arg(what).arg(secs)));
            return;
        }
        done(std::move(r));
    });
    return exchange;
}

int PackHttp::retryDelayMs(const PackRegistryOptions& options, int retry, qint64 retryAfterMs)
{
    auto* rng = QRandomGenerator::global();
    if (retryAfterMs >= 0) {
        const double capped = static_cast<double>(std::min<qint64>(retryAfterMs, options.maxRetryAfterMs));
        const double jittered = capped * (0.9 + 0.2 * rng->generateDouble());
        return std::max(100, static_cast<int>(jittered + 0.5));
    }
    const qint64 base = std::max(1, options.http.retryBaseMs);
    const qint64 cap = std::min<qint64>(base << std::min(retry - 1, 20), options.maxRetryAfterMs);
    return std::max(10, static_cast<int>(rng->bounded(static_cast<quint32>(cap) + 1)));
}

Result<void> PackHttp::checkScheme(const PackRegistryOptions& options, const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid pack registry URL `%1`").arg(url.toString(QUrl::RemoveUserInfo)));
    }
    if (url.scheme() == u"https") {
        return {};
    }
    if (url.scheme() == u"http") {
        const QHostAddress address(url.host());
        const bool loopback = url.host() == u"localhost" || (!address.isNull() && address.isLoopback());
        if (loopback && options.http.allowInsecureLocalHttp) {
            return {};
        }
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("refusing plain http for the pack registry %1: use https (plain http is "
                                        "only allowed to a loopback registry with "
                                        "GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP=1)")
                             .arg(url.toString(QUrl::RemoveUserInfo)));
    }
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("unsupported pack registry URL scheme `%1`").arg(url.scheme()));
}

QString PackHttp::excerpt(const QByteArray& body, int max)
{
    QString s = QString::fromUtf8(body.left(max * 4)).simplified();
    if (s.size() > max) {
        s = s.left(max) + QStringLiteral("…");
    }
    return s;
}

} // namespace dist
