// SPDX-License-Identifier: MIT
// Tar layers: whatever the bytes, extraction writes only inside its destination and either
// completes or leaves nothing behind.
#include "FuzzCheck.h"

#include <extract/TarExtractor.h>

#include <QDir>
#include <QDirIterator>
#include <QTemporaryDir>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static QTemporaryDir arena;
    const QByteArray input = dist::fuzz::bytes(data, size);
    const QString dest = arena.filePath(QStringLiteral("out"));
    dist::ExtractLimits limits;
    limits.maxBytes = 64 << 20;
    limits.maxEntries = 2000;
    const auto report = dist::TarExtractor::extractBuffer(input, dest, limits);
    const QStringList left = QDir(arena.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    if (report) {
        if (left != QStringList{QStringLiteral("out")}) {
            dist::fuzz::fail("a successful extraction left something beside its destination");
        }
    } else {
        if (report.message().isEmpty()) {
            dist::fuzz::fail("a rejection without a reason");
        }
        if (!left.isEmpty()) {
            dist::fuzz::fail("a refused layer left files behind");
        }
    }
    QDir(dest).removeRecursively();
    return 0;
}
