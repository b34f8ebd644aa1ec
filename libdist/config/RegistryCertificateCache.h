// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QSslConfiguration>

#include <optional>

namespace dist {

// What RegistryCertificates::configurationFor found for each host, kept for a few seconds. A
// lockfile pull sends hundreds of requests to one registry; without it each would look up the
// certs.d directories, list one and parse its PEM files again. Short enough that a certificate
// added while the GUI runs is used within seconds. Shared by the copies of one HttpOptions.
class RegistryCertificateCache
{
public:
    static constexpr qint64 kKeepMs = 5000;

    RegistryCertificateCache();
    Result<std::optional<QSslConfiguration>> configurationFor(const QString& hostPort);

private:
    struct Kept
    {
        qint64 readAtMs = 0;
        std::optional<Result<std::optional<QSslConfiguration>>> value; // always set; Result has no default
    };
    QMutex m_mutex;
    QElapsedTimer m_clock;
    QHash<QString, Kept> m_kept;
};

} // namespace dist
