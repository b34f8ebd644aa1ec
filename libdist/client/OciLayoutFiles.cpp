// SPDX-License-Identifier: MIT
#include "OciLayoutFiles.h"

#include <core/Sha256.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace dist::OciLayoutFiles {

QByteArray layoutDocument()
{
    return QByteArrayLiteral("{\"imageLayoutVersion\":\"1.0.0\"}");
}

QString blobRelativePath(const Digest& d)
{
    return QStringLiteral("blobs/sha256/") + d.hex();
}

QString blobPath(const QString& root, const Digest& d)
{
    return root + u'/' + blobRelativePath(d);
}

namespace {

Error copyError(const QString& what, int err)
{
    return makeError(ErrorCode::Io,
                     QStringLiteral("cannot copy %1: %2").arg(what, QString::fromLocal8Bit(std::strerror(err))));
}

Result<Digest> copyThroughUserSpace(int from, int to, qint64 remaining, bool hash, const QString& what)
{
    constexpr qint64 chunk = qint64(1) << 20;
    std::unique_ptr<char[]> buffer(new char[chunk]);
    Sha256 sha;
    while (remaining > 0) {
        const ssize_t n = ::read(from, buffer.get(), static_cast<size_t>(std::min(chunk, remaining)));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return copyError(what, errno);
        }
        if (n == 0) {
            return makeError(ErrorCode::Integrity, QStringLiteral("%1 ended %2 bytes early").arg(what).arg(remaining));
        }
        if (hash) {
            sha.addData(buffer.get(), n);
        }
        for (ssize_t off = 0; off < n;) {
            const ssize_t w = ::write(to, buffer.get() + off, static_cast<size_t>(n - off));
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w < 0) {
                return copyError(what, errno);
            }
            off += w;
        }
        remaining -= n;
    }
    return hash ? sha.finalize() : Digest();
}

} // namespace

Result<Digest> copyFile(int from, int to, qint64 size, bool hash, const QString& what)
{
    if (hash) {
        return copyThroughUserSpace(from, to, size, true, what);
    }
    // In slices, each handed to writeback as soon as it is copied, so the disk writes while the
    // next slice is copied and the fsync that follows has little left to wait for.
    constexpr qint64 slice = qint64(64) << 20;
    qint64 remaining = size;
    qint64 written = 0;
    while (remaining > 0) {
        const ssize_t n
            = ::copy_file_range(from, nullptr, to, nullptr, static_cast<size_t>(std::min(slice, remaining)), 0);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
            // Another file system (before Linux 5.19) or one without the call: copy by hand from where
            // the kernel stopped (both offsets moved with what it copied).
            return copyThroughUserSpace(from, to, remaining, false, what);
        }
        if (n < 0) {
            return copyError(what, errno);
        }
        if (n == 0) {
            return makeError(ErrorCode::Integrity, QStringLiteral("%1 ended %2 bytes early").arg(what).arg(remaining));
        }
        ::sync_file_range(to, written, n, SYNC_FILE_RANGE_WRITE);
        written += n;
        remaining -= n;
    }
    return Digest();
}

} // namespace dist::OciLayoutFiles
