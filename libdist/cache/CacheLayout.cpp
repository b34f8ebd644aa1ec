// SPDX-License-Identifier: MIT
#include "CacheLayout.h"

#include <core/Sha256.h>

namespace dist {

namespace {

QString token(quint64 value, int width)
{
    return QStringLiteral("%1").arg(value, width, 16, QLatin1Char('0'));
}

} // namespace

CacheLayout::CacheLayout(QString root)
    : m_root(std::move(root))
{
}

QString CacheLayout::artifactsDir() const
{
    return m_root + QStringLiteral("/artifacts/sha256");
}

QString CacheLayout::entryDir(const Digest& d) const
{
    return artifactsDir() + u'/' + d.hex().left(2) + u'/' + d.hex().mid(2);
}

QString CacheLayout::blobPath(const Digest& d) const
{
    return blobIn(entryDir(d));
}

QString CacheLayout::entryPath(const Digest& d) const
{
    return entryIn(entryDir(d));
}

QString CacheLayout::blobIn(const QString& entryDir)
{
    return entryDir + u'/' + QLatin1String(kBlobName);
}

QString CacheLayout::entryIn(const QString& entryDir)
{
    return entryDir + u'/' + QLatin1String(kEntryName);
}

QString CacheLayout::ingestDir() const
{
    return m_root + QStringLiteral("/ingest");
}

QString CacheLayout::lockPath(const Digest& d) const
{
    return ingestDir() + u'/' + d.hex() + QStringLiteral(".lock");
}

QString CacheLayout::entryLockPath(const Digest& d) const
{
    return ingestDir() + u'/' + d.hex() + QStringLiteral(".entry.lock");
}

QString CacheLayout::partialPath(const Digest& d) const
{
    return partialIn(ingestDir(), d);
}

QString CacheLayout::anonymousPartialPath(quint64 value) const
{
    return anonymousPartialIn(ingestDir(), value);
}

QString CacheLayout::partialIn(const QString& ingestDir, const Digest& d)
{
    return ingestDir + u'/' + d.hex() + QStringLiteral(".partial");
}

QString CacheLayout::anonymousPartialIn(const QString& ingestDir, quint64 value)
{
    return ingestDir + QStringLiteral("/tmp-") + token(value, 16) + QStringLiteral(".partial");
}

QString CacheLayout::stagingDir(const Digest& d, quint32 value) const
{
    return ingestDir() + u'/' + d.hex() + QStringLiteral(".commit-") + token(value, 8);
}

QString CacheLayout::trashDir(const Digest& d, quint32 value) const
{
    return ingestDir() + u'/' + d.hex() + QStringLiteral(".trash-") + token(value, 8);
}

CacheLayout::IngestKind CacheLayout::classifyIngest(const QString& name, QString* hex)
{
    *hex = name.section(u'.', 0, 0);
    if (name.endsWith(QLatin1String(".lock"))) {
        return IngestKind::Lock;
    }
    if (name.contains(QLatin1String(".commit-")) || name.contains(QLatin1String(".trash-"))) {
        return IngestKind::Staging;
    }
    if (name.startsWith(QLatin1String("tmp-"))) {
        return IngestKind::AnonymousPartial;
    }
    if (name.endsWith(QLatin1String(".partial")) && Digest::isValidHex(*hex)) {
        return IngestKind::Partial;
    }
    return IngestKind::Other;
}

QString CacheLayout::cacheLockPath() const
{
    return m_root + QStringLiteral("/cache.lock");
}

QString CacheLayout::entrySnapshotPath() const
{
    return m_root + QStringLiteral("/index/entries-v2.bin");
}

QString CacheLayout::manifestIndexDir() const
{
    return m_root + QStringLiteral("/index/manifests/sha256");
}

QString CacheLayout::manifestIndexPath(const Digest& manifest) const
{
    return manifestIndexDir() + u'/' + manifest.hex();
}

QString CacheLayout::metadataDir() const
{
    return m_root + QStringLiteral("/oci/blobs/sha256");
}

QString CacheLayout::metadataPath(const Digest& d) const
{
    return metadataDir() + u'/' + d.hex();
}

QString CacheLayout::tagIndexDir() const
{
    return m_root + QStringLiteral("/index/tags");
}

QString CacheLayout::tagIndexPath(const QString& reference) const
{
    // Hashed: a reference holds `/` and `:`, and its length has no useful bound for a file name.
    return tagIndexDir() + u'/' + Sha256::hash(reference.toUtf8()).hex();
}

QString CacheLayout::referrerIndexDir() const
{
    return m_root + QStringLiteral("/index/referrers");
}

QString CacheLayout::referrerDir(const Digest& subject) const
{
    return referrerIndexDir() + u'/' + subject.hex();
}

QString CacheLayout::packIndexRoot() const
{
    return m_root + QStringLiteral("/index/packs");
}

QString CacheLayout::packIndexDir(const QString& registryKey) const
{
    return packIndexRoot() + u'/' + registryKey;
}

QString CacheLayout::releaseIndexPath(const QString& channel, const QString& release) const
{
    return m_root + QStringLiteral("/release-index/v1/") + channel + u'/' + release + QStringLiteral(".json");
}

QString CacheLayout::bundlesDir() const
{
    return m_root + QStringLiteral("/bundles");
}

QString CacheLayout::bundlesLockPath() const
{
    return m_root + QStringLiteral("/bundles.lock");
}

} // namespace dist
