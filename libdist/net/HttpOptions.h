// SPDX-License-Identifier: MIT
#pragma once

#include <config/RegistryCertificateCache.h>

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

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
    // One big blob over several HTTP/1.1 Range requests at once, where the server serves ranges:
    // a single connection is often capped far below the link. Qt opens at most six HTTP/1.1
    // connections per host, so more would only queue. 1 turns it off.
    static constexpr int kMaxRangedConnections = 6;
    int rangedConnections = 6; // bench/ranged-wan, 25 MB/s per connection: 4 give 3.3x, 6 give 4.4x
    qint64 rangedMinBytes = qint64(64) << 20; // smaller blobs come in one stream
    // Ranges only once one stream proves slower than this: on a fast link (loopback, a LAN) one
    // stream costs less CPU than several and copies nothing through memory.
    qint64 rangedBelowBytesPerSecond = 64'000'000;
    // Per request; a window of connections + 2 of them is held in memory (24 MiB at the defaults).
    qint64 rangedChunkBytes = qint64(3) << 20;
    QByteArray userAgent = QByteArrayLiteral("greentic-dist-qt/" DIST_VERSION);
    // Shared by every copy of these options (one client's requests).
    std::shared_ptr<RegistryCertificateCache> certificates = std::make_shared<RegistryCertificateCache>();

    // Reads GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP, GREENTIC_DIST_TIMEOUT_SECS,
    // GREENTIC_DIST_MAX_ATTEMPTS, GREENTIC_DIST_MAX_STALLS, GREENTIC_DIST_RETRY_BASE_MS,
    // GREENTIC_DIST_RANGED_CONNECTIONS, GREENTIC_DIST_RANGED_MIN_MIB and
    // GREENTIC_DIST_RANGED_CHUNK_MIB.
    static HttpOptions fromEnvironment();
};

} // namespace dist
