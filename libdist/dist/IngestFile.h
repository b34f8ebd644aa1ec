// SPDX-License-Identifier: MIT
#pragma once

#include "Digest.h"
#include "Result.h"
#include "Sha256.h"

#include <QFile>
#include <QString>

#include <memory>

namespace dist {

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

    Result<void> write(const char* data, qint64 size);
    Result<void> write(const QByteArray& data) { return write(data.constData(), data.size()); }
    // Drop what was written so far (the server ignored a Range request, or the data was bad).
    Result<void> restart();
    // Flush and fsync; returns the digest of everything written. Closes the file.
    Result<Digest> finish();
    // Delete the file (after a digest mismatch, or when another process committed it first).
    void discard();

private:
    IngestFile() = default;
    Result<void> hashExisting();

    QFile m_file;
    Sha256 m_hash;
    Digest m_expected;
    qint64 m_size = 0;
    qint64 m_resumedFrom = 0;
    bool m_finished = false;
};

} // namespace dist
