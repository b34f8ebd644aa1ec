// SPDX-License-Identifier: MIT
// Lockfiles: the Rust client's JSON shapes and assay.packs.lock (YAML).
#include "FuzzCheck.h"

#include <packs/PackLockfile.h>
#include <ref/Lockfile.h>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = dist::fuzz::bytes(data, size);
    const auto json = dist::Lockfile::parse(input);
    dist::fuzz::checkSame(json, dist::Lockfile::parse(input));
    if (json) {
        for (const dist::LockEntry& e : json.value()) {
            if (e.reference.isEmpty() && e.digest.isNull()) {
                dist::fuzz::fail("a lockfile entry with neither reference nor digest");
            }
        }
    }
    dist::fuzz::checkSame(dist::PackLockfile::parse(input), dist::PackLockfile::parse(input));
    return 0;
}
