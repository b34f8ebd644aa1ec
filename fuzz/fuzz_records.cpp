// SPDX-License-Identifier: MIT
// The cache's own files: entry.json and bundle records. What parses must write back and parse again.
#include "FuzzCheck.h"

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = dist::fuzz::bytes(data, size);
    const QString origin = QStringLiteral("fuzz");
    const auto entry = dist::CacheEntry::fromJson(input, origin);
    dist::fuzz::checkSame(entry, dist::CacheEntry::fromJson(input, origin));
    if (entry && !dist::CacheEntry::fromJson(entry->toJson(), origin)) {
        dist::fuzz::fail("an entry.json we accept does not survive a write and a read");
    }
    const auto record = dist::BundleRecord::fromJson(input, origin);
    dist::fuzz::checkSame(record, dist::BundleRecord::fromJson(input, origin));
    if (record && !dist::BundleRecord::fromJson(record->toJson(), origin)) {
        dist::fuzz::fail("a bundle record we accept does not survive a write and a read");
    }
    return 0;
}
