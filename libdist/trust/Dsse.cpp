// SPDX-License-Identifier: MIT
#include "Dsse.h"

#include <core/Sha256.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace dist {

namespace {

Error malformed(const QString& why)
{
    return makeError(ErrorCode::Integrity, QStringLiteral("malformed DSSE envelope: %1").arg(why));
}

Result<QByteArray> strictBase64(const QString& text, const QString& what)
{
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || text.isEmpty()) {
        return malformed(QStringLiteral("%1 is not standard base64").arg(what));
    }
    return *decoded;
}

struct PkeyDeleter
{
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxDeleter
{
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioDeleter
{
    void operator()(BIO* b) const { BIO_free(b); }
};

} // namespace

Result<DsseEnvelope> DsseEnvelope::parse(const QByteArray& json)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return malformed(QStringLiteral("not a JSON object"));
    }
    const QJsonObject o = doc.object();
    if (!o.value(QStringLiteral("payloadType")).isString() || !o.value(QStringLiteral("payload")).isString()
        || !o.value(QStringLiteral("signatures")).isArray()) {
        return malformed(QStringLiteral("payloadType, payload and signatures are required"));
    }
    DsseEnvelope e;
    e.payloadType = o.value(QStringLiteral("payloadType")).toString();
    auto payload = strictBase64(o.value(QStringLiteral("payload")).toString(), QStringLiteral("payload"));
    if (!payload) {
        return payload.error();
    }
    e.payload = payload.value();
    const QJsonArray sigs = o.value(QStringLiteral("signatures")).toArray();
    if (sigs.isEmpty()) {
        return malformed(QStringLiteral("the signature list is empty"));
    }
    for (const QJsonValue& v : sigs) {
        const QJsonObject s = v.toObject();
        if (!v.isObject() || !s.value(QStringLiteral("sig")).isString()) {
            return malformed(QStringLiteral("every signature needs a `sig`"));
        }
        auto sig = strictBase64(s.value(QStringLiteral("sig")).toString(), QStringLiteral("a signature"));
        if (!sig) {
            return sig.error();
        }
        e.signatures.append(DsseSignature{s.value(QStringLiteral("keyid")).toString(), sig.value()});
    }
    return e;
}

QByteArray DsseEnvelope::pae(const QString& payloadType, const QByteArray& payload)
{
    const QByteArray type = payloadType.toUtf8();
    return "DSSEv1 " + QByteArray::number(type.size()) + ' ' + type + ' ' + QByteArray::number(payload.size()) + ' '
        + payload;
}

Result<QByteArray> Ed25519::rawPublicKey(const QString& pem)
{
    const QByteArray bytes = pem.toLatin1();
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(bytes.constData(), static_cast<int>(bytes.size())));
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("not a PEM public key"));
    }
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("not an Ed25519 public key"));
    }
    QByteArray raw(32, Qt::Uninitialized);
    size_t len = static_cast<size_t>(raw.size());
    if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 || len != 32) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("unreadable Ed25519 public key"));
    }
    return raw;
}

QString Ed25519::greenticKeyId(const QByteArray& rawPublicKey)
{
    return Sha256::hash(rawPublicKey).hex().left(32);
}

bool Ed25519::verify(const QByteArray& rawPublicKey, const QByteArray& message, const QByteArray& signature)
{
    if (rawPublicKey.size() != 32 || signature.size() != 64) {
        return false;
    }
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(rawPublicKey.constData()), 32));
    std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
    if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
        return false;
    }
    return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.constData()),
                            static_cast<size_t>(signature.size()),
                            reinterpret_cast<const unsigned char*>(message.constData()),
                            static_cast<size_t>(message.size()))
        == 1;
}

Result<QString> verifyGreenticDsse(const DsseEnvelope& envelope, const QList<TrustedKey>& trusted,
                                   const Digest& artifact)
{
    if (envelope.payloadType != u"application/vnd.in-toto+json") {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("unexpected DSSE payload type `%1`").arg(envelope.payloadType));
    }
    const QByteArray message = DsseEnvelope::pae(envelope.payloadType, envelope.payload);
    QString verifiedBy;
    for (const DsseSignature& sig : envelope.signatures) {
        if (sig.keyId.isEmpty()) {
            continue; // an empty key id never matches
        }
        for (const TrustedKey& key : trusted) {
            if (key.keyId.compare(sig.keyId, Qt::CaseInsensitive) != 0) {
                continue;
            }
            auto raw = Ed25519::rawPublicKey(key.publicKeyPem);
            if (raw && Ed25519::verify(raw.value(), message, sig.signature)) {
                verifiedBy = key.keyId;
                break;
            }
        }
        if (!verifiedBy.isEmpty()) {
            break;
        }
    }
    if (verifiedBy.isEmpty()) {
        return makeError(ErrorCode::Integrity, QStringLiteral("no signature verifies with a trusted key"));
    }
    const QJsonObject statement = QJsonDocument::fromJson(envelope.payload).object();
    if (statement.value(QStringLiteral("_type")).toString() != u"https://in-toto.io/Statement/v1") {
        return makeError(ErrorCode::Integrity, QStringLiteral("the signed payload is not an in-toto v1 statement"));
    }
    const QJsonArray subjects = statement.value(QStringLiteral("subject")).toArray();
    for (const QJsonValue& s : subjects) {
        QString sha
            = s.toObject().value(QStringLiteral("digest")).toObject().value(QStringLiteral("sha256")).toString();
        if (sha.startsWith(QLatin1String("sha256:"))) {
            sha = sha.mid(7);
        }
        if (sha.toLower() == artifact.hex()) {
            return verifiedBy;
        }
    }
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("the signed statement does not name %1 as its subject").arg(artifact.toString()));
}

} // namespace dist
