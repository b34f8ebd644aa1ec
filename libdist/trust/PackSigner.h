// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QByteArray>
#include <QString>

#include <memory>

struct evp_pkey_st;

namespace dist {

// Signs assay pack envelopes with an Ed25519 key: for `serve --signing-key`, the demo and tests.
class PackSigner
{
public:
    PackSigner(PackSigner&&) noexcept;
    PackSigner& operator=(PackSigner&&) noexcept;
    ~PackSigner();

    static Result<PackSigner> fromPem(const QByteArray& pem);
    static Result<PackSigner> fromSeed(const QByteArray& seed32);
    static PackSigner generate();

    QString keyId() const; // sha256 of the SPKI DER
    QByteArray spki() const;
    QByteArray privateKeyPem() const;
    // A trust-roots file naming this key: [{"key_id", "algorithm", "public_key", "description"}].
    QByteArray trustRootJson(const QString& description) const;

    QByteArray sign(const QByteArray& message) const; // raw 64-byte signature
    // The envelope JSON over `payload` (the pack's canonical JCS bytes for a pack).
    QByteArray envelope(const QByteArray& payload, const QByteArray& payloadType) const;

private:
    explicit PackSigner(evp_pkey_st* key);
    std::unique_ptr<evp_pkey_st, void (*)(evp_pkey_st*)> m_key;
};

} // namespace dist
