// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QString>

#include <optional>

namespace dist {

class Cache;

struct ReleaseContext
{
    QString release;
    QString channel = QStringLiteral("stable"); // stable | dev | rnd

    bool isSet() const { return !release.isEmpty(); }
    // The CLI rules: a channel needs a release; channels are stable, dev or rnd; a release is one
    // non-empty path segment.
    Result<void> validate() const;
};

// Offline release channels: <cache>/release-index/v1/<channel>/<release>.json maps mutable refs
// (…:stable, …:dev, …:rnd) to digest-pinned ones, so an air-gapped host resolves them without a
// registry.
class ReleaseIndex
{
public:
    // True for an OCI reference (no scheme) whose tag is exactly stable, dev or rnd, without a digest.
    static bool isMutableReleaseTag(const QString& ociReference);

    // The pinned digest for `ociReference`, or nullopt to fall back to normal resolution (no index,
    // no such key, or, online, an index that fails validation). Offline, validation errors are
    // returned; a pinned artifact missing from the cache is NotFound.
    static std::optional<Result<Digest>> lookup(const Cache& cache, const QString& ociReference,
                                                const ReleaseContext& context, bool offline);
};

} // namespace dist
