// SPDX-License-Identifier: MIT
#pragma once

#include "HttpOptions.h"

#include <QByteArray>
#include <QNetworkReply>

namespace dist {

// When to try an HTTP request again and how long to wait first.
class RetryPolicy
{
public:
    explicit RetryPolicy(const HttpOptions& options);

    static bool isRetryableStatus(int status); // 408, 429, 5xx
    static bool isRetryableNetworkError(QNetworkReply::NetworkError error);
    // Seconds or an HTTP date; -1 when absent or unparseable.
    static qint64 parseRetryAfterMs(const QByteArray& value);

    bool canRetry(int attemptsSoFar) const { return attemptsSoFar < m_options.maxAttempts; }
    // Delay before attempt number `attempt` (1 = first retry). A server's Retry-After wins when given.
    int delayMs(int attempt, qint64 retryAfterMs = -1) const;

private:
    HttpOptions m_options;
};

} // namespace dist
