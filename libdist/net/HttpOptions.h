// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace dist {

struct HttpOptions
{
    int transferTimeoutMs = 30000; // inactivity timeout per request
    int maxAttempts = 5; // per request, including the first
    // Attempts that end in the inactivity timeout, counted across resumes: a server that sends a
    // little and goes quiet every time fails after this many (3 × 30 s by default), not after
    // maxAttempts long waits.
    int maxStalls = 3;
    int retryBaseMs = 250; // capped exponential backoff with jitter
    int retryMaxMs = 8000;
    int maxRetryAfterMs = 60000; // never wait longer than this for a server's Retry-After
    int maxRedirects = 10;
    qint64 readBufferBytes = 1 << 20; // bounds memory while streaming a blob
    bool allowInsecureLocalHttp = false; // plain http to loopback hosts
    QStringList insecureRegistries; // host[:port] spoken to over plain http
    QByteArray userAgent = QByteArrayLiteral("greentic-dist-qt/" DIST_VERSION);

    // Reads GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP, GREENTIC_DIST_TIMEOUT_SECS,
    // GREENTIC_DIST_MAX_ATTEMPTS, GREENTIC_DIST_MAX_STALLS and GREENTIC_DIST_RETRY_BASE_MS.
    static HttpOptions fromEnvironment();
};

} // namespace dist
