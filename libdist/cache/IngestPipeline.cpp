// SPDX-License-Identifier: MIT
#include "IngestPipeline.h"

#include <core/Sha256.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#ifdef Q_OS_LINUX
#include <sys/vfs.h>
#endif

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

IngestPipeline::IngestPipeline(Sha256& hash, int fd, qint64 bufferSize, bool tryDirect)
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

IngestPipeline::~IngestPipeline()
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

int IngestPipeline::acquire()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return !m_free.empty(); });
    const int i = m_free.front();
    m_free.pop_front();
    return i;
}

void IngestPipeline::submit(int i, qint64 size)
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

std::optional<QString> IngestPipeline::drain()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_hashQueue.empty() && m_writeQueue.empty() && m_free.size() == kBuffers; });
    endDirect();
    return std::exchange(m_writeError, std::nullopt);
}

bool IngestPipeline::failed()
{
    std::lock_guard lock(m_mutex);
    return m_writeError.has_value();
}

void IngestPipeline::endDirect()
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

void IngestPipeline::hashOne(int i, qint64 size)
{
    m_hash.addData(data(i), size);
}

void IngestPipeline::writeOne(int i, qint64 size)
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
        const bool direct = m_direct;
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
        (direct ? m_directBytes : m_bufferedBytes) += n;
        if (m_direct && written % kAlign != 0) {
            endDirect();
        }
    }
}

template <typename Work>
void IngestPipeline::run(Queue& queue, Work work)
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

} // namespace dist
