// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QtGlobal>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace dist {

class Sha256;

// Writes and hashes committed buffers in file order, each on its own thread, so receiving,
// writing and hashing overlap. A small pool bounds memory (8 MiB); a buffer is reused once both
// the writer and the hasher are done with it.
//
// Full buffers are written with O_DIRECT when the file system allows it: the bytes go from our
// buffer to the device without a copy into the page cache, and the fsync before the rename has
// almost nothing left to do. That needs aligned memory, offsets and lengths, so a short tail
// (or any write that is not aligned) switches the descriptor back to ordinary buffered writes.
class IngestPipeline
{
public:
    static constexpr int kBuffers = 8;
    static constexpr qint64 kAlign = 4096;

    // Writes through `fd` at its current offset; `tryDirect` when that offset is aligned.
    IngestPipeline(Sha256& hash, int fd, qint64 bufferSize, bool tryDirect);
    ~IngestPipeline();
    IngestPipeline(const IngestPipeline&) = delete;
    IngestPipeline& operator=(const IngestPipeline&) = delete;

    // A free buffer, waiting while all of them are still being written or hashed.
    int acquire();
    char* data(int i) { return m_buffers[static_cast<size_t>(i)].get(); }
    qint64 capacity() const { return m_capacity; }
    // Whether writes still bypass the page cache (then there is nothing to write back early).
    bool direct() const { return m_direct.load(); }
    // Queues buffer `i` holding `size` bytes (0 hands it back unused).
    void submit(int i, qint64 size);
    // Returns once every submitted byte is written and hashed; reports the first write error.
    // The descriptor is back in buffered mode afterwards, ready for writes of any size.
    std::optional<QString> drain();
    bool failed();
    // Bytes written so far bypassing the page cache, and through it.
    qint64 directBytes() const { return m_directBytes.load(); }
    qint64 bufferedBytes() const { return m_bufferedBytes.load(); }

private:
    using Queue = std::deque<std::pair<int, qint64>>;
    struct FreeDeleter
    {
        void operator()(char* p) const { std::free(p); }
    };

    void endDirect(); // only while the writer is idle, or from the writer itself
    void hashOne(int i, qint64 size);
    void writeOne(int i, qint64 size);
    template <typename Work>
    void run(Queue& queue, Work work);

    Sha256& m_hash;
    int m_fd;
    qint64 m_capacity;
    std::atomic<bool> m_direct = false;
    std::atomic<qint64> m_directBytes = 0;
    std::atomic<qint64> m_bufferedBytes = 0;
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

} // namespace dist
