// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace dist {

// What the cache knows about one registry pack version: which content it is, how it was signed,
// and the HTTP caching state (ETag, expiry) for revalidation.
struct PackRecord
{
    QString name;
    QString version;
    QString registryUrl;
    Digest digest; // canonical (the pack digest lockfiles hold)
    Digest contentDigest; // sha256 of the stored bytes: the cache key
    QByteArray etag;
    QDateTime fetchedAt;
    QDateTime expiresAt;
    QString keyId; // the key that verified the signature
    QByteArray envelope; // DSSE envelope JSON, re-verified on every read; empty when unsigned
    QString policy; // commercial | open | empty

    bool isExpired(const QDateTime& now) const { return expiresAt < now; }
    QByteArray toJson() const;
    static Result<PackRecord> fromJson(const QByteArray& json);
};

// index/packs/<registry key>/<name>/<version>.json under the cache root, plus the registry's
// last keys manifest (keys.json) so signatures verify offline. Records are written atomically;
// the content itself lives in the content-addressed cache.
class PackIndex
{
public:
    PackIndex(const QString& cacheRoot, const QString& registryKey);

    std::optional<PackRecord> read(const QString& name, const QString& version) const;
    Result<void> write(const PackRecord& record) const;
    void remove(const QString& name, const QString& version) const;
    QList<PackRecord> records() const;

    struct CachedKeys
    {
        QByteArray body;
        QDateTime fetchedAt;
    };
    std::optional<CachedKeys> readKeys() const;
    Result<void> writeKeys(const QByteArray& body, const QDateTime& fetchedAt) const;

    QString directory() const { return m_dir; }

    // max-age from Cache-Control (first `max-age=N`; no-cache/no-store mean 0), else 24 h.
    static qint64 maxAgeSecs(const QString& cacheControl);

private:
    QString recordPath(const QString& name, const QString& version) const;
    QString m_dir;
};

} // namespace dist
