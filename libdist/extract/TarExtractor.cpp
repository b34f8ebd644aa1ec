// SPDX-License-Identifier: MIT
#include "TarExtractor.h"

#include <config/Settings.h>
#include <core/AtomicFile.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QTemporaryDir>

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <unistd.h>

namespace dist {

namespace {

using Archive = std::unique_ptr<struct archive, int (*)(struct archive*)>;

// Member names can be kilobytes long; an error stays one readable line.
QString shown(const QString& name)
{
    return name.size() <= 160 ? name : name.left(100) + QStringLiteral("…") + name.right(50);
}

Error unsafe(const QString& why)
{
    return Error{ErrorCode::Integrity, QStringLiteral("unsafe tar layer: ") + why};
}

// A member path made relative and clean, or empty when it must be refused (absolute, `..`).
// "./a//b/." becomes "a/b"; the archive root itself ("./") becomes ".".
QString cleanMemberPath(const QString& raw, bool* escapes)
{
    *escapes = false;
    if (raw.startsWith(u'/')) {
        *escapes = true;
        return {};
    }
    QStringList parts;
    for (const QString& p : raw.split(u'/', Qt::SkipEmptyParts)) {
        if (p == u".") {
            continue;
        }
        if (p == u"..") {
            *escapes = true;
            return {};
        }
        parts << p;
    }
    return parts.isEmpty() ? QStringLiteral(".") : parts.join(u'/');
}

// Where a relative symlink target lands, resolved lexically from the link's directory; false when
// it climbs above the layer's root. (Targets may use `..` inside the tree; member names may not.)
bool staysInside(const QString& linkDir, const QString& target)
{
    QStringList stack = linkDir.isEmpty() ? QStringList() : linkDir.split(u'/', Qt::SkipEmptyParts);
    for (const QString& p : target.split(u'/', Qt::SkipEmptyParts)) {
        if (p == u".") {
            continue;
        }
        if (p == u"..") {
            if (stack.isEmpty()) {
                return false;
            }
            stack.removeLast();
            continue;
        }
        stack << p;
    }
    return true;
}

class Extraction
{
public:
    Extraction(struct archive* a, QString root, const ExtractLimits& limits)
        : m_archive(a)
        , m_root(std::move(root))
        , m_limits(limits)
    {
    }

    Result<ExtractReport> run()
    {
        struct archive_entry* entry = nullptr;
        qint64 entries = 0;
        for (;;) {
            const int r = archive_read_next_header(m_archive, &entry);
            if (r == ARCHIVE_EOF) {
                break;
            }
            if (r < ARCHIVE_WARN) {
                return malformed();
            }
            if (++entries > m_limits.maxEntries) {
                return unsafe(QStringLiteral("more than %1 entries").arg(m_limits.maxEntries));
            }
            if (auto done = one(entry); !done) {
                return done.error();
            }
        }
        return m_report;
    }

private:
    Error malformed() const
    {
        return Error{
            ErrorCode::InvalidInput,
            QStringLiteral("not a valid tar layer: %1").arg(QString::fromUtf8(archive_error_string(m_archive)))};
    }

    Result<void> checkParents(const QString& path) const
    {
        const QStringList parts = path.split(u'/');
        QString prefix;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            prefix += (prefix.isEmpty() ? QString() : QStringLiteral("/")) + parts[i];
            if (m_symlinks.contains(prefix)) {
                return unsafe(QStringLiteral("entry `%1` goes through the symlink `%2`").arg(path, prefix));
            }
            if (m_files.contains(prefix)) {
                return unsafe(QStringLiteral("entry `%1` goes through the file `%2`").arg(path, prefix));
            }
        }
        return {};
    }

    Result<void> checkTotal(qint64 total) const
    {
        if (total > m_limits.maxBytes) {
            return unsafe(QStringLiteral("it expands to more than %1 bytes").arg(m_limits.maxBytes));
        }
        return {};
    }

    Result<void> checkRatio(qint64 written) const
    {
        const qint64 read = archive_filter_bytes(m_archive, -1);
        if (written > m_limits.ratioGraceBytes && read > 0 && double(written) / double(read) > m_limits.maxRatio) {
            return unsafe(QStringLiteral("a compression bomb (%1 bytes from %2)").arg(written).arg(read));
        }
        return {};
    }

    Result<void> one(struct archive_entry* entry)
    {
        const char* utf8 = archive_entry_pathname_utf8(entry);
        const QString raw = utf8 ? QString::fromUtf8(utf8) : QString::fromLocal8Bit(archive_entry_pathname(entry));
        bool escapes = false;
        const QString path = cleanMemberPath(raw, &escapes);
        if (escapes || raw.isEmpty()) {
            return unsafe(QStringLiteral("entry `%1` escapes the destination").arg(shown(raw)));
        }
        if (path == u".") {
            return {}; // the archive's own root directory
        }
        if (auto ok = checkParents(path); !ok) {
            return ok;
        }
        const bool isDirectory = archive_entry_filetype(entry) == AE_IFDIR && !archive_entry_hardlink(entry);
        // A directory may be declared again (before or after its contents); nothing else may
        // replace a directory or a symlink.
        if (m_symlinks.contains(path) || (m_directories.contains(path) && !isDirectory)) {
            return unsafe(QStringLiteral("entry `%1` replaces an earlier directory or symlink").arg(path));
        }
        const QString target = m_root + u'/' + path;
        if (const char* link = archive_entry_hardlink(entry)) {
            return hardlink(path, target, QString::fromUtf8(link));
        }
        switch (archive_entry_filetype(entry)) {
        case AE_IFDIR:
            if (m_files.contains(path)) {
                return unsafe(QStringLiteral("entry `%1` replaces an earlier file").arg(path));
            }
            if (!QDir().mkpath(target)) {
                return Error{ErrorCode::Io, QStringLiteral("cannot create directory %1").arg(target)};
            }
            m_directories.insert(path);
            ++m_report.directories;
            return {};
        case AE_IFREG:
            return regular(entry, path, target);
        case AE_IFLNK:
            return symlink(path, target, QString::fromUtf8(archive_entry_symlink_utf8(entry)));
        default:
            return unsafe(QStringLiteral("entry `%1` is a device, FIFO or socket").arg(path));
        }
    }

    // Creates the entry's parent directories and remembers them, so a later entry cannot turn one
    // of them into a file or a symlink.
    Result<void> makeParent(const QString& path, const QString& target)
    {
        const QString dir = QFileInfo(target).absolutePath();
        if (!QDir().mkpath(dir)) {
            return Error{ErrorCode::Io, QStringLiteral("cannot create directory %1").arg(dir)};
        }
        const QStringList parts = path.split(u'/');
        QString prefix;
        for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
            prefix += (prefix.isEmpty() ? QString() : QStringLiteral("/")) + parts[i];
            m_directories.insert(prefix);
        }
        return {};
    }

    Result<void> regular(struct archive_entry* entry, const QString& path, const QString& target)
    {
        const qint64 declared = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
        if (declared < 0) {
            return malformed();
        }
        // The declared size counts before a byte is inflated: a sparse or lying header is refused early.
        if (auto ok = checkTotal(m_report.bytes + declared); !ok) {
            return ok;
        }
        if (auto ok = makeParent(path, target); !ok) {
            return ok;
        }
        QFile out(target);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            return Error{ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(target, out.errorString())};
        }
        const void* buffer = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        qint64 written = 0;
        for (;;) {
            const int r = archive_read_data_block(m_archive, &buffer, &size, &offset);
            if (r == ARCHIVE_EOF) {
                break;
            }
            if (r < ARCHIVE_WARN) {
                return malformed();
            }
            const qint64 end = qint64(offset) + qint64(size);
            if (offset < 0 || end > declared) {
                return unsafe(QStringLiteral("entry `%1` writes beyond its declared size").arg(path));
            }
            if (!out.seek(offset) || out.write(static_cast<const char*>(buffer), qint64(size)) != qint64(size)) {
                return Error{ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(target, out.errorString())};
            }
            written = qMax(written, end);
            if (auto ok = checkRatio(m_report.bytes + written); !ok) {
                return ok;
            }
        }
        if (declared > written && !out.resize(declared)) { // a sparse tail
            return Error{ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(target, out.errorString())};
        }
        const mode_t mode = archive_entry_perm(entry) & 0755;
        out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                           | ((mode & 0100) ? QFileDevice::ExeOwner : QFileDevice::Permissions())
                           | ((mode & 0040) ? QFileDevice::ReadGroup : QFileDevice::Permissions())
                           | ((mode & 0010) ? QFileDevice::ExeGroup : QFileDevice::Permissions())
                           | ((mode & 0004) ? QFileDevice::ReadOther : QFileDevice::Permissions())
                           | ((mode & 0001) ? QFileDevice::ExeOther : QFileDevice::Permissions()));
        m_report.bytes += qMax(declared, written);
        if (!m_files.contains(path)) {
            ++m_report.files;
        }
        m_files.insert(path);
        return {};
    }

    Result<void> symlink(const QString& path, const QString& target, const QString& linkTarget)
    {
        if (linkTarget.isEmpty() || linkTarget.startsWith(u'/')) {
            return unsafe(QStringLiteral("symlink `%1` points to the absolute path `%2`").arg(path, linkTarget));
        }
        const QString parent = path.contains(u'/') ? path.section(u'/', 0, -2) : QString();
        if (!staysInside(parent, linkTarget)) {
            return unsafe(QStringLiteral("symlink `%1` points outside the layer (`%2`)").arg(path, linkTarget));
        }
        if (m_files.contains(path)) {
            return unsafe(QStringLiteral("entry `%1` replaces an earlier file").arg(path));
        }
        if (auto ok = makeParent(path, target); !ok) {
            return ok;
        }
        if (!QFile::link(linkTarget, target)) {
            return Error{ErrorCode::Io, QStringLiteral("cannot create symlink %1").arg(target)};
        }
        m_symlinks.insert(path);
        ++m_report.symlinks;
        return {};
    }

    Result<void> hardlink(const QString& path, const QString& target, const QString& linkTarget)
    {
        bool escapes = false;
        const QString source = cleanMemberPath(linkTarget, &escapes);
        if (escapes || !m_files.contains(source)) {
            return unsafe(QStringLiteral("hard link `%1` points to `%2`, which is not an earlier file of the layer")
                              .arg(path, linkTarget));
        }
        if (m_files.contains(path)) {
            return unsafe(QStringLiteral("entry `%1` replaces an earlier file").arg(path));
        }
        if (auto ok = makeParent(path, target); !ok) {
            return ok;
        }
        if (::link(QFile::encodeName(m_root + u'/' + source).constData(), QFile::encodeName(target).constData()) != 0) {
            return Error{ErrorCode::Io, QStringLiteral("cannot create hard link %1").arg(target)};
        }
        m_files.insert(path);
        ++m_report.files;
        return {};
    }

    struct archive* m_archive;
    QString m_root;
    ExtractLimits m_limits;
    ExtractReport m_report;
    QSet<QString> m_files;
    QSet<QString> m_directories;
    QSet<QString> m_symlinks;
};

template <typename Open>
Result<ExtractReport> extract(const QString& destination, const ExtractLimits& limits, Open open)
{
    const QFileInfo dest(destination);
    if (dest.exists() || dest.isSymLink()) {
        return Error{ErrorCode::InvalidInput,
                     QStringLiteral("%1 already exists; extract into a new directory").arg(destination)};
    }
    const QString parent = dest.absolutePath();
    if (!QDir().mkpath(parent)) {
        return Error{ErrorCode::Io, QStringLiteral("cannot create directory %1").arg(parent)};
    }
    QTemporaryDir staging(parent + QStringLiteral("/.") + dest.fileName() + QStringLiteral(".extract-XXXXXX"));
    if (!staging.isValid()) {
        return Error{ErrorCode::Io, QStringLiteral("cannot create a staging directory in %1").arg(parent)};
    }
    Archive a(archive_read_new(), archive_read_free);
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    if (open(a.get()) != ARCHIVE_OK) {
        return Error{ErrorCode::InvalidInput,
                     QStringLiteral("not a valid tar layer: %1").arg(QString::fromUtf8(archive_error_string(a.get())))};
    }
    Extraction extraction(a.get(), staging.path(), limits);
    auto report = extraction.run();
    if (!report) {
        return report; // the staging directory goes with `staging`
    }
    if (auto moved = AtomicFile::rename(staging.path(), dest.absoluteFilePath()); !moved) {
        return moved.error();
    }
    staging.setAutoRemove(false);
    QFile::setPermissions(dest.absoluteFilePath(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                              | QFileDevice::ReadGroup | QFileDevice::ExeGroup | QFileDevice::ReadOther
                              | QFileDevice::ExeOther);
    return report;
}

} // namespace

ExtractLimits ExtractLimits::fromEnvironment()
{
    ExtractLimits l;
    if (const auto max = Settings().extractMaxBytes()) {
        l.maxBytes = *max;
    }
    return l;
}

Result<ExtractReport> TarExtractor::extractFile(const QString& archive, const QString& destination,
                                                const ExtractLimits& limits)
{
    if (!QFileInfo(archive).isFile()) {
        return Error{ErrorCode::NotFound, QStringLiteral("%1 not found").arg(archive)};
    }
    const QByteArray name = QFile::encodeName(archive);
    return extract(destination, limits,
                   [&name](struct archive* a) { return archive_read_open_filename(a, name.constData(), 64 * 1024); });
}

Result<ExtractReport> TarExtractor::extractBuffer(const QByteArray& archive, const QString& destination,
                                                  const ExtractLimits& limits)
{
    return extract(destination, limits, [&archive](struct archive* a) {
        return archive_read_open_memory(a, archive.constData(), size_t(archive.size()));
    });
}

bool TarExtractor::holdsTopLevelFile(const QString& archive, const QString& name, int maxEntries)
{
    Archive a(archive_read_new(), archive_read_free);
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), QFile::encodeName(archive).constData(), 64 * 1024) != ARCHIVE_OK) {
        return false;
    }
    struct archive_entry* entry = nullptr;
    for (int i = 0; i < maxEntries && archive_read_next_header(a.get(), &entry) == ARCHIVE_OK; ++i) {
        bool escapes = false;
        const QString path
            = cleanMemberPath(QString::fromUtf8(archive_entry_pathname_utf8(entry) ? archive_entry_pathname_utf8(entry)
                                                                                   : archive_entry_pathname(entry)),
                              &escapes);
        if (!escapes && path == name && archive_entry_filetype(entry) == AE_IFREG) {
            return true;
        }
    }
    return false;
}

} // namespace dist
