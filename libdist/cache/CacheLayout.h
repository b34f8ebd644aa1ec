// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>

#include <QString>

namespace dist {

// The only place that spells paths inside a cache root (the Rust 1.1 layout plus our indexes):
//   artifacts/sha256/<2 hex>/<62 hex>/{blob,entry.json}   entries
//   ingest/<hex>.lock | <hex>.partial | tmp-<16 hex>.partial | <hex>.commit-<8 hex> | <hex>.trash-<8 hex>
//   cache.lock                                             retention / GC / cap lock
//   index/entries-v2.bin                                   the entry summary snapshot
//   index/manifests/sha256/<hex>                           manifest digest -> content digest
//   index/tags/<sha256 of the reference>                   imported tag -> manifest digest
//   index/referrers/<subject hex>/<content hex>            referrers pulled or imported for a subject
//   oci/blobs/sha256/<hex>                                 manifests, indexes and configs as pulled
//   index/packs/<registry key>/                            pack registry answers
//   release-index/v1/<channel>/<release>.json              runtime release indexes
//   bundles/bundle__sha256__<hex>.json, bundles.lock       bundle records
// Everything else (the GUI's watcher, GC, the entry scanner) asks this class.
class CacheLayout
{
public:
    // Names inside an entry directory; the scanner needs them as C strings.
    static constexpr char kBlobName[] = "blob";
    static constexpr char kEntryName[] = "entry.json";

    explicit CacheLayout(QString root);

    const QString& root() const { return m_root; }

    QString artifactsDir() const;
    QString entryDir(const Digest& d) const;
    QString blobPath(const Digest& d) const;
    QString entryPath(const Digest& d) const;
    static QString blobIn(const QString& entryDir);
    static QString entryIn(const QString& entryDir);

    QString ingestDir() const;
    QString lockPath(const Digest& d) const;
    QString entryLockPath(const Digest& d) const;
    QString partialPath(const Digest& d) const;
    QString anonymousPartialPath(quint64 token) const;
    // The same names in a given ingest directory (IngestFile is handed the directory).
    static QString partialIn(const QString& ingestDir, const Digest& d);
    static QString anonymousPartialIn(const QString& ingestDir, quint64 token);
    QString stagingDir(const Digest& d, quint32 token) const;
    QString trashDir(const Digest& d, quint32 token) const;

    // What a file in ingest/ is, for garbage collection; `hex` is the digest it belongs to, if any.
    enum class IngestKind
    {
        Lock,
        Staging, // a commit or a removal in progress (or interrupted)
        Partial, // resumable: named by the digest it is fetching
        AnonymousPartial, // tmp-…: a fetch whose digest was not known up front
        Other, // strays
    };
    static IngestKind classifyIngest(const QString& name, QString* hex);

    QString cacheLockPath() const;

    QString entrySnapshotPath() const;
    QString manifestIndexDir() const;
    QString manifestIndexPath(const Digest& manifest) const;
    // The raw manifests, indexes and config blobs an artifact was pulled with, by digest, so an
    // export can serve it again byte for byte.
    QString metadataDir() const;
    QString metadataPath(const Digest& d) const;
    // A tag recorded by `cache import` (offline sites have no registry to ask).
    QString tagIndexDir() const;
    QString tagIndexPath(const QString& reference) const;
    QString referrerIndexDir() const;
    QString referrerDir(const Digest& subject) const;
    QString packIndexRoot() const;
    QString packIndexDir(const QString& registryKey) const;
    QString releaseIndexPath(const QString& channel, const QString& release) const;

    QString bundlesDir() const;
    QString bundlesLockPath() const;

private:
    QString m_root;
};

} // namespace dist
