// SPDX-License-Identifier: MIT
#pragma once

#include <pull/PullSource.h>

namespace dist {

class Cache;
class CacheCommitter;
struct DistOptions;

// file://<path> and fixture://<name> (a .wasm under GREENTIC_FIXTURE_DIR): the content digest of a
// local file. Hashing, copying and looking into a tarball happen on a pool thread, so the caller's
// event loop (the GUI, a batch of pulls) keeps running whatever the file's size.
class LocalFileSource final : public PullSource
{
    Q_OBJECT

public:
    LocalFileSource(const DistOptions& options, Cache& cache, CacheCommitter& committer, QObject* parent = nullptr);

    void resolve(const PullRequest& request, ResolveDone done) override;
    void fetch(const PullRequest& request, PullDone done) override;
    // Copies `path` into the cache as the artifact `raw` names (also what a local YAML pack is
    // stored as before it is identified).
    void ingest(const QString& raw, const Reference& ref, const QString& path, const Digest& pin, PullDone done);

private:
    Result<QString> pathFor(const PullRequest& request) const;

    const DistOptions& m_options;
    Cache& m_cache;
    CacheCommitter& m_committer;
};

} // namespace dist
