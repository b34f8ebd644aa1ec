// SPDX-License-Identifier: MIT
#include "AtomicFile.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace dist::AtomicFile {

Result<void> write(const QString& path, const QByteArray& data, QFileDevice::Permissions permissions)
{
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create directory `%1`").arg(dir));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot write `%1`: %2").arg(path, file.errorString()));
    }
    if (permissions != QFileDevice::Permissions()) {
        file.setPermissions(permissions);
    }
    if (file.write(data) != data.size() || !file.commit()) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot write `%1`: %2").arg(path, file.errorString()));
    }
    return {};
}

void syncDirectory(const QString& dirPath)
{
    const QByteArray native = QFile::encodeName(dirPath);
    const int fd = ::open(native.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

bool syncFile(int fd)
{
    return ::fsync(fd) == 0;
}

Result<void> rename(const QString& from, const QString& to)
{
    if (::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0) {
        const int err = errno;
        return makeError(
            ErrorCode::Io,
            QStringLiteral("cannot move `%1` to `%2`: %3").arg(from, to, QString::fromLocal8Bit(std::strerror(err))));
    }
    return {};
}

} // namespace dist::AtomicFile
