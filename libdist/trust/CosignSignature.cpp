// SPDX-License-Identifier: MIT
#include "CosignSignature.h"

#include <core/Base64.h>
#include <core/Sha256.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace dist {

namespace {

struct PkeyFree
{
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey fromDer(const QByteArray& der)
{
    const auto* p = reinterpret_cast<const unsigned char*>(der.constData());
    return Pkey(d2i_PUBKEY(nullptr, &p, long(der.size())));
}

} // namespace

Result<CosignPublicKey> CosignPublicKey::fromPem(const QByteArray& pem, const QString& origin)
{
    std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())), BIO_free);
    Pkey key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("`%1` is not a PEM public key (-----BEGIN PUBLIC KEY-----)").arg(origin));
    }
    CosignPublicKey k;
    k.m_origin = origin;
    const int id = EVP_PKEY_get_id(key.get());
    if (id == EVP_PKEY_ED25519) {
        k.m_ed25519 = true;
    } else if (char group[64] = {}; id != EVP_PKEY_EC
               || EVP_PKEY_get_group_name(key.get(), group, sizeof group, nullptr) != 1
               || qstrcmp(group, "prime256v1") != 0) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("`%1` is not an ECDSA P-256 or Ed25519 public key").arg(origin));
    }
    const int len = i2d_PUBKEY(key.get(), nullptr);
    k.m_der.resize(len);
    auto* out = reinterpret_cast<unsigned char*>(k.m_der.data());
    i2d_PUBKEY(key.get(), &out);
    k.m_fingerprint = Sha256::hash(k.m_der).hex();
    return k;
}

Result<CosignPublicKey> CosignPublicKey::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("cannot read the public key `%1`: %2").arg(path, f.errorString()));
    }
    return fromPem(f.read(64 * 1024), path);
}

bool CosignPublicKey::verify(const QByteArray& payload, const QByteArray& signature) const
{
    Pkey key = fromDer(m_der);
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!key || !ctx
        || EVP_DigestVerifyInit(ctx.get(), nullptr, m_ed25519 ? nullptr : EVP_sha256(), nullptr, key.get()) != 1) {
        return false;
    }
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.constData()),
                            size_t(signature.size()), reinterpret_cast<const unsigned char*>(payload.constData()),
                            size_t(payload.size()))
        == 1;
}

namespace Cosign {

QString signatureTag(const Digest& manifest)
{
    return QStringLiteral("sha256-") + manifest.hex() + QStringLiteral(".sig");
}

Result<CosignPublicKey> verify(const QByteArray& payload, const QString& signatureBase64, const Digest& manifest,
                               const QList<CosignPublicKey>& keys)
{
    const auto signature = decodeCanonicalBase64(signatureBase64.toLatin1());
    if (!signature || signature->isEmpty()) {
        return makeError(ErrorCode::Integrity, QStringLiteral("the signature annotation is not base64"));
    }
    const QJsonObject doc = QJsonDocument::fromJson(payload).object();
    const QJsonObject critical = doc.value(QStringLiteral("critical")).toObject();
    const QString type = critical.value(QStringLiteral("type")).toString();
    const QString named
        = critical.value(QStringLiteral("image")).toObject().value(QStringLiteral("docker-manifest-digest")).toString();
    if (type != u"cosign container image signature" || named.isEmpty()) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("the signed payload is not a cosign simple-signing document"));
    }
    // The signature is checked first: a payload nobody trusted signed says nothing, not even which
    // digest it was meant for.
    for (const CosignPublicKey& key : keys) {
        if (key.verify(payload, signature.value())) {
            if (named != manifest.toString()) {
                return makeError(ErrorCode::Integrity,
                                 QStringLiteral("the signature by %1 is for %2, not for %3")
                                     .arg(key.origin(), named, manifest.toString()));
            }
            return key;
        }
    }
    return makeError(
        ErrorCode::Integrity,
        QStringLiteral("the signature does not verify with %1")
            .arg(keys.size() == 1 ? keys.first().origin() : QStringLiteral("any of the %1 keys").arg(keys.size())));
}

} // namespace Cosign

} // namespace dist
