// SPDX-License-Identifier: MIT
#include "IngestFile.h"

#include <cache/CacheLayout.h>
#include <core/AtomicFile.h>
#include <core/Logging.h>

#include <QDir>
#include <QRandomGenerator>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <mutex>
#include <thread>
#include <unistd.h>
#ifdef Q_OS_LINUX
#include <sys/vfs.h>
#endif
#include <vector>

namespace dist {

namespace {

// Direct I/O only where it is known to be a win: local block-device file systems. On network and
// FUSE file systems it can turn every write into a synchronous round trip, and tmpfs copies anyway.
bool directIoSuits(int fd)
{
#ifdef Q_OS_LINUX
    struct statfs fs
    {
    };
    if (::fstatfs(fd, &fs) != 0) {
        return false;
    }
    constexpr unsigned long kExt4 = 0xEF53, kXfs = 0x58465342, kBtrfs = 0x9123683E;
    const auto type = static_cast<unsigned long>(fs.f_type);
    return type == kExt4 || type == kXfs || type == kBtrfs;
#else
    Q_UNUSED(fd)
    return false;
#endif
}

} // namespace

// Writes and hashes committed buffers in file order, each on its own thread, so receiving,
// writing and hashing overlap. A small pool bounds memory (8 MiB); a buffer is reused once both
// the writer and the hasher are done with it.
//
// Full buffers are written with O_DIRECT when the file system allows it: the bytes go from our
// buffer to the device without a copy into the page cache, and the fsync before the rename has
// almost nothing left to do. That needs aligned memory, offsets and lengths, so a short tail
// (or any write that is not aligned) switches the descriptor back to ordinary buffered writes.
class IngestFile::Pipeline
{
public:
    static constexpr int kBuffers = 8;
    static constexpr qint64 kAlign = 4096;

    Pipeline(Sha256& hash, int fd, qint64 bufferSize, bool tryDirect)
        : m_hash(hash)
        , m_fd(fd)
        , m_capacity(bufferSize)
    {
        for (int i = 0; i < kBuffers; ++i) {
            m_buffers.emplace_back(static_cast<char*>(std::aligned_alloc(kAlign, static_cast<size_t>(bufferSize))));
            m_users.push_back(0);
            m_free.push_back(i);
        }
#ifdef O_DIRECT
        if (tryDirect && directIoSuits(m_fd)) {
            const int flags = ::fcntl(m_fd, F_GETFL);
            m_direct = flags >= 0 && ::fcntl(m_fd, F_SETFL, flags | O_DIRECT) == 0;
        }
#else
        Q_UNUSED(tryDirect)
#endif
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
        endDirect();
    }

    int acquire()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return !m_free.empty(); });
        const int i = m_free.front();
        m_free.pop_front();
        return i;
    }
    char* data(int i)
    {
        return m_buffers[static_cast<size_t>(i)].get();
    }
    qint64 capacity() const
    {
        return m_capacity;
    }
    // Whether writes still bypass the page cache (then there is nothing to write back early).
    bool direct() const
    {
        return m_direct.load();
    }
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
    // The descriptor is back in buffered mode afterwards, ready for writes of any size.
    std::optional<QString> drain()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return m_hashQueue.empty() && m_writeQueue.empty() && m_free.size() == kBuffers; });
        endDirect();
        return std::exchange(m_writeError, std::nullopt);
    }
    bool failed()
    {
        std::lock_guard lock(m_mutex);
        return m_writeError.has_value();
    }

private:
    using Queue = std::deque<std::pair<int, qint64>>;
    struct FreeDeleter
    {
        void operator()(char* p) const { std::free(p); }
    };

    // Only ever called while the writer is idle or from the writer itself.
    void endDirect()
    {
#ifdef O_DIRECT
        if (m_direct.exchange(false)) {
            const int flags = ::fcntl(m_fd, F_GETFL);
            if (flags >= 0) {
                ::fcntl(m_fd, F_SETFL, flags & ~O_DIRECT);
            }
        }
#endif
    }
    void hashOne(int i, qint64 size)
    {
        m_hash.addData(data(i), size);
    }
    void writeOne(int i, qint64 size)
    {
        if (failed()) {
            return;
        }
        const char* bytes = data(i);
        qint64 written = 0;
        while (written < size) {
            if (m_direct && (size - written) % kAlign != 0) {
                endDirect();
            }
            const ssize_t n = ::write(m_fd, bytes + written, static_cast<size_t>(size - written));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0 && errno == EINVAL && m_direct) {
                endDirect(); // the file system refused direct I/O after all
                continue;
            }
            if (n <= 0) {
                const QString why = QString::fromLocal8Bit(std::strerror(n < 0 ? errno : ENOSPC));
                std::lock_guard lock(m_mutex);
                m_writeError = why;
                return;
            }
            written += n;
            if (m_direct && written % kAlign != 0) {
                endDirect();
            }
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
    qint64 m_capacity;
    std::atomic<bool> m_direct = false;
    std::vector<std::unique_ptr<char, FreeDeleter>> m_buffers;
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
        m_hasher = std::make_unique<Pipeline>(m_hash, m_file.handle(), kBufferSize, m_size % Pipeline::kAlign == 0);
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
