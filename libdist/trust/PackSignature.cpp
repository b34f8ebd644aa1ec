// SPDX-License-Identifier: MIT
#include "PackSignature.h"

#include "Dsse.h"
#include "PackTrustStore.h"
#include <core/Base64.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace dist {

namespace {

Error invalid(const QString& reason)
{
    return makeError(ErrorCode::Integrity, QStringLiteral("signature verification failed: ") + reason);
}

} // namespace

QByteArray PackSignature::pae(const QByteArray& payloadType, const QByteArray& payload)
{
    return "DSSEv1 " + QByteArray::number(payloadType.size()) + ' ' + payloadType + ' '
        + QByteArray::number(payload.size()) + ' ' + payload;
}

Result<QByteArray> PackSignature::envelopeFromHeader(QByteArrayView header)
{
    const QByteArray trimmed = header.toByteArray().trimmed();
    auto json = decodeCanonicalBase64(trimmed);
    if (!json || trimmed.isEmpty()) {
        return invalid(QStringLiteral("invalid base64 envelope: X-Pack-Signature is not standard base64"));
    }
    return *json;
}

QStringList PackSignature::keyIds(const QByteArray& json)
{
    QStringList ids;
    if (auto e = parse(json)) {
        for (const auto& sig : e->signatures) {
            ids.append(sig.keyId);
        }
    }
    return ids;
}

Result<PackSignature::Envelope> PackSignature::parse(const QByteArray& json)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return invalid(QStringLiteral("invalid DSSE envelope: not a JSON object"));
    }
    const QJsonObject o = doc.object();
    const QJsonValue type = o.value(QStringLiteral("payloadType"));
    const QJsonValue payload = o.value(QStringLiteral("payload"));
    const QJsonValue sigs = o.value(QStringLiteral("signatures"));
    if (!type.isString() || !payload.isString() || !sigs.isArray()) {
        return invalid(QStringLiteral("invalid DSSE envelope: payloadType, payload and signatures are required"));
    }
    Envelope e;
    e.payloadType = type.toString();
    // Bound the allocation before decoding: ceil(limit / 3) * 4 characters at most.
    const QString encoded = payload.toString();
    const qint64 maxEncoded = (kMaxPayloadBytes + 2) / 3 * 4;
    if (encoded.size() > maxEncoded) {
        return invalid(QStringLiteral("DSSE payload encodes to more than %1 bytes, over the %2-byte ceiling")
                           .arg(maxEncoded)
                           .arg(kMaxPayloadBytes));
    }
    auto decoded = decodeCanonicalBase64(encoded.toLatin1());
    if (!decoded) {
        return invalid(QStringLiteral("invalid base64 payload"));
    }
    if (decoded->size() > kMaxPayloadBytes) {
        return invalid(QStringLiteral("DSSE payload is %1 bytes, over the %2-byte ceiling")
                           .arg(decoded->size())
                           .arg(kMaxPayloadBytes));
    }
    e.payload = *decoded;
    for (const QJsonValue& v : sigs.toArray()) {
        const QJsonObject s = v.toObject();
        if (!v.isObject() || !s.value(QStringLiteral("keyid")).isString()
            || !s.value(QStringLiteral("sig")).isString()) {
            return invalid(QStringLiteral("invalid DSSE envelope: every signature needs a keyid and a sig"));
        }
        e.signatures.append(
            Signature{s.value(QStringLiteral("keyid")).toString(), s.value(QStringLiteral("sig")).toString()});
    }
    return e;
}

Result<QString> PackSignature::verifySignatures(const Envelope& envelope, const PackTrustStore& trust,
                                                const QDateTime& now, bool rootsOnly)
{
    if (envelope.signatures.isEmpty()) {
        return invalid(QStringLiteral("no signatures in envelope"));
    }
    const QByteArray message = pae(envelope.payloadType.toUtf8(), envelope.payload);
    std::optional<Error> last;
    for (const Signature& s : envelope.signatures) {
        auto key = trust.verifyingKey(s.keyId, now);
        if (key && rootsOnly) {
            bool pinned = false;
            for (const PackKey& k : trust.keys()) {
                pinned = pinned || (k.keyId == s.keyId && k.pinned);
            }
            if (!pinned) {
                key = makeError(ErrorCode::Integrity,
                                QStringLiteral("key not trusted: %1 (only a pinned root may sign this)").arg(s.keyId));
            }
        }
        if (!key) {
            last = key.error();
            continue;
        }
        auto sig = decodeCanonicalBase64(s.sig.toLatin1());
        if (!sig) {
            last = invalid(QStringLiteral("invalid base64 signature"));
            continue;
        }
        if (sig->size() != 64) {
            last = invalid(
                QStringLiteral("invalid signature bytes: an Ed25519 signature is 64 bytes, not %1").arg(sig->size()));
            continue;
        }
        if (!Ed25519::verify(key.value(), message, *sig)) {
            last = invalid(QStringLiteral("ed25519 verification failed"));
            continue;
        }
        return s.keyId;
    }
    return *last;
}

Result<QString> PackSignature::verifyPack(const QByteArray& envelopeJson, const QByteArray& canonicalJson,
                                          const PackTrustStore& trust, const QDateTime& now)
{
    auto envelope = parse(envelopeJson);
    if (!envelope) {
        return envelope.error();
    }
    const QString expected = QString::fromLatin1(PackTrustStore::kPackPayloadType);
    if (envelope->payloadType != expected) {
        return invalid(
            QStringLiteral("payload type mismatch: expected %1, got %2").arg(expected, envelope->payloadType));
    }
    if (envelope->payload != canonicalJson) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("digest mismatch: the signed payload (%1 bytes) is not the canonical "
                                        "content of the pack (%2 bytes)")
                             .arg(envelope->payload.size())
                             .arg(canonicalJson.size()));
    }
    return verifySignatures(envelope.value(), trust, now);
}

} // namespace dist
