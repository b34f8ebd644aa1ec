// SPDX-License-Identifier: MIT
#pragma once

#include "Digest.h"
#include "Result.h"

#include <QByteArray>

#include <memory>

struct evp_md_ctx_st;

namespace dist {

// Streaming sha256 through OpenSSL EVP (uses SHA-NI where the CPU has it; QCryptographicHash
// is several times slower). Feed bytes as they arrive, one pass, never the whole blob at once.
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void reset();
    void addData(const char* data, qint64 size);
    void addData(const QByteArray& data) { addData(data.constData(), data.size()); }
    Digest finalize(); // resets the state afterwards

    static Digest hash(const QByteArray& data);
    // Hashes a file in bounded memory; optionally also returns its size.
    static Result<Digest> hashFile(const QString& path, qint64* size = nullptr);

private:
    struct Deleter
    {
        void operator()(evp_md_ctx_st* ctx) const;
    };
    std::unique_ptr<evp_md_ctx_st, Deleter> m_ctx;
};

} // namespace dist
