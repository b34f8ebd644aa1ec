// SPDX-License-Identifier: MIT
#include "DistOptions.h"

#include <cache/Cache.h>
#include <config/Settings.h>
#include <retention/Retention.h>

namespace dist {

DistOptions DistOptions::fromEnvironment(const QString& cacheDirOverride)
{
    const Settings settings;
    DistOptions o;
    o.cacheRoot = Cache::resolveRoot(cacheDirOverride);
    o.offline = settings.offline();
    o.http = HttpOptions::fromEnvironment();
    o.fixtureDir = settings.fixtureDir();
    o.repoRegistryBase = settings.repoRegistryBase();
    o.storeRegistryBase = settings.storeRegistryBase();
    o.cacheMaxBytes = Retention::cacheCapFromEnvironment();
    // The CLI refuses a malformed value up front; elsewhere it simply matches no index entry.
    o.layers.platform = settings.platform();
    if (const QString biz = settings.greenticBizRegistry(); !biz.isEmpty()) {
        o.greenticBizRegistry = biz;
    }
    o.packs = PackResolverOptions::fromEnvironment(o.http);
    o.loadRegistries();
    return o;
}

void DistOptions::loadRegistries(const QString& overridePath)
{
    auto conf = RegistriesConf::loadDefault(overridePath);
    if (conf) {
        registries = std::make_shared<const RegistriesConf>(conf.value());
        registriesError.reset();
    } else {
        registries.reset();
        registriesError = conf.error();
    }
}

} // namespace dist
