// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QList>
#include <QString>

namespace dist {

struct DsseSignature
{
    QString keyId;
    QByteArray signature; // raw bytes
};

// A DSSE envelope: {"payloadType", "payload" (base64), "signatures": [{"keyid", "sig" (base64)}]}.
struct DsseEnvelope
{
    QString payloadType;
    QByteArray payload; // decoded
    QList<DsseSignature> signatures;

    // Strict: standard base64 only, a non-empty signature list, signatures that decode.
    static Result<DsseEnvelope> parse(const QByteArray& json);
    // Pre-Authentication Encoding: "DSSEv1 <len(type)> <type> <len(payload)> <payload>".
    static QByteArray pae(const QString& payloadType, const QByteArray& payload);
};

// An Ed25519 public key the operator trusts, with the key id signatures name it by.
struct TrustedKey
{
    QString keyId;
    QString publicKeyPem;
};

class Ed25519
{
public:
    // The raw 32-byte public key from a PEM SubjectPublicKeyInfo; errors for other key types.
    static Result<QByteArray> rawPublicKey(const QString& pem);
    // The greentic key id: lowercase hex of the first 16 bytes of sha256(raw public key).
    static QString greenticKeyId(const QByteArray& rawPublicKey);
    static bool verify(const QByteArray& rawPublicKey, const QByteArray& message, const QByteArray& signature);
};

// Verifies the greentic in-toto envelope of an artifact: at least one signature by a trusted key
// over the PAE, an in-toto v1 statement, and a subject whose sha256 is the artifact's digest.
// Returns the key id that verified.
Result<QString> verifyGreenticDsse(const DsseEnvelope& envelope, const QList<TrustedKey>& trusted,
                                   const Digest& artifact);

} // namespace dist
