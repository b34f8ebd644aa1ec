// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>
#include <core/Sha256.h>

#include <QFile>
#include <QString>

#include <memory>

namespace dist {

class IngestPipeline;

// A partial download in <cache>/ingest/. Bytes are hashed as they are written (one pass).
// A partial named after its expected digest survives a crash and is resumed by the next pull:
// its existing prefix is re-hashed on open, which costs far less than fetching it again.
class IngestFile
{
public:
    ~IngestFile();
    IngestFile(const IngestFile&) = delete;
    IngestFile& operator=(const IngestFile&) = delete;

    // <ingestDir>/<hex>.partial. With resume, an existing partial is kept (truncated if longer than
    // expectedSize, when that is known); without, it is started afresh.
    static Result<std::unique_ptr<IngestFile>> openForDigest(const QString& ingestDir, const Digest& expected,
                                                             qint64 expectedSize, bool resume);
    // A unique temporary partial for content whose digest is not known in advance.
    static Result<std::unique_ptr<IngestFile>> openTemporary(const QString& ingestDir);

    QString path() const { return m_file.fileName(); }
    qint64 size() const { return m_size; }
    const Digest& expectedDigest() const { return m_expected; }
    qint64 resumedFrom() const { return m_resumedFrom; }
    bool finished() const { return m_finished; }

    Result<void> write(const char* data, qint64 size);
    Result<void> write(const QByteArray& data) { return write(data.constData(), data.size()); }

    // Zero-copy streaming for big bodies: fill the buffer, then commit how much of it now holds data
    // (0 adds nothing). Full buffers are written and hashed on worker threads, so hashing overlaps
    // with writing and receiving. Waits only while every buffer is still being written or hashed.
    char* writeBuffer(qint64* capacity);
    Result<void> commitBuffer(qint64 size);
    // Drop what was written so far (the server ignored a Range request, or the data was bad).
    Result<void> restart();
    // Flush and fsync; returns the digest of everything written. Closes the file.
    Result<Digest> finish();
    // Delete the file (after a digest mismatch, or when another process committed it first).
    void discard();

private:
    class Flusher;

    IngestFile();
    Result<void> hashExisting();
    void startWriteback();
    Result<void> drainPipeline();
    void submitCurrent();

    static constexpr qint64 kBufferSize = qint64(1) << 20;

    QFile m_file;
    Sha256 m_hash;
    std::unique_ptr<IngestPipeline> m_hasher; // started by the first writeBuffer()
    std::unique_ptr<Flusher> m_flusher; // started once there is enough to write back
    int m_current = -1; // the buffer being filled, and how much of it is
    qint64 m_fill = 0;
    Digest m_expected;
    qint64 m_size = 0;
    qint64 m_resumedFrom = 0;
    qint64 m_syncedUpTo = 0;
    bool m_finished = false;
};

} // namespace dist
