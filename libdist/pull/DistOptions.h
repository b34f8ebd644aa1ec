// SPDX-License-Identifier: MIT
#pragma once

#include <config/RegistriesConf.h>
#include <core/Result.h>
#include <net/HttpOptions.h>
#include <oci/OciClient.h>
#include <packs/PackResolver.h>
#include <trust/CosignSignature.h>

#include <QString>

#include <memory>
#include <optional>

namespace dist {

// Everything a pull needs to know about its surroundings; the front ends fill it from Settings.
struct DistOptions
{
    QString cacheRoot; // already resolved (see Cache::resolveRoot)
    bool offline = false;
    HttpOptions http;
    QString fixtureDir; // GREENTIC_FIXTURE_DIR
    QString repoRegistryBase; // GREENTIC_REPO_REGISTRY_BASE
    QString storeRegistryBase; // GREENTIC_STORE_REGISTRY_BASE
    LayerPolicy layers;
    // --verify-signature: every OCI pull and resolve needs a cosign signature by one of these keys.
    QList<CosignPublicKey> signatureKeys;
    qint64 cacheMaxBytes = 3221225472; // enforced after every write; 0 = no cap
    // Where store://greentic-biz/<tenant>/<path> lives (GREENTIC_DIST_GREENTIC_BIZ_REGISTRY, for
    // mirrors and tests).
    QString greenticBizRegistry = QStringLiteral("ghcr.io");
    PackResolverOptions packs; // the pack registry, trust roots, bundled packs (offline follows `offline`)
    // Mirrors and insecure registries from registries.conf. A file that fails to load is reported by
    // every OCI operation instead of being ignored.
    std::shared_ptr<const RegistriesConf> registries;
    std::optional<Error> registriesError;
    void loadRegistries(const QString& overridePath = QString());

    // Reads GREENTIC_DIST_OFFLINE, GREENTIC_FIXTURE_DIR, the registry bases, GREENTIC_CACHE_MAX_BYTES
    // and HttpOptions::fromEnvironment.
    static DistOptions fromEnvironment(const QString& cacheDirOverride = QString());
};

} // namespace dist
