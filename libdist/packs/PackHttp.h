// SPDX-License-Identifier: MIT
#pragma once

#include "PackRegistryOptions.h"
#include <net/HttpExchange.h>

#include <functional>

class QNetworkAccessManager;

namespace dist {

// One attempt at a pack-registry request: every status comes back as a response, the whole
// attempt is bounded by the registry timeout, and the caller decides about retries.
class PackHttp
{
public:
    static HttpExchange* sendOnce(QNetworkAccessManager* nam, const PackRegistryOptions& options, HttpRequest request,
                                  QObject* parent, std::function<void(Result<HttpResponse>)> done);

    // assay's schedule: a Retry-After (capped, ±10 % jitter, at least 100 ms), otherwise capped
    // exponential backoff with full jitter. `retry` counts from 1.
    static int retryDelayMs(const PackRegistryOptions& options, int retry, qint64 retryAfterMs);

    // Whether the base URL may be used: https, or plain http to loopback when allowed.
    static Result<void> checkScheme(const PackRegistryOptions& options, const QUrl& url);

    // A response body fit for an error message: one line, at most `max` characters ("…" when cut).
    static QString excerpt(const QByteArray& body, int max = 200);
};

} // namespace dist
