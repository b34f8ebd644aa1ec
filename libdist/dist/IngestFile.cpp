// SPDX-License-Identifier: MIT
#include "IngestFile.h"

#include "AtomicFile.h"
#include "Logging.h"

#include <QDir>
#include <QRandomGenerator>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

namespace dist {

// Writes and hashes committed buffers in file order, each on its own thread, so receiving,
// writing and hashing overlap. A small pool bounds memory (8 MiB); a buffer is reused once both
// the writer and the hasher are done with it.
class IngestFile::Pipeline
{
public:
    static constexpr int kBuffers = 8;

    Pipeline(Sha256& hash, int fd, qint64 bufferSize)
        : m_hash(hash)
        , m_fd(fd)
    {
        for (int i = 0; i < kBuffers; ++i) {
            m_buffers.emplace_back(static_cast<qsizetype>(bufferSize), Qt::Uninitialized);
            m_users.push_back(0);
            m_free.push_back(i);
        }
        m_hasher = std::thread([this] { run(m_hashQueue, [this](int i, qint64 n) { hashOne(i, n); }); });
        m_writer = std::thread([this] { run(m_writeQueue, [this](int i, qint64 n) { writeOne(i, n); }); });
    }
    ~Pipeline()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_hasher.join();
        m_writer.join();
    }

    int acquire()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return !m_free.empty(); });
        const int i = m_free.front();
        m_free.pop_front();
        return i;
    }
    char* data(int i) { return m_buffers[static_cast<size_t>(i)].data(); }
    qint64 capacity() const { return m_buffers.front().size(); }
    void submit(int i, qint64 size)
    {
        {
            std::lock_guard lock(m_mutex);
            if (size > 0) {
                m_users[static_cast<size_t>(i)] = 2;
                m_hashQueue.emplace_back(i, size);
                m_writeQueue.emplace_back(i, size);
            } else {
                m_free.push_back(i);
            }
        }
        m_cv.notify_all();
    }
    // Returns once every submitted byte is written and hashed; reports the first write error.
    std::optional<QString> drain()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return m_hashQueue.empty() && m_writeQueue.empty() && m_free.size() == kBuffers; });
        return std::exchange(m_writeError, std::nullopt);
    }
    bool failed()
    {
        std::lock_guard lock(m_mutex);
        return m_writeError.has_value();
    }

private:
    using Queue = std::deque<std::pair<int, qint64>>;

    void hashOne(int i, qint64 size) { m_hash.addData(m_buffers[static_cast<size_t>(i)].constData(), size); }
    void writeOne(int i, qint64 size)
    {
        if (failed()) {
            return;
        }
        const char* data = m_buffers[static_cast<size_t>(i)].constData();
        qint64 written = 0;
        while (written < size) {
            const ssize_t n = ::write(m_fd, data + written, static_cast<size_t>(size - written));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                const QString why = QString::fromLocal8Bit(std::strerror(n < 0 ? errno : ENOSPC));
                std::lock_guard lock(m_mutex);
                m_writeError = why;
                return;
            }
            written += n;
        }
    }
    template <typename Work>
    void run(Queue& queue, Work work)
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_cv.wait(lock, [&] { return m_stop || !queue.empty(); });
            if (queue.empty()) {
                return;
            }
            const auto [i, size] = queue.front();
            queue.pop_front();
            lock.unlock();
            work(i, size);
            lock.lock();
            if (--m_users[static_cast<size_t>(i)] == 0) {
                m_free.push_back(i);
            }
            m_cv.notify_all();
        }
    }

    Sha256& m_hash;
    int m_fd;
    std::vector<QByteArray> m_buffers;
    std::vector<int> m_users;
    std::deque<int> m_free;
    Queue m_hashQueue;
    Queue m_writeQueue;
    std::optional<QString> m_writeError;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    std::thread m_hasher;
    std::thread m_writer;
};

IngestFile::IngestFile() = default;

IngestFile::~IngestFile()
{
    if (m_hasher && m_pendingBuffer >= 0) {
        m_hasher->submit(m_pendingBuffer, 0);
    }
    m_hasher.reset();
    m_flusher.reset();
}

char* IngestFile::writeBuffer(qint64* capacity)
{
    if (!m_hasher) {
        // The pipeline writes through the descriptor at the current offset; QFile is unbuffered.
        m_hasher = std::make_unique<Pipeline>(m_hash, m_file.handle(), qint64(1) << 20);
    }
    Q_ASSERT(m_pendingBuffer < 0);
    m_pendingBuffer = m_hasher->acquire();
    *capacity = m_hasher->capacity();
    return m_hasher->data(m_pendingBuffer);
}

Result<void> IngestFile::commitBuffer(qint64 size)
{
    const int i = std::exchange(m_pendingBuffer, -1);
    if (size <= 0) {
        m_hasher->submit(i, 0);
        return {};
    }
    if (m_hasher->failed()) {
        m_hasher->submit(i, 0);
        return drainPipeline();
    }
    m_hasher->submit(i, size);
    m_size += size;
    startWriteback();
    return {};
}

Result<void> IngestFile::drainPipeline()
{
    if (!m_hasher) {
        return {};
    }
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
    f->m_file.setFileName(ingestDir + u'/' + expected.hex() + QStringLiteral(".partial"));
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
        const QString name
            = QStringLiteral("tmp-%1.partial").arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
        f->m_file.setFileName(ingestDir + u'/' + name);
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
    if (m_size - m_syncedUpTo < kChunk) {
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
    return m_hash.finalize();
}

void IngestFile::discard()
{
    m_flusher.reset();
    m_file.close();
    QFile::remove(m_file.fileName());
}

} // namespace dist
