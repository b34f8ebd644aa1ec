// SPDX-License-Identifier: MIT
#include "IngestFile.h"

#include "IngestPipeline.h"
#include <cache/CacheLayout.h>
#include <core/AtomicFile.h>
#include <core/Logging.h>

#include <QDir>
#include <QRandomGenerator>

#include <condition_variable>
#include <fcntl.h>
#include <mutex>
#include <thread>

namespace dist {

IngestFile::IngestFile() = default;

IngestFile::~IngestFile()
{
    // Bytes received but still in a buffer reach the partial, so a later pull resumes after them.
    if (!m_finished && m_file.isOpen()) {
        (void)drainPipeline();
    }
    m_hasher.reset();
    m_flusher.reset();
}

char* IngestFile::writeBuffer(qint64* capacity)
{
    if (!m_hasher) {
        // The pipeline writes through the descriptor at the current offset; QFile is unbuffered.
        // Direct I/O needs an aligned start, which a resumed partial may not have.
        m_hasher = std::make_unique<IngestPipeline>(m_hash, m_file.handle(), kBufferSize,
                                                    m_size % IngestPipeline::kAlign == 0);
    }
    if (m_current < 0) {
        m_current = m_hasher->acquire();
        m_fill = 0;
    }
    *capacity = m_hasher->capacity() - m_fill;
    return m_hasher->data(m_current) + m_fill;
}

Result<void> IngestFile::commitBuffer(qint64 size)
{
    if (size <= 0 || m_current < 0) {
        return {};
    }
    if (m_hasher->failed()) {
        return drainPipeline();
    }
    m_fill += size;
    m_size += size;
    // Only whole buffers go down the pipeline: fewer hand-offs, and aligned writes for direct I/O.
    if (m_fill == m_hasher->capacity()) {
        submitCurrent();
        startWriteback();
    }
    return {};
}

void IngestFile::submitCurrent()
{
    if (m_current >= 0) {
        m_hasher->submit(std::exchange(m_current, -1), std::exchange(m_fill, 0));
    }
}

Result<void> IngestFile::drainPipeline()
{
    if (!m_hasher) {
        return {};
    }
    submitCurrent();
    if (auto error = m_hasher->drain()) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot write `%1`: %2").arg(path(), *error));
    }
    return {};
}

Result<std::unique_ptr<IngestFile>> IngestFile::openForDigest(const QString& ingestDir, const Digest& expected,
                                                              qint64 expectedSize, bool resume)
{
    if (!QDir().mkpath(ingestDir)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create directory `%1`").arg(ingestDir));
    }
    std::unique_ptr<IngestFile> f(new IngestFile);
    f->m_expected = expected;
    f->m_file.setFileName(CacheLayout::partialIn(ingestDir, expected));
    QIODevice::OpenMode mode = QIODevice::ReadWrite | QIODevice::Unbuffered;
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
        f->m_file.setFileName(CacheLayout::anonymousPartialIn(ingestDir, QRandomGenerator::global()->generate64()));
        if (f->m_file.open(QIODevice::ReadWrite | QIODevice::NewOnly | QIODevice::Unbuffered)) {
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
    m_syncedUpTo = total;
    return {};
}

Result<void> IngestFile::write(const char* data, qint64 size)
{
    if (auto r = drainPipeline(); !r) { // keep the hash and the file in order
        return r;
    }
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
    startWriteback();
    return {};
}

// Asks the kernel to start writing dirty pages out while the download goes on, so the fsync at the
// end finds little left to do. sync_file_range can block while the device queue is full; on its own
// thread that never stalls receiving, writing or hashing.
class IngestFile::Flusher
{
public:
    explicit Flusher(int fd)
        : m_fd(fd)
        , m_thread([this] { run(); })
    {
    }
    ~Flusher()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
    void request(qint64 upTo)
    {
        {
            std::lock_guard lock(m_mutex);
            m_target = std::max(m_target, upTo);
        }
        m_cv.notify_all();
    }
    void reset()
    {
        std::lock_guard lock(m_mutex);
        m_target = 0;
        m_done = 0;
    }

private:
    void run()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_cv.wait(lock, [this] { return m_stop || m_target > m_done; });
            if (m_stop) {
                return;
            }
            const qint64 from = m_done;
            const qint64 to = m_target;
            lock.unlock();
#ifdef Q_OS_LINUX
            ::sync_file_range(m_fd, from, to - from, SYNC_FILE_RANGE_WRITE);
#endif
            lock.lock();
            m_done = std::max(m_done, to);
        }
    }

    int m_fd;
    qint64 m_target = 0;
    qint64 m_done = 0;
    bool m_stop = false;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::thread m_thread;
};

void IngestFile::startWriteback()
{
    constexpr qint64 kChunk = 8 << 20;
    if (m_size - m_syncedUpTo < kChunk || (m_hasher && m_hasher->direct())) {
        return;
    }
    if (!m_flusher) {
        m_flusher = std::make_unique<Flusher>(m_file.handle());
    }
    m_flusher->request(m_size);
    m_syncedUpTo = m_size;
}

Result<void> IngestFile::restart()
{
    if (m_current >= 0) { // its bytes are being thrown away anyway
        m_hasher->submit(std::exchange(m_current, -1), 0);
        m_fill = 0;
    }
    (void)drainPipeline();
    if (m_flusher) {
        m_flusher->reset();
    }
    if (!m_file.resize(0) || !m_file.seek(0)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot truncate `%1`: %2").arg(path(), m_file.errorString()));
    }
    m_hash.reset();
    m_size = 0;
    m_resumedFrom = 0;
    m_syncedUpTo = 0;
    return {};
}

Result<Digest> IngestFile::finish()
{
    if (auto r = drainPipeline(); !r) {
        return r.error();
    }
    m_flusher.reset();
    if (!m_file.flush() || !AtomicFile::syncFile(m_file.handle())) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot flush `%1`: %2").arg(path(), m_file.errorString()));
    }
    m_file.close();
    m_finished = true;
    if (m_hasher) {
        // Which write path the bytes took (bench/pull-large prints it).
        qCInfo(lcCache).noquote() << "wrote" << path() << ":" << m_hasher->directBytes() << "bytes with O_DIRECT,"
                                  << m_hasher->bufferedBytes() << "through the page cache, then fsync";
    }
    return m_hash.finalize();
}

void IngestFile::discard()
{
    if (m_hasher) {
        if (m_current >= 0) {
            m_hasher->submit(std::exchange(m_current, -1), 0);
        }
        m_hasher.reset(); // no writer may touch the descriptor once it is closed
    }
    m_flusher.reset();
    m_file.close();
    QFile::remove(m_file.fileName());
}

} // namespace dist
