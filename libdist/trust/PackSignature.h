// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace dist {

class PackTrustStore;

// A DSSE envelope as assay packs carry it (X-Pack-Signature header, base64 of the JSON, or the
// .sig sidecar, the JSON itself), checked against the pack's canonical JCS bytes.
class PackSignature
{
public:
    static constexpr qint64 kMaxPayloadBytes = 1048576;

    struct Signature
    {
        QString keyId;
        QString sig; // base64, decoded only when checked
    };
    struct Envelope
    {
        QString payloadType;
        QByteArray payload; // decoded
        QList<Signature> signatures;
    };

    // The header form: base64(STANDARD) of the envelope JSON.
    static Result<QByteArray> envelopeFromHeader(QByteArrayView header);
    // Bounded: a payload that would decode to more than 1 MiB is refused before decoding.
    static Result<Envelope> parse(const QByteArray& json);
    // The key ids an envelope names, in order; empty when it does not parse.
    static QStringList keyIds(const QByteArray& json);

    // Verifies a pack envelope: the payload type, the payload equal to the canonical bytes, and a
    // signature by a trusted key over the PAE. Returns the key id that verified.
    static Result<QString> verifyPack(const QByteArray& envelopeJson, const QByteArray& canonicalJson,
                                      const PackTrustStore& trust, const QDateTime& now);

    // At least one signature by a trusted key (only pinned roots when `rootsOnly`).
    static Result<QString> verifySignatures(const Envelope& envelope, const PackTrustStore& trust, const QDateTime& now,
                                            bool rootsOnly = false);

    // DSSEv1 SP len(type) SP type SP len(payload) SP payload, lengths in bytes.
    static QByteArray pae(const QByteArray& payloadType, const QByteArray& payload);
};

} // namespace dist
