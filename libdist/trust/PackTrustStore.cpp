// SPDX-License-Identifier: MIT
#include "PackTrustStore.h"

#include "PackSignature.h"
#include <core/Base64.h>
#include <core/Logging.h>
#include <core/Sha256.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace dist {

namespace {

// assay's production-trust-roots.json: "Assay Registry bootstrap root (2026-03)".
constexpr const char kBuiltinRoots[]
    = R"json([{"key_id":"sha256:3a64307d5655ba86fa3c95118ed8fe9665ef6bd37c752ca93f3bbe8f16e83a7f","algorithm":"Ed25519","public_key":"MCowBQYDK2VwAyEAykCN7Cf9EQAB4UPonG5AtKfTVny0H4xaKpPI6wIGBwE=","description":"Assay Registry bootstrap root (2026-03)","added_at":"2026-03-21T00:00:00Z","expires_at":null,"revoked":false}])json";

std::optional<QDateTime> parseTime(const QJsonValue& v)
{
    if (!v.isString()) {
        return std::nullopt;
    }
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!t.isValid()) {
        return std::nullopt;
    }
    return t.toUTC();
}

QString str(const QJsonObject& o, const char* a, const char* b = nullptr)
{
    QJsonValue v = o.value(QLatin1String(a));
    if (v.isUndefined() && b) {
        v = o.value(QLatin1String(b));
    }
    return v.toString();
}

// A key object in either shape: assay's TrustedKey or the specification's {id, not_before, not_after}.
Result<PackKey> keyFromJson(const QJsonObject& o)
{
    PackKey k;
    k.keyId = str(o, "key_id", "id");
    k.algorithm = str(o, "algorithm");
    k.description = str(o, "description");
    const QString publicKey = str(o, "public_key");
    auto spki = decodeCanonicalBase64(publicKey.toLatin1());
    if (!spki || publicKey.isEmpty()) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid base64 public key"));
    }
    k.spki = *spki;
    auto raw = PackTrustStore::rawKeyFromSpki(k.spki);
    if (!raw) {
        return raw.error();
    }
    k.rawPublicKey = raw.value();
    const QString computed = PackTrustStore::keyIdForSpki(k.spki);
    if (k.keyId != computed) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("key_id mismatch: claimed %1, computed %2").arg(k.keyId, computed));
    }
    const QJsonValue expires = o.contains(QLatin1String("expires_at")) ? o.value(QLatin1String("expires_at"))
                                                                       : o.value(QLatin1String("not_after"));
    if (!expires.isNull() && !expires.isUndefined()) {
        k.expiresAt = parseTime(expires);
        if (!k.expiresAt) {
            return makeError(ErrorCode::InvalidInput, QStringLiteral("unreadable expiry time"));
        }
    }
    const QJsonValue notBefore = o.value(QLatin1String("not_before"));
    if (!notBefore.isNull() && !notBefore.isUndefined()) {
        k.notBefore = parseTime(notBefore);
        if (!k.notBefore) {
            return makeError(ErrorCode::InvalidInput, QStringLiteral("unreadable not_before time"));
        }
    }
    return k;
}

} // namespace

QString PackTrustStore::keyIdForSpki(const QByteArray& spki)
{
    return Sha256::hash(spki).toString();
}

Result<QByteArray> PackTrustStore::rawKeyFromSpki(const QByteArray& spki)
{
    const auto* p = reinterpret_cast<const unsigned char*>(spki.constData());
    std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())),
                                                       EVP_PKEY_free);
    if (!key || p != reinterpret_cast<const unsigned char*>(spki.constData()) + spki.size()) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid SPKI public key"));
    }
    if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("not an Ed25519 key"));
    }
    QByteArray raw(32, Qt::Uninitialized);
    size_t len = 32;
    if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 || len != 32) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("unreadable Ed25519 key"));
    }
    return raw;
}

QByteArray PackTrustStore::builtinRootsJson()
{
    return QByteArray(kBuiltinRoots);
}

PackTrustStore PackTrustStore::withBuiltinRoots()
{
    PackTrustStore store;
    auto added = store.addRoots(builtinRootsJson(), QStringLiteral("built-in"));
    Q_ASSERT(added.ok()); // compiled-in data, covered by tst_packtrust
    (void)added;
    return store;
}

Result<int> PackTrustStore::addRoots(const QByteArray& json, const QString& origin)
{
    const auto fail = [&origin](const QString& why) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid trust roots in %1: %2").arg(origin, why));
    };
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isArray()) {
        return fail(QStringLiteral("expected a JSON array of keys"));
    }
    const QJsonArray arr = doc.array();
    if (arr.isEmpty()) {
        return fail(QStringLiteral("the list of roots is empty"));
    }
    QList<PackKey> parsed;
    QSet<QString> ids;
    for (const QJsonValue& v : arr) {
        if (!v.isObject()) {
            return fail(QStringLiteral("every root must be a JSON object"));
        }
        const QJsonObject o = v.toObject();
        const QString id = str(o, "key_id", "id");
        if (str(o, "algorithm") != u"Ed25519") {
            return fail(QStringLiteral("root %1: algorithm must be Ed25519").arg(id));
        }
        if (o.value(QLatin1String("revoked")).toBool()) {
            return fail(QStringLiteral("root %1 is marked revoked").arg(id));
        }
        auto key = keyFromJson(o);
        if (!key) {
            return fail(QStringLiteral("root %1: %2").arg(id, key.message()));
        }
        if (ids.contains(key->keyId)) {
            return fail(QStringLiteral("duplicate root %1").arg(key->keyId));
        }
        ids.insert(key->keyId);
        key->pinned = true;
        key->origin = origin;
        parsed.append(key.value());
    }
    for (const PackKey& k : parsed) {
        m_keys.insert(k.keyId, k);
        m_revoked.remove(k.keyId); // the operator's word beats a manifest's
    }
    return static_cast<int>(parsed.size());
}

Result<int> PackTrustStore::addRootsFromFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("cannot read trust roots from %1: %2").arg(path, f.errorString()));
    }
    if (f.size() > (1 << 20)) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("trust roots file %1 is larger than 1 MiB").arg(path));
    }
    return addRoots(f.readAll(), path);
}

Result<KeysMergeReport> PackTrustStore::mergeManifest(const QByteArray& json, const QDateTime& now)
{
    const auto fail = [](const QString& why) {
        return makeError(ErrorCode::Protocol,
                         QStringLiteral("invalid response: failed to parse keys manifest: ") + why);
    };
    QJsonParseError perr{};
    QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return fail(QStringLiteral("not a JSON object"));
    }
    KeysMergeReport report;
    QJsonObject manifest = doc.object();
    const QJsonValue signature = manifest.value(QLatin1String("signature"));
    if (!signature.isUndefined() && !signature.isNull()) {
        // The signed form: the envelope's payload is the manifest; the outer keys are ignored.
        QByteArray envelopeJson;
        if (signature.isObject()) {
            envelopeJson = QJsonDocument(signature.toObject()).toJson(QJsonDocument::Compact);
        } else if (signature.isString()) {
            auto decoded = PackSignature::envelopeFromHeader(signature.toString().toLatin1());
            if (!decoded) {
                return decoded.error();
            }
            envelopeJson = decoded.value();
        } else {
            return fail(QStringLiteral("signature must be a DSSE envelope"));
        }
        auto envelope = PackSignature::parse(envelopeJson);
        if (!envelope) {
            return envelope.error();
        }
        if (envelope->payloadType != QLatin1String(kKeysPayloadType)) {
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("signature verification failed: keys manifest payload type %1 "
                                            "is not %2")
                                 .arg(envelope->payloadType, QLatin1String(kKeysPayloadType)));
        }
        auto signer = PackSignature::verifySignatures(envelope.value(), *this, now, true);
        if (!signer) {
            return makeError(ErrorCode::Integrity, QStringLiteral("keys manifest: ") + signer.message());
        }
        QJsonDocument payload = QJsonDocument::fromJson(envelope->payload, &perr);
        if (perr.error != QJsonParseError::NoError || !payload.isObject()) {
            return fail(QStringLiteral("the signed payload is not a JSON object"));
        }
        manifest = payload.object();
        report.signedManifest = true;
        report.signedBy = signer.value();
    }
    if (!manifest.value(QLatin1String("keys")).isArray()) {
        return fail(QStringLiteral("`keys` must be an array"));
    }
    // An expired manifest may predate a revocation: replaying an old one must not bring keys back.
    if (const auto expiresAt = parseTime(manifest.value(QLatin1String("expires_at"))); expiresAt && *expiresAt <= now) {
        return makeError(
            ErrorCode::Integrity,
            QStringLiteral("the registry's keys manifest expired at %1").arg(expiresAt->toUTC().toString(Qt::ISODate)));
    }
    for (const QJsonValue& v : manifest.value(QLatin1String("keys")).toArray()) {
        const QJsonObject o = v.toObject();
        const QString id = str(o, "key_id", "id");
        const auto skip = [&report, &id](const QString& why) {
            ++report.skipped;
            report.warnings.append(
                QStringLiteral("skipped key %1: %2").arg(id.isEmpty() ? QStringLiteral("?") : id, why));
        };
        if (!v.isObject()) {
            skip(QStringLiteral("not a JSON object"));
            continue;
        }
        if (m_keys.contains(id) && m_keys.value(id).pinned) {
            if (o.value(QLatin1String("revoked")).toBool()) {
                report.warnings.append(QStringLiteral("ignored revocation of pinned root %1").arg(id));
            }
            continue; // roots are never revoked or replaced remotely
        }
        if (o.value(QLatin1String("revoked")).toBool()) {
            m_keys.remove(id);
            m_revoked.insert(id);
            ++report.revoked;
            continue;
        }
        if (m_revoked.contains(id)) {
            skip(QStringLiteral("revoked earlier"));
            continue;
        }
        const QString algorithm = str(o, "algorithm");
        if (!algorithm.isEmpty() && algorithm.compare(u"Ed25519", Qt::CaseInsensitive) != 0) {
            skip(QStringLiteral("unsupported algorithm %1").arg(algorithm));
            continue;
        }
        auto key = keyFromJson(o);
        if (!key) {
            skip(key.message());
            continue;
        }
        if (key->expiresAt && *key->expiresAt < now) {
            skip(QStringLiteral("expired"));
            continue;
        }
        key->pinned = false;
        key->origin = QStringLiteral("keys manifest");
        m_keys.insert(key->keyId, key.value());
        ++report.added;
    }
    m_manifestFetchedAt = now;
    const auto expires = parseTime(manifest.value(QLatin1String("expires_at")));
    m_manifestExpiresAt = expires ? *expires : now.addSecs(kDefaultKeysTtlSecs);
    report.expiresAt = *m_manifestExpiresAt;
    for (const QString& w : report.warnings) {
        qCWarning(lcTrust).noquote() << w;
    }
    return report;
}

Result<QByteArray> PackTrustStore::verifyingKey(const QString& keyId, const QDateTime& now) const
{
    const auto untrusted = [&keyId](const QString& why) {
        return makeError(ErrorCode::Integrity, QStringLiteral("key not trusted: %1 (%2)").arg(keyId, why));
    };
    if (m_revoked.contains(keyId)) {
        return untrusted(QStringLiteral("revoked"));
    }
    const auto it = m_keys.constFind(keyId);
    if (it == m_keys.constEnd()) {
        return untrusted(QStringLiteral("not a pinned root and not in the registry's keys manifest"));
    }
    if (it->expiresAt && *it->expiresAt < now) {
        return untrusted(QStringLiteral("expired %1").arg(it->expiresAt->toString(Qt::ISODate)));
    }
    if (it->notBefore && *it->notBefore > now) {
        return untrusted(QStringLiteral("not valid before %1").arg(it->notBefore->toString(Qt::ISODate)));
    }
    return it->rawPublicKey;
}

bool PackTrustStore::needsRefresh(const QDateTime& now) const
{
    if (m_manifestExpiresAt) {
        return now >= *m_manifestExpiresAt;
    }
    return !m_manifestFetchedAt.has_value();
}

} // namespace dist
