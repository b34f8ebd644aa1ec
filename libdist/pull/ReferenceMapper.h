// SPDX-License-Identifier: MIT
#pragma once

#include "ReleaseIndex.h"
#include <core/Result.h>
#include <ref/OciReference.h>
#include <ref/Reference.h>

#include <optional>

namespace dist {

class Cache;
struct DistOptions;

// What "offline" tells the operator who asked for `raw`: a tag needs the network, a digest needs
// the cache.
Error offlineError(const QString& raw, bool tag);

// Maps the references that name an OCI artifact indirectly onto the registry that serves them:
// repo:// onto GREENTIC_REPO_REGISTRY_BASE, store:// onto GREENTIC_STORE_REGISTRY_BASE,
// store://greentic-biz/<tenant>/… onto the greentic-biz registry with the tenant's credentials,
// and a release channel tag onto the pin the local release index holds for it.
class ReferenceMapper
{
public:
    ReferenceMapper(const DistOptions& options, const Cache& cache);

    // The OCI reference behind an oci://, repo:// or store:// reference.
    Result<OciReference> ociFor(const Reference& ref) const;
    // The release index's pin for an OCI, repo:// or store:// reference, if it has one.
    std::optional<Result<Digest>> releasePin(const Reference& ref, const OciReference& oci,
                                             const ReleaseContext& release) const;

private:
    Result<OciReference> greenticBiz(const Reference& ref) const;

    const DistOptions& m_options;
    const Cache& m_cache;
};

} // namespace dist
