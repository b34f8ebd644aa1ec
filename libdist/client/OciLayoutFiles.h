// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QString>

namespace dist {

// The names inside an OCI image layout (image-spec image-layout.md), shared by export and import,
// and the streaming copy both use.
namespace OciLayoutFiles {
inline const QString LayoutFile = QStringLiteral("oci-layout");
inline const QString IndexFile = QStringLiteral("index.json");
inline const QString RefName = QStringLiteral("org.opencontainers.image.ref.name");
// Set by our export on a descriptor that stands for an index of which only one platform was pulled.
inline const QString PinnedIndex = QStringLiteral("dev.greentic.dist.pinned-index");
QByteArray layoutDocument();
QString blobRelativePath(const Digest& d); // blobs/sha256/<hex>
QString blobPath(const QString& root, const Digest& d);

// Copies `size` bytes of `from` to `to` (both open), in the kernel where it can (copy_file_range),
// else in 1 MiB chunks. With `hash` the bytes are read through user space and hashed on the way,
// and the digest is returned; otherwise a null digest.
Result<Digest> copyFile(int from, int to, qint64 size, bool hash, const QString& what);
} // namespace OciLayoutFiles

} // namespace dist
