// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QByteArray>
#include <QString>

namespace dist {

struct ExtractLimits
{
    qint64 maxBytes = 4LL << 30; // file bytes written, declared sizes included (sparse files too)
    qint64 maxEntries = 100000;
    double maxRatio = 250; // bytes written per byte of archive read...
    qint64 ratioGraceBytes = 16LL << 20; // ...checked once this much has been written

    // GREENTIC_DIST_EXTRACT_MAX_BYTES overrides maxBytes.
    static ExtractLimits fromEnvironment();
};

struct ExtractReport
{
    int files = 0;
    int directories = 0;
    int symlinks = 0;
    qint64 bytes = 0;
};

// Unpacks tar layers (plain, gzip, zstd, xz, bzip2) with libarchive, refusing anything that could
// write outside the destination or exhaust the disk: absolute paths, `..`, symlinks whose target
// leaves the tree, paths through a symlink, hard links to anything but an earlier file, device
// nodes and FIFOs, more bytes or entries than the limits, and compression bombs. All or nothing:
// entries land in a staging directory next to `destination`, which is renamed into place only when
// the whole archive was read; `destination` must not exist. setuid/setgid bits are dropped.
// Errors: InvalidInput for a destination that exists or an archive that is not a tar, Integrity
// for unsafe content, Io for the file system.
class TarExtractor
{
public:
    static Result<ExtractReport> extractFile(const QString& archive, const QString& destination,
                                             const ExtractLimits& limits = ExtractLimits());
    static Result<ExtractReport> extractBuffer(const QByteArray& archive, const QString& destination,
                                               const ExtractLimits& limits = ExtractLimits());
    // Whether the tar (any supported compression) has a regular file `name` at its top level
    // (`name` or `./name`) among its first `maxEntries` members. Reads headers only; false for
    // anything that is not a readable tar.
    static bool holdsTopLevelFile(const QString& archive, const QString& name, int maxEntries = 256);
};

} // namespace dist
