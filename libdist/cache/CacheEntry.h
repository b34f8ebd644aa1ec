// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QJsonObject>
#include <QMap>
#include <QString>

#include <optional>

namespace dist {

enum class ArtifactType
{
    Component,
    Pack,
    Bundle,
};
QString artifactTypeName(ArtifactType t);
std::optional<ArtifactType> artifactTypeFromName(const QString& name);

enum class EntryState
{
    Partial,
    Ready,
    Corrupt,
    Evicted,
};
QString entryStateName(EntryState s);
std::optional<EntryState> entryStateFromName(const QString& name);

struct SignatureSummary
{
    QString outcome; // passed | failed | warning | skipped
    QString detail;
};

struct SourceSnapshot
{
    QString rawRef;
    QString canonicalRef;
    QString sourceKind;
    bool authoritative = false;
};

// entry.json, format_version 1: every field of the Rust CacheEntry in its order, then our
// additive fields. Unknown keys are kept and written back so newer writers lose nothing.
struct CacheEntry
{
    static constexpr int kFormatVersion = 1;

    Digest digest; // == cache_key, the sha256 of the stored bytes
    QString mediaType;
    qint64 sizeBytes = 0;
    ArtifactType artifactType = ArtifactType::Component;
    QString sourceKind = QStringLiteral("File"); // Oci|Https|File|Fixture|Repo|Store|CacheDigest|… (checked on read)
    QString rawRef;
    QString canonicalRef;
    qint64 fetchedAt = 0; // unix seconds
    qint64 lastAccessedAt = 0; // unix seconds, updated on every open (real LRU)
    std::optional<qint64> lastVerifiedAt;
    EntryState state = EntryState::Ready;
    std::optional<quint64> advisoryEpoch;
    std::optional<SignatureSummary> signatureSummary;
    QMap<QString, QString> annotations;
    QString localPath;
    SourceSnapshot sourceSnapshot;

    // Additive fields.
    QString manifestDigest; // OCI: the digest the reference resolves to (the pin)
    QString platformManifestDigest; // OCI: the image manifest chosen from an index, if any
    QString manifestMediaType;
    QString artifactMediaType; // OCI artifactType
    QString fetchedFrom; // where the bytes came from (registry URL, https URL, file path)
    QString subjectDigest; // OCI 1.1 referrers: the manifest this artifact is about
    QJsonObject unknownFields;

    QByteArray toJson() const;
    static Result<CacheEntry> fromJson(const QByteArray& json, const QString& origin);
    // A new entry: ready, fetched and accessed now, with its source snapshot (authoritative when the
    // caller wrote the canonical reference itself).
    static CacheEntry fresh(const Digest& digest, qint64 size, const QString& raw, const QString& kind,
                            const QString& canonical);
};

} // namespace dist

// Its members (Qt containers, optionals of values) can be moved in memory as bytes: lists of
// entries insert and remove with a memmove.
Q_DECLARE_TYPEINFO(dist::CacheEntry, Q_RELOCATABLE_TYPE);
