// SPDX-License-Identifier: MIT
#include "Cache.h"

#include "IngestFile.h"
#include <config/Settings.h>
#include <core/AtomicFile.h>
#include <core/LockWaiter.h>
#include <core/Logging.h>
#include <core/Sha256.h>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QRandomGenerator>

#include <algorithm>

namespace dist {

namespace {

Result<QByteArray> readSmallFile(const QString& path, qint64 limit)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (!f.exists()) {
            return makeError(ErrorCode::NotFound, path);
        }
        return makeError(ErrorCode::Cache, QStringLiteral("cache error at `%1`: %2").arg(path, f.errorString()));
    }
    if (f.size() > limit) {
        return makeError(ErrorCode::Cache, QStringLiteral("cache error at `%1`: file is too large").arg(path));
    }
    return f.readAll();
}

qint64 directorySize(const QString& dir)
{
    qint64 total = 0;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

} // namespace

Cache::Cache(const QString& root)
    : m_root(QDir::cleanPath(QDir(root).absolutePath()))
    , m_layout(m_root)
{
}

QString Cache::resolveRoot(const QString& override)
{
    return override.isEmpty() ? Settings().cacheRoot() : override;
}

QString Cache::entryDir(const Digest& d) const
{
    return m_layout.entryDir(d);
}

QString Cache::blobPath(const Digest& d) const
{
    return m_layout.blobPath(d);
}

QString Cache::entryPath(const Digest& d) const
{
    return m_layout.entryPath(d);
}

QString Cache::ingestDir() const
{
    return m_layout.ingestDir();
}

QString Cache::lockPath(const Digest& d) const
{
    return m_layout.lockPath(d);
}

QString Cache::cacheLockPath() const
{
    return m_layout.cacheLockPath();
}

Result<CacheEntry> Cache::stat(const Digest& d) const
{
    const QString path = entryPath(d);
    auto bytes = readSmallFile(path, 4 << 20);
    if (!bytes) {
        if (bytes.code() == ErrorCode::NotFound) {
            return makeError(ErrorCode::NotFound, QStringLiteral("reference `%1` not found").arg(d.toString()));
        }
        return bytes.error();
    }
    auto entry = CacheEntry::fromJson(bytes.value(), path);
    if (!entry) {
        return entry;
    }
    if (entry->digest != d) {
        return makeError(ErrorCode::Cache,
                         QStringLiteral("cache error at `%1`: entry describes %2").arg(path, entry->digest.toString()));
    }
    if (!QFileInfo::exists(blobPath(d))) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("corrupt artifact `%1`: cache metadata exists but "
                                        "cached blob is missing")
                             .arg(d.toString()));
    }
    entry->localPath = blobPath(d);
    return entry;
}

Result<CacheEntry> Cache::open(const Digest& d)
{
    auto entry = stat(d);
    if (!entry) {
        return entry;
    }
    // Accesses are recorded to the minute: eviction order needs no finer grain, and a warm
    // lockfile pull run again and again then rewrites no entry.json at all.
    constexpr qint64 kAccessResolutionSecs = 60;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const auto recent = [now](qint64 at) { return at <= now && now - at < kAccessResolutionSecs; };
    if (recent(entry->lastAccessedAt)) {
        return entry;
    }
    auto updated = updateEntry(d, [now, recent](CacheEntry& e) {
        if (recent(e.lastAccessedAt)) {
            return false;
        }
        e.lastAccessedAt = now;
        return true;
    });
    if (!updated) {
        if (updated.detail() != ErrorDetail::LockBusy && updated.code() != ErrorCode::Io) {
            return updated; // removed or broken since the stat: its path is no longer one to hand out
        }
        // An access that cannot be recorded must not fail the read; eviction order just gets older data.
        qCWarning(lcCache) << "could not record access to" << d.toString() << ":" << updated.message();
        return entry;
    }
    return updated;
}

Result<CacheEntry> Cache::updateEntry(const Digest& d, const std::function<bool(CacheEntry&)>& change)
{
    auto lock = LockWaiter::acquireBrief(m_layout.entryLockPath(d));
    if (!lock) {
        return makeError(lock.code(), lock.message() + QStringLiteral(" to update the entry"), lock.detail());
    }
    auto current = stat(d);
    if (!current) {
        return current; // gone (removed meanwhile), unreadable or without its blob: nothing to update
    }
    CacheEntry e = current.value();
    if (!change(e)) {
        return e;
    }
    if (auto w = writeEntry(e); !w) {
        return w.error();
    }
    return e;
}

std::optional<Digest> Cache::contentForManifest(const Digest& manifest) const
{
    auto bytes = readSmallFile(m_layout.manifestIndexPath(manifest), 1024);
    if (!bytes) {
        return std::nullopt;
    }
    auto d = Digest::parse(QString::fromLatin1(bytes.value()).trimmed());
    if (!d) {
        return std::nullopt;
    }
    return d.value();
}

Result<void> Cache::recordManifest(const Digest& manifest, const Digest& content)
{
    if (manifest == content) {
        return {};
    }
    return AtomicFile::write(m_layout.manifestIndexPath(manifest), content.toString().toLatin1() + '\n');
}

Result<Digest> Cache::storeMetadata(const QByteArray& bytes)
{
    if (bytes.size() > kMaxMetadataBytes) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("a manifest or config of %1 bytes is over the %2-byte limit")
                             .arg(bytes.size())
                             .arg(kMaxMetadataBytes));
    }
    const Digest d = Sha256::hash(bytes);
    if (hasMetadata(d)) {
        return d;
    }
    if (auto w = AtomicFile::write(m_layout.metadataPath(d), bytes); !w) {
        return w.error();
    }
    return d;
}

bool Cache::hasMetadata(const Digest& d) const
{
    return QFileInfo::exists(m_layout.metadataPath(d));
}

Result<QByteArray> Cache::metadata(const Digest& d) const
{
    auto bytes = readSmallFile(m_layout.metadataPath(d), kMaxMetadataBytes);
    if (!bytes) {
        if (bytes.code() == ErrorCode::NotFound) {
            return makeError(ErrorCode::NotFound,
                             QStringLiteral("the cache does not hold the manifest or config %1").arg(d.toString()));
        }
        return bytes.error();
    }
    if (Sha256::hash(bytes.value()) != d) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("corrupt cache metadata `%1`: its bytes do not hash to %2")
                             .arg(m_layout.metadataPath(d), d.toString()));
    }
    return bytes;
}

QString Cache::tagName(const OciReference& tagged)
{
    return tagged.repositoryPath() + u':' + (tagged.tag().isEmpty() ? QStringLiteral("latest") : tagged.tag());
}

Result<void> Cache::recordTag(const OciReference& tagged, const Digest& manifest)
{
    const QString reference = tagName(tagged);
    const QByteArray line = reference.toUtf8() + ' ' + manifest.toString().toLatin1() + '\n';
    return AtomicFile::write(m_layout.tagIndexPath(reference), line);
}

std::optional<Digest> Cache::taggedManifest(const OciReference& tagged) const
{
    const QString reference = tagName(tagged);
    auto bytes = readSmallFile(m_layout.tagIndexPath(reference), 4096);
    if (!bytes) {
        return std::nullopt;
    }
    // "<reference> <digest>": the reference is there so a hash collision of names cannot mislead.
    const QString text = QString::fromUtf8(bytes.value()).trimmed();
    const qsizetype space = text.lastIndexOf(u' ');
    if (space < 0 || text.left(space) != reference) {
        return std::nullopt;
    }
    auto d = Digest::parse(text.mid(space + 1));
    if (!d) {
        return std::nullopt;
    }
    return d.value();
}

Result<void> Cache::recordReferrer(const Digest& subject, const Digest& content)
{
    const QString dir = m_layout.referrerDir(subject);
    if (!QDir().mkpath(dir)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create directory `%1`").arg(dir));
    }
    QFile link(dir + u'/' + content.hex());
    if (!link.exists() && !link.open(QIODevice::WriteOnly)) {
        return makeError(ErrorCode::Io,
                         QStringLiteral("cannot write `%1`: %2").arg(link.fileName(), link.errorString()));
    }
    return {};
}

QList<Digest> Cache::referrersOf(const Digest& subject) const
{
    QList<Digest> out;
    for (const QString& hex : QDir(m_layout.referrerDir(subject)).entryList(QDir::Files, QDir::Name)) {
        if (Digest::isValidHex(hex) && QFileInfo::exists(entryPath(Digest::fromHex(hex)))) {
            out.append(Digest::fromHex(hex));
        }
    }
    return out;
}

Result<CacheEntry> Cache::lookup(const Digest& d) const
{
    auto direct = stat(d);
    if (direct || direct.code() != ErrorCode::NotFound) {
        return direct;
    }
    if (auto content = contentForManifest(d)) {
        auto viaManifest = stat(*content);
        if (viaManifest || viaManifest.code() != ErrorCode::NotFound) {
            return viaManifest;
        }
    }
    return direct;
}

QList<Digest> Cache::digests() const
{
    QList<Digest> out;
    QDir base(m_layout.artifactsDir());
    const QStringList prefixes = base.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& prefix : prefixes) {
        if (prefix.size() != 2) {
            continue;
        }
        QDir sub(base.filePath(prefix));
        const QStringList rests = sub.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString& rest : rests) {
            const QString hex = prefix + rest;
            if (Digest::isValidHex(hex) && QFileInfo::exists(CacheLayout::entryIn(sub.filePath(rest)))) {
                out.append(Digest::fromHex(hex));
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

qint64 Cache::blobBytes() const
{
    qint64 total = 0;
    QDir base(m_layout.artifactsDir());
    for (const QString& prefix : base.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QDir sub(base.filePath(prefix));
        for (const QString& rest : sub.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QFileInfo blob(CacheLayout::blobIn(sub.filePath(rest)));
            if (QFileInfo::exists(CacheLayout::entryIn(sub.filePath(rest)))) {
                total += blob.size();
            }
        }
    }
    return total;
}

CacheLock::CacheLock(const Cache& cache)
    : m_lock(std::make_unique<QLockFile>(cache.cacheLockPath()))
{
    QDir().mkpath(cache.root());
    m_lock->setStaleLockTime(0);
}

CacheLock::~CacheLock() = default;

bool CacheLock::tryLock(int timeoutMs)
{
    return m_lock->tryLock(timeoutMs);
}

QList<CacheEntry> Cache::entries(QStringList* problems) const
{
    QList<CacheEntry> out;
    const QList<Digest> all = digests();
    out.reserve(all.size());
    for (const Digest& d : all) {
        auto e = stat(d);
        if (e) {
            out.append(std::move(e).value());
        } else if (problems) {
            problems->append(e.message());
        }
    }
    return out;
}

Result<void> Cache::writeEntry(const CacheEntry& entry)
{
    return AtomicFile::write(entryPath(entry.digest), entry.toJson());
}

Result<CacheEntry> Cache::commit(IngestFile& ingest, CacheEntry entry)
{
    const Digest d = entry.digest;
    const QString finalDir = entryDir(d);
    if (QFileInfo::exists(CacheLayout::entryIn(finalDir))) {
        ingest.discard();
        return stat(d);
    }
    const QString staging = m_layout.stagingDir(d, QRandomGenerator::global()->generate());
    if (!QDir().mkpath(staging)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create directory `%1`").arg(staging));
    }
    auto cleanup = [&] { QDir(staging).removeRecursively(); };
    if (auto r = AtomicFile::rename(ingest.path(), CacheLayout::blobIn(staging)); !r) {
        cleanup();
        return r.error();
    }
    entry.localPath = blobPath(d);
    if (auto r = AtomicFile::write(CacheLayout::entryIn(staging), entry.toJson()); !r) {
        cleanup();
        return r.error();
    }
    AtomicFile::syncDirectory(staging);
    const QString parent = QFileInfo(finalDir).absolutePath();
    if (!QDir().mkpath(parent)) {
        cleanup();
        return makeError(ErrorCode::Io, QStringLiteral("cannot create directory `%1`").arg(parent));
    }
    if (QFileInfo::exists(finalDir)) {
        // A directory without entry.json is the remains of an interrupted removal; it is not an entry.
        QDir(finalDir).removeRecursively();
    }
    if (auto r = AtomicFile::rename(staging, finalDir); !r) {
        cleanup();
        if (QFileInfo::exists(CacheLayout::entryIn(finalDir))) {
            return stat(d);
        }
        return r.error();
    }
    AtomicFile::syncDirectory(parent);
    qCDebug(lcCache) << "committed" << d.toString() << entry.sizeBytes << "bytes";
    return entry;
}

Result<qint64> Cache::remove(const Digest& d, const std::function<bool(const CacheEntry&)>& mayRemove)
{
    // Under the entry's update lock: an updateEntry that read the entry before it vanished would
    // otherwise write it back (the write creates the directory), leaving entry.json without its
    // blob, which every later commit of the digest then takes for a damaged entry.
    auto lock = LockWaiter::acquireBrief(m_layout.entryLockPath(d));
    if (!lock) {
        return lock.error();
    }
    const QString dir = entryDir(d);
    if (!QFileInfo::exists(dir)) {
        return makeError(ErrorCode::NotFound, QStringLiteral("reference `%1` not found").arg(d.toString()));
    }
    if (mayRemove) {
        if (auto now = stat(d); now && !mayRemove(now.value())) {
            return makeError(ErrorCode::Cache, QStringLiteral("cache entry `%1` is in use").arg(d.toString()),
                             ErrorDetail::InUse);
        }
    }
    const qint64 bytes = directorySize(dir);
    // Rename first so the entry disappears atomically, then delete at leisure.
    const QString trash = m_layout.trashDir(d, QRandomGenerator::global()->generate());
    QDir().mkpath(ingestDir());
    if (auto r = AtomicFile::rename(dir, trash); !r) {
        return r.error();
    }
    AtomicFile::syncDirectory(QFileInfo(dir).absolutePath());
    QDir(trash).removeRecursively();
    return bytes;
}

} // namespace dist
