// SPDX-License-Identifier: MIT
#include "Sha256.h"

#include <QFile>

#include <openssl/evp.h>

namespace dist {

void Sha256::Deleter::operator()(evp_md_ctx_st* ctx) const
{
    EVP_MD_CTX_free(ctx);
}

Sha256::Sha256()
    : m_ctx(EVP_MD_CTX_new())
{
    reset();
}

Sha256::~Sha256() = default;

void Sha256::reset()
{
    EVP_DigestInit_ex(m_ctx.get(), EVP_sha256(), nullptr);
}

void Sha256::addData(const char* data, qint64 size)
{
    if (size > 0) {
        EVP_DigestUpdate(m_ctx.get(), data, static_cast<size_t>(size));
    }
}

Digest Sha256::finalize()
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_ctx.get(), out, &len);
    reset();
    const QByteArray hex = QByteArray(reinterpret_cast<const char*>(out), static_cast<qsizetype>(len)).toHex();
    return Digest::fromHex(QString::fromLatin1(hex));
}

Digest Sha256::hash(const QByteArray& data)
{
    Sha256 h;
    h.addData(data);
    return h.finalize();
}

Result<Digest> Sha256::hashFile(const QString& path, qint64* size)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(file.error() == QFileDevice::OpenError && !file.exists() ? ErrorCode::NotFound : ErrorCode::Io,
                         QStringLiteral("cannot read `%1`: %2").arg(path, file.errorString()));
    }
    Sha256 h;
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    qint64 total = 0;
    for (;;) {
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0) {
            return makeError(ErrorCode::Io, QStringLiteral("cannot read `%1`: %2").arg(path, file.errorString()));
        }
        if (n == 0) {
            break;
        }
        h.addData(buffer.constData(), n);
        total += n;
    }
    if (size) {
        *size = total;
    }
    return h.finalize();
}

} // namespace dist
