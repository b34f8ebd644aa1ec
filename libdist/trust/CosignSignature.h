// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QList>
#include <QString>

namespace dist {

// A public key cosign signs with (key-based mode): ECDSA P-256 (cosign's default, SHA-256 over the
// payload, an ASN.1/DER signature) or Ed25519, as a PEM SubjectPublicKeyInfo.
class CosignPublicKey
{
public:
    static Result<CosignPublicKey> fromPem(const QByteArray& pem, const QString& origin);
    static Result<CosignPublicKey> load(const QString& path);

    const QString& origin() const { return m_origin; } // the file it came from, for messages
    QString algorithm() const { return m_ed25519 ? QStringLiteral("Ed25519") : QStringLiteral("ECDSA P-256"); }
    // sha256 of the DER SubjectPublicKeyInfo, hex: how reports name the key.
    const QString& fingerprint() const { return m_fingerprint; }
    bool verify(const QByteArray& payload, const QByteArray& signature) const;

private:
    QByteArray m_der;
    QString m_origin;
    QString m_fingerprint;
    bool m_ed25519 = false;
};

// cosign's classic signature layout and the "simple signing" payload it signs.
namespace Cosign {
inline const QString SimpleSigningLayer = QStringLiteral("application/vnd.dev.cosign.simplesigning.v1+json");
inline const QString SignatureAnnotation = QStringLiteral("dev.cosignproject.cosign/signature");
inline const QString SignatureArtifactType = QStringLiteral("application/vnd.dev.cosign.artifact.sig.v1+json");
// The tag holding the signatures of `manifest`: sha256-<hex>.sig in the same repository.
QString signatureTag(const Digest& manifest);

// One signature (a layer of a signature manifest): the payload is a simple-signing document that
// names `manifest` in critical.image.docker-manifest-digest, and `signatureBase64` verifies over
// its exact bytes with one of `keys`. Returns the key that verified it; Integrity otherwise, with
// the reason.
Result<CosignPublicKey> verify(const QByteArray& payload, const QString& signatureBase64, const Digest& manifest,
                               const QList<CosignPublicKey>& keys);
} // namespace Cosign

} // namespace dist
