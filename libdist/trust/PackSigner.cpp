// SPDX-License-Identifier: MIT
#include "PackSigner.h"

#include "PackSignature.h"
#include "PackTrustStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace dist {

PackSigner::PackSigner(evp_pkey_st* key)
    : m_key(key, EVP_PKEY_free)
{
}

PackSigner::PackSigner(PackSigner&&) noexcept = default;
PackSigner& PackSigner::operator=(PackSigner&&) noexcept = default;
PackSigner::~PackSigner() = default;

Result<PackSigner> PackSigner::fromPem(const QByteArray& pem)
{
    std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size())), BIO_free);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (!key) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("not a PEM private key"));
    }
    if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
        EVP_PKEY_free(key);
        return makeError(ErrorCode::InvalidInput, QStringLiteral("the signing key must be Ed25519"));
    }
    return PackSigner(key);
}

Result<PackSigner> PackSigner::fromSeed(const QByteArray& seed32)
{
    if (seed32.size() != 32) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("an Ed25519 seed is 32 bytes"));
    }
    EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                                 reinterpret_cast<const unsigned char*>(seed32.constData()), 32);
    if (!key) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("unusable Ed25519 seed"));
    }
    return PackSigner(key);
}

PackSigner PackSigner::generate()
{
    EVP_PKEY* key = nullptr;
    std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX*)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                               EVP_PKEY_CTX_free);
    EVP_PKEY_keygen_init(ctx.get());
    EVP_PKEY_keygen(ctx.get(), &key);
    return PackSigner(key);
}

QByteArray PackSigner::spki() const
{
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(m_key.get(), &der);
    QByteArray out(reinterpret_cast<const char*>(der), len);
    OPENSSL_free(der);
    return out;
}

QString PackSigner::keyId() const
{
    return PackTrustStore::keyIdForSpki(spki());
}

QByteArray PackSigner::privateKeyPem() const
{
    std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, static_cast<qsizetype>(len));
}

QByteArray PackSigner::trustRootJson(const QString& description) const
{
    QJsonObject o;
    o.insert(QStringLiteral("key_id"), keyId());
    o.insert(QStringLiteral("algorithm"), QStringLiteral("Ed25519"));
    o.insert(QStringLiteral("public_key"), QString::fromLatin1(spki().toBase64()));
    o.insert(QStringLiteral("description"), description);
    return QJsonDocument(QJsonArray{o}).toJson(QJsonDocument::Indented);
}

QByteArray PackSigner::sign(const QByteArray& message) const
{
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    QByteArray sig(64, Qt::Uninitialized);
    size_t len = 64;
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_key.get()) != 1
        || EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                          reinterpret_cast<const unsigned char*>(message.constData()),
                          static_cast<size_t>(message.size()))
            != 1) {
        return QByteArray();
    }
    return sig;
}

QByteArray PackSigner::envelope(const QByteArray& payload, const QByteArray& payloadType) const
{
    QJsonObject sig;
    sig.insert(QStringLiteral("keyid"), keyId());
    sig.insert(QStringLiteral("sig"), QString::fromLatin1(sign(PackSignature::pae(payloadType, payload)).toBase64()));
    QJsonObject o;
    o.insert(QStringLiteral("payloadType"), QString::fromUtf8(payloadType));
    o.insert(QStringLiteral("payload"), QString::fromLatin1(payload.toBase64()));
    o.insert(QStringLiteral("signatures"), QJsonArray{sig});
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace dist
