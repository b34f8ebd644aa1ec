// SPDX-License-Identifier: MIT
#pragma once

#include "CacheEntry.h"
#include "CacheLayout.h"
#include <core/Digest.h>
#include <core/Result.h>
#include <ref/OciReference.h>

#include <QList>
#include <QString>

#include <functional>

#include <memory>
#include <optional>

class QLockFile;

namespace dist {

class IngestFile;

// The content-addressed cache (paths: CacheLayout). The manifest index maps a manifest digest to
// the content digest, so a repo@sha256:<manifest> pull is a cache hit, offline too.
// An entry is visible exactly when its directory holds entry.json; blob and entry.json are staged
// together and the directory is renamed into place, so a crash never leaves a half entry visible.
class Cache
{
public:
    explicit Cache(const QString& root);

    // --cache-dir > GREENTIC_DIST_CACHE_DIR > GREENTIC_CACHE_DIR > ${XDG_CACHE_HOME:-~/.cache}/greentic/dist
    static QString resolveRoot(const QString& override = QString());

    const QString& root() const { return m_root; }
    const CacheLayout& layout() const { return m_layout; }
    QString entryDir(const Digest& d) const;
    QString blobPath(const Digest& d) const;
    QString entryPath(const Digest& d) const;
    QString ingestDir() const;
    QString lockPath(const Digest& d) const; // per-digest writer lock
    QString cacheLockPath() const; // retention / GC lock

    // NotFound when absent; Cache when entry.json is malformed; Integrity when the blob is missing.
    Result<CacheEntry> stat(const Digest& d) const;
    // stat + records the access (last_accessed_at), which is what LRU eviction orders by.
    Result<CacheEntry> open(const Digest& d);
    // Finds an entry by its content digest or by the manifest digest it was pulled through.
    Result<CacheEntry> lookup(const Digest& d) const;
    std::optional<Digest> contentForManifest(const Digest& manifest) const;
    Result<void> recordManifest(const Digest& manifest, const Digest& content);

    // Manifests, indexes and configs kept byte for byte (oci/blobs), bounded to 4 MiB each. Storing
    // what is already there is a no-op; a read checks the bytes against their digest (Integrity
    // when they do not match, NotFound when absent).
    Result<Digest> storeMetadata(const QByteArray& bytes);
    Result<QByteArray> metadata(const Digest& d) const;
    bool hasMetadata(const Digest& d) const;
    static constexpr qint64 kMaxMetadataBytes = qint64(4) << 20;

    // Tags `cache import` brought in: registry/repository:tag -> manifest digest.
    Result<void> recordTag(const OciReference& tagged, const Digest& manifest);
    std::optional<Digest> taggedManifest(const OciReference& tagged) const;
    static QString tagName(const OciReference& tagged); // registry/repository:tag

    // Which entries are referrers (signatures, SBOMs) of a manifest, so the GUI finds them without
    // reading every entry.json.
    Result<void> recordReferrer(const Digest& subject, const Digest& content);
    QList<Digest> referrersOf(const Digest& subject) const;

    QList<Digest> digests() const; // sorted
    // Sum of the blob sizes of all entries, from directory metadata only (no entry.json reads).
    qint64 blobBytes() const;
    // Entries that parse; problems describes the ones that do not.
    QList<CacheEntry> entries(QStringList* problems = nullptr) const;

    // Read-modify-write of an entry's entry.json under its update lock (a lock held for one read
    // and one atomic write, never across I/O on the blob), so concurrent writers in any process
    // never undo each other: a last-used update cannot erase a Corrupt mark. `change` returns
    // false to leave the file as it is. The entry as it is afterwards is returned.
    Result<CacheEntry> updateEntry(const Digest& d, const std::function<bool(CacheEntry&)>& change);
    // Writes entry.json as given, without the lock: for fixtures and for staging a new entry.
    Result<void> writeEntry(const CacheEntry& entry);
    // Moves a finished, verified ingest file into place with its entry. If another writer committed
    // the same digest first, the existing entry wins and the ingest file is discarded.
    Result<CacheEntry> commit(IngestFile& ingest, CacheEntry entry);
    // Removes an entry directory (and the manifest index pointing to it). Returns bytes freed.
    // `mayRemove`, when given, sees the entry as it is under the update lock, so no open can slip
    // between the check and the removal; false leaves it and answers ErrorDetail::InUse. An entry
    // whose entry.json cannot be read is removed without asking.
    Result<qint64> remove(const Digest& d, const std::function<bool(const CacheEntry&)>& mayRemove = {});

private:
    QString m_root;
    CacheLayout m_layout;
};

// The cache-wide lock: retention, GC and cap enforcement never run at the same time, in one
// process or several. Released on destruction.
class CacheLock
{
public:
    explicit CacheLock(const Cache& cache);
    ~CacheLock();
    CacheLock(const CacheLock&) = delete;
    CacheLock& operator=(const CacheLock&) = delete;

    bool tryLock(int timeoutMs);

private:
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace dist
