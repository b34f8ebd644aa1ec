// SPDX-License-Identifier: MIT
#include "RegistryCertificateCache.h"

#include "RegistryCertificates.h"

#include <QMutexLocker>

namespace dist {

RegistryCertificateCache::RegistryCertificateCache()
{
    m_clock.start();
}

Result<std::optional<QSslConfiguration>> RegistryCertificateCache::configurationFor(const QString& hostPort)
{
    QMutexLocker lock(&m_mutex);
    const qint64 now = m_clock.elapsed();
    auto it = m_kept.find(hostPort);
    if (it != m_kept.end() && now - it->readAtMs < kKeepMs) {
        return *it->value;
    }
    auto value = RegistryCertificates::configurationFor(hostPort);
    m_kept.insert(hostPort, Kept{now, value});
    return value;
}

} // namespace dist
