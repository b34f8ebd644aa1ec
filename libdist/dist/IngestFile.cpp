// SPDX-License-Identifier: MIT
#include "IngestFile.h"

#include "AtomicFile.h"
#include "Logging.h"

#include <QDir>
#include <QRandomGenerator>

namespace dist {

IngestFile::~IngestFile() = default;

Result<std::unique_ptr<IngestFile>> IngestFile::openForDigest(const QString& ingestDir, const Digest& expected,
                                                              qint64 expectedSize, bool resume)
{
    if (!QDir().mkpath(ingestDir)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create directory `%1`").arg(ingestDir));
    }
    std::unique_ptr<IngestFile> f(new IngestFile);
    f->m_expected = expected;
    f->m_file.setFileName(ingestDir + u'/' + expected.hex() + QStringLiteral(".partial"));
    QIODevice::OpenMode mode = QIODevice::ReadWrite;
    if (!resume) {
        mode |= QIODevice::Truncate;
    }
    if (!f->m_file.open(mode)) {
        return makeError(ErrorCode::Io,
                         QStringLiteral("cannot open `%1`: %2").arg(f->m_file.fileName(), f->m_file.errorString()));
    }
    if (resume && f->m_file.size() > 0) {
        if (expectedSize >= 0 && f->m_file.size() > expectedSize) {
            qCInfo(lcCache) << "partial" << f->path() << "is longer than the blob; starting over";
            if (auto r = f->restart(); !r) {
                return r.error();
            }
        } else if (auto r = f->hashExisting(); !r) {
            return r.error();
        }
    }
    f->m_file.seek(f->m_size);
    return f;
}

Result<std::unique_ptr<IngestFile>> IngestFile::openTemporary(const QString& ingestDir)
{
    if (!QDir().mkpath(ingestDir)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create directory `%1`").arg(ingestDir));
    }
    std::unique_ptr<IngestFile> f(new IngestFile);
    for (int attempt = 0; attempt < 16; ++attempt) {
        const QString name
            = QStringLiteral("tmp-%1.partial").arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
        f->m_file.setFileName(ingestDir + u'/' + name);
        if (f->m_file.open(QIODevice::ReadWrite | QIODevice::NewOnly)) {
            return f;
        }
    }
    return makeError(ErrorCode::Io,
                     QStringLiteral("cannot create a file in `%1`: %2").arg(ingestDir, f->m_file.errorString()));
}

Result<void> IngestFile::hashExisting()
{
    m_hash.reset();
    m_file.seek(0);
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        const qint64 n = m_file.read(buffer.data(), buffer.size());
        if (n < 0) {
            return makeError(ErrorCode::Io, QStringLiteral("cannot read `%1`: %2").arg(path(), m_file.errorString()));
        }
        if (n == 0) {
            break;
        }
        m_hash.addData(buffer.constData(), n);
        total += n;
    }
    m_size = total;
    m_resumedFrom = total;
    return {};
}

Result<void> IngestFile::write(const char* data, qint64 size)
{
    qint64 written = 0;
    while (written < size) {
        const qint64 n = m_file.write(data + written, size - written);
        if (n <= 0) {
            return makeError(ErrorCode::Io, QStringLiteral("cannot write `%1`: %2").arg(path(), m_file.errorString()));
        }
        written += n;
    }
    m_hash.addData(data, size);
    m_size += size;
    return {};
}

Result<void> IngestFile::restart()
{
    if (!m_file.resize(0) || !m_file.seek(0)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot truncate `%1`: %2").arg(path(), m_file.errorString()));
    }
    m_hash.reset();
    m_size = 0;
    m_resumedFrom = 0;
    return {};
}

Result<Digest> IngestFile::finish()
{
    if (!m_file.flush() || !AtomicFile::syncFile(m_file.handle())) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot flush `%1`: %2").arg(path(), m_file.errorString()));
    }
    m_file.close();
    m_finished = true;
    return m_hash.finalize();
}

void IngestFile::discard()
{
    m_file.close();
    QFile::remove(m_file.fileName());
}

} // namespace dist
