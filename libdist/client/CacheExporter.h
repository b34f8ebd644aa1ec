// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheEntry.h>
#include <core/Digest.h>
#include <core/Result.h>
#include <ref/Lockfile.h>
#include <ref/OciReference.h>

#include <QList>
#include <QString>

#include <functional>

namespace dist {

class Cache;

struct ExportRequest
{
    bool all = false;
    QList<Digest> digests; // content or manifest digests
    QList<LockEntry> lock; // the entries of a lockfile
    QString to; // a directory, or FILE.tar for the archive form
    bool verify = false; // re-hash every blob while copying (the cache was verified when written)
};

struct ExportedArtifact
{
    QString reference; // the name in index.json: registry/repository:tag, else …@sha256:<manifest>
    Digest manifest; // the descriptor index.json points at
    Digest content; // the cache entry
    QString artifactType;
    qint64 bytes = 0; // every blob the artifact needs (shared ones counted once per artifact)
};

struct ExportSkip
{
    QString what; // the entry or the asked-for digest
    QString reason;
};

struct ExportReport
{
    QString to;
    bool archive = false;
    QList<ExportedArtifact> artifacts;
    QList<ExportSkip> skipped; // only for --all: entries that are not OCI artifacts or are incomplete
    int blobs = 0;
    qint64 bytes = 0; // blob bytes written
};

// Writes cache entries as an OCI image layout (oci-layout, index.json with a ref name per artifact,
// blobs/sha256/…): the layer from the cache, the manifests and the config from the metadata the
// pull kept. Into a staging sibling that is renamed into place at the end (a tar is written the
// same way), so an interrupted export never looks complete. Blocking; run it off the event loop.
class CacheExporter
{
public:
    using Progress = std::function<void(const ExportedArtifact& artifact, int done, int total)>;

    explicit CacheExporter(const Cache& cache);

    Result<ExportReport> run(const ExportRequest& request, const Progress& progress = {}) const;

private:
    struct Plan;
    Result<Plan> plan(const ExportRequest& request) const;
    Result<void> planEntry(const CacheEntry& entry, Plan& plan) const;
    void planSignature(const OciReference& repository, const Digest& signed_, Plan& plan) const;

    const Cache& m_cache;
};

} // namespace dist
