// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace dist {

// An Ed25519 key that may sign assay packs. Key ids are "sha256:" + hex(sha256(SPKI DER)).
struct PackKey
{
    QString keyId;
    QString algorithm = QStringLiteral("Ed25519");
    QByteArray spki; // DER SubjectPublicKeyInfo
    QByteArray rawPublicKey; // 32 bytes
    QString description;
    std::optional<QDateTime> notBefore;
    std::optional<QDateTime> expiresAt;
    bool pinned = false; // a root: never revoked or replaced by a keys manifest
    QString origin; // "built-in", a trust-root file, or "keys manifest"
};

struct KeysMergeReport
{
    int added = 0;
    int revoked = 0;
    int skipped = 0;
    bool signedManifest = false;
    QString signedBy; // root key id, when signed
    QDateTime expiresAt;
    QStringList warnings; // one line per skipped key
};

// Pinned roots (compiled in plus operator files) and the keys a registry's /keys manifest adds.
// Revocation and expiry apply to manifest keys; a pinned root can only be removed by the operator.
class PackTrustStore
{
public:
    static constexpr const char* kPackPayloadType = "application/vnd.assay.pack+yaml;v=1";
    static constexpr const char* kKeysPayloadType = "application/vnd.assay.registry.keys.v1+json";
    static constexpr qint64 kDefaultKeysTtlSecs = 86400;

    // The assay production root, compiled in.
    static PackTrustStore withBuiltinRoots();
    static QByteArray builtinRootsJson();

    // A JSON array of TrustedKey objects ({key_id, algorithm, public_key, description?, added_at?,
    // expires_at?, revoked?}); every entry must be a valid, unrevoked Ed25519 key whose id matches.
    Result<int> addRoots(const QByteArray& json, const QString& origin);
    Result<int> addRootsFromFile(const QString& path);

    // A /keys manifest, in assay's shape ({version, keys: [TrustedKey], expires_at?}) or the
    // specification's ({keys: [{id, algorithm, public_key, not_before, not_after}], signature}).
    // A signed manifest must verify against a pinned root (its payload is then what counts).
    Result<KeysMergeReport> mergeManifest(const QByteArray& json, const QDateTime& now);

    // The raw key for a signature's keyid: unknown, revoked, expired or not-yet-valid keys are refused
    // with "key not trusted: <id>".
    Result<QByteArray> verifyingKey(const QString& keyId, const QDateTime& now) const;

    QList<PackKey> keys() const { return m_keys.values(); }
    bool isRevoked(const QString& keyId) const { return m_revoked.contains(keyId); }
    QStringList revokedKeyIds() const { return m_revoked.values(); }
    bool needsRefresh(const QDateTime& now) const;
    std::optional<QDateTime> manifestExpiresAt() const { return m_manifestExpiresAt; }

    static QString keyIdForSpki(const QByteArray& spki);
    // The raw Ed25519 key inside a DER SPKI; errors for anything else.
    static Result<QByteArray> rawKeyFromSpki(const QByteArray& spki);

private:
    QMap<QString, PackKey> m_keys;
    QSet<QString> m_revoked;
    std::optional<QDateTime> m_manifestFetchedAt;
    std::optional<QDateTime> m_manifestExpiresAt;
};

} // namespace dist
