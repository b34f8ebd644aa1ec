// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QFileDevice>
#include <QString>

namespace dist {

// Small POSIX-backed helpers for crash-safe writes.
namespace AtomicFile {

// QSaveFile write (temp + fsync + rename), creating the parent directory.
Result<void> write(const QString& path, const QByteArray& data,
                   QFileDevice::Permissions permissions = QFileDevice::Permissions());
// fsync a directory so a rename inside it survives a power loss.
void syncDirectory(const QString& dirPath);
// fsync an open file descriptor.
bool syncFile(int fd);
// rename(2): atomic within one file system, also for directories onto a missing target.
Result<void> rename(const QString& from, const QString& to);

} // namespace AtomicFile

} // namespace dist
