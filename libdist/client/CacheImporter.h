// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>
#include <oci/OciManifest.h>

#include <QList>
#include <QString>

#include <functional>

namespace dist {

class Cache;

struct ImportRequest
{
    QString from; // an OCI layout directory, or a tar of one
    // registry/repository for the names of a layout that holds only tags (skopeo's oci:DIR:TAG)
    QString repository;
    LayerPolicy layers;
};

struct ImportedArtifact
{
    QString reference; // what it is known by now: registry/repository:tag or …@sha256:<manifest>
    Digest manifest;
    Digest content;
    QString artifactType;
    qint64 bytes = 0; // the layer
    bool alreadyCached = false;
};

struct ImportReport
{
    QString from;
    QList<ImportedArtifact> artifacts;
    qint64 bytes = 0; // layer bytes copied in
};

// Brings an OCI image layout into the cache: every blob it uses is checked for its digest and
// size while it is copied, the layout for traversal names, links, missing or oversized blobs and a
// bad index. Everything is staged and checked before the first entry is committed, so a bad layout
// leaves nothing visible. Each artifact is then resolvable offline by its digest and by the tag
// the layout names. Blocking; run it off the event loop.
class CacheImporter
{
public:
    using Progress = std::function<void(const ImportedArtifact& artifact, int done, int total)>;

    explicit CacheImporter(Cache& cache);

    Result<ImportReport> run(const ImportRequest& request, const Progress& progress = {});

    // The largest manifest, index or config accepted (blobs are unbounded but must match their
    // descriptor exactly).
    static constexpr qint64 kMaxDocumentBytes = qint64(4) << 20;

private:
    Result<ImportReport> importDirectory(const QString& dir, const ImportRequest& request, const Progress& progress);
    Result<QString> unpackArchive(const QString& tar, const QString& into);

    Cache& m_cache;
};

} // namespace dist
