// SPDX-License-Identifier: MIT
#include "CacheEntry.h"

#include <core/JsonWriter.h>
#include <ref/Reference.h>

#include <QDateTime>
#include <QJsonDocument>

namespace dist {

QString artifactTypeName(ArtifactType t)
{
    switch (t) {
    case ArtifactType::Component:
        return QStringLiteral("Component");
    case ArtifactType::Pack:
        return QStringLiteral("Pack");
    case ArtifactType::Bundle:
        return QStringLiteral("Bundle");
    }
    return {};
}

std::optional<ArtifactType> artifactTypeFromName(const QString& name)
{
    if (name == u"Component") {
        return ArtifactType::Component;
    }
    if (name == u"Pack") {
        return ArtifactType::Pack;
    }
    if (name == u"Bundle") {
        return ArtifactType::Bundle;
    }
    return std::nullopt;
}

QString entryStateName(EntryState s)
{
    switch (s) {
    case EntryState::Partial:
        return QStringLiteral("Partial");
    case EntryState::Ready:
        return QStringLiteral("Ready");
    case EntryState::Corrupt:
        return QStringLiteral("Corrupt");
    case EntryState::Evicted:
        return QStringLiteral("Evicted");
    }
    return {};
}

std::optional<EntryState> entryStateFromName(const QString& name)
{
    for (EntryState s : {EntryState::Partial, EntryState::Ready, EntryState::Corrupt, EntryState::Evicted}) {
        if (entryStateName(s) == name) {
            return s;
        }
    }
    return std::nullopt;
}

namespace {

const QStringList kKnownKeys = {
    QStringLiteral("format_version"),
    QStringLiteral("cache_key"),
    QStringLiteral("digest"),
    QStringLiteral("media_type"),
    QStringLiteral("size_bytes"),
    QStringLiteral("artifact_type"),
    QStringLiteral("source_kind"),
    QStringLiteral("raw_ref"),
    QStringLiteral("canonical_ref"),
    QStringLiteral("fetched_at"),
    QStringLiteral("last_accessed_at"),
    QStringLiteral("last_verified_at"),
    QStringLiteral("state"),
    QStringLiteral("advisory_epoch"),
    QStringLiteral("signature_summary"),
    QStringLiteral("annotations"),
    QStringLiteral("local_path"),
    QStringLiteral("source_snapshot"),
    QStringLiteral("manifest_digest"),
    QStringLiteral("platform_manifest_digest"),
    QStringLiteral("manifest_media_type"),
    QStringLiteral("artifact_media_type"),
    QStringLiteral("fetched_from"),
    QStringLiteral("subject_digest"),
};

class Reader
{
public:
    Reader(const QJsonObject& o, const QString& origin)
        : m_o(o)
        , m_origin(origin)
    {
    }

    std::optional<Error> error;

    QJsonValue required(const QString& key)
    {
        if (!m_o.contains(key)) {
            fail(QStringLiteral("missing field `%1`").arg(key));
            return {};
        }
        return m_o.value(key);
    }
    QString string(const QString& key)
    {
        const QJsonValue v = required(key);
        if (!error && !v.isString()) {
            fail(QStringLiteral("field `%1` must be a string").arg(key));
        }
        return v.toString();
    }
    qint64 integer(const QString& key)
    {
        const QJsonValue v = required(key);
        return toInteger(key, v);
    }
    std::optional<qint64> optionalInteger(const QString& key)
    {
        const QJsonValue v = required(key);
        if (error || v.isNull()) {
            return std::nullopt;
        }
        return toInteger(key, v);
    }
    QString optionalString(const QString& key)
    {
        const QJsonValue v = m_o.value(key);
        if (v.isUndefined() || v.isNull()) {
            return {};
        }
        if (!v.isString()) {
            fail(QStringLiteral("field `%1` must be a string or null").arg(key));
            return {};
        }
        return v.toString();
    }
    void fail(const QString& why)
    {
        if (!error) {
            error = makeError(ErrorCode::Cache, QStringLiteral("cache error at `%1`: %2").arg(m_origin, why));
        }
    }

private:
    qint64 toInteger(const QString& key, const QJsonValue& v)
    {
        if (error) {
            return 0;
        }
        const double d = v.toDouble(-1.0);
        if (!v.isDouble() || d < 0 || d != static_cast<double>(static_cast<qint64>(d))) {
            fail(QStringLiteral("field `%1` must be a non-negative integer").arg(key));
            return 0;
        }
        return static_cast<qint64>(d);
    }

    const QJsonObject& m_o;
    QString m_origin;
};

} // namespace

QByteArray CacheEntry::toJson() const
{
    JsonWriter w;
    w.beginObject();
    w.field(QStringLiteral("format_version"), kFormatVersion);
    w.field(QStringLiteral("cache_key"), digest.toString());
    w.field(QStringLiteral("digest"), digest.toString());
    w.field(QStringLiteral("media_type"), mediaType);
    w.field(QStringLiteral("size_bytes"), sizeBytes);
    w.field(QStringLiteral("artifact_type"), artifactTypeName(artifactType));
    w.field(QStringLiteral("source_kind"), sourceKind);
    w.field(QStringLiteral("raw_ref"), rawRef);
    w.field(QStringLiteral("canonical_ref"), canonicalRef);
    w.field(QStringLiteral("fetched_at"), fetchedAt);
    w.field(QStringLiteral("last_accessed_at"), lastAccessedAt);
    w.key(QStringLiteral("last_verified_at"));
    lastVerifiedAt ? w.value(*lastVerifiedAt) : w.null();
    w.field(QStringLiteral("state"), entryStateName(state));
    w.key(QStringLiteral("advisory_epoch"));
    advisoryEpoch ? w.value(*advisoryEpoch) : w.null();
    w.key(QStringLiteral("signature_summary"));
    if (signatureSummary) {
        w.beginObject()
            .field(QStringLiteral("outcome"), signatureSummary->outcome)
            .field(QStringLiteral("detail"), signatureSummary->detail)
            .endObject();
    } else {
        w.null();
    }
    w.key(QStringLiteral("annotations")).beginObject();
    for (auto it = annotations.begin(); it != annotations.end(); ++it) {
        w.field(it.key(), it.value());
    }
    w.endObject();
    w.field(QStringLiteral("local_path"), localPath);
    w.key(QStringLiteral("source_snapshot"))
        .beginObject()
        .field(QStringLiteral("raw_ref"), sourceSnapshot.rawRef)
        .field(QStringLiteral("canonical_ref"), sourceSnapshot.canonicalRef)
        .field(QStringLiteral("source_kind"), sourceSnapshot.sourceKind)
        .field(QStringLiteral("authoritative"), sourceSnapshot.authoritative)
        .endObject();
    w.key(QStringLiteral("manifest_digest")).optional(manifestDigest.isEmpty() ? QString() : manifestDigest);
    w.key(QStringLiteral("platform_manifest_digest"))
        .optional(platformManifestDigest.isEmpty() ? QString() : platformManifestDigest);
    w.key(QStringLiteral("manifest_media_type")).optional(manifestMediaType.isEmpty() ? QString() : manifestMediaType);
    w.key(QStringLiteral("artifact_media_type")).optional(artifactMediaType.isEmpty() ? QString() : artifactMediaType);
    w.key(QStringLiteral("fetched_from")).optional(fetchedFrom.isEmpty() ? QString() : fetchedFrom);
    if (!subjectDigest.isEmpty()) { // only on referrers, so other entries read as they always have
        w.field(QStringLiteral("subject_digest"), subjectDigest);
    }
    for (auto it = unknownFields.begin(); it != unknownFields.end(); ++it) {
        w.key(it.key()).value(it.value());
    }
    w.endObject();
    return w.toByteArray();
}

Result<CacheEntry> CacheEntry::fromJson(const QByteArray& json, const QString& origin)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return makeError(
            ErrorCode::Cache,
            QStringLiteral("cache error at `%1`: entry.json is not a JSON object (%2)")
                .arg(origin,
                     perr.error != QJsonParseError::NoError ? perr.errorString() : QStringLiteral("wrong type")));
    }
    const QJsonObject o = doc.object();
    Reader r(o, origin);
    CacheEntry e;

    const qint64 version = r.integer(QStringLiteral("format_version"));
    if (!r.error && version != kFormatVersion) {
        r.fail(QStringLiteral("unsupported format_version %1").arg(version));
    }
    const QString cacheKey = r.string(QStringLiteral("cache_key"));
    const QString digest = r.string(QStringLiteral("digest"));
    if (!r.error) {
        auto d = Digest::parse(digest);
        if (!d) {
            r.fail(QStringLiteral("field `digest` is not a sha256 digest"));
        } else if (cacheKey != digest) {
            r.fail(QStringLiteral("cache_key and digest differ"));
        } else {
            e.digest = d.value();
        }
    }
    e.mediaType = r.string(QStringLiteral("media_type"));
    e.sizeBytes = r.integer(QStringLiteral("size_bytes"));
    const QString type = r.string(QStringLiteral("artifact_type"));
    if (!r.error) {
        if (auto t = artifactTypeFromName(type)) {
            e.artifactType = *t;
        } else {
            r.fail(QStringLiteral("unknown artifact_type `%1`").arg(type));
        }
    }
    e.sourceKind = r.string(QStringLiteral("source_kind"));
    if (!r.error && !isReferenceKindName(e.sourceKind)) {
        r.fail(QStringLiteral("unknown source_kind `%1`").arg(e.sourceKind));
    }
    e.rawRef = r.string(QStringLiteral("raw_ref"));
    e.canonicalRef = r.string(QStringLiteral("canonical_ref"));
    e.fetchedAt = r.integer(QStringLiteral("fetched_at"));
    e.lastAccessedAt = r.integer(QStringLiteral("last_accessed_at"));
    e.lastVerifiedAt = r.optionalInteger(QStringLiteral("last_verified_at"));
    const QString state = r.string(QStringLiteral("state"));
    if (!r.error) {
        if (auto s = entryStateFromName(state)) {
            e.state = *s;
        } else {
            r.fail(QStringLiteral("unknown state `%1`").arg(state));
        }
    }
    if (auto epoch = r.optionalInteger(QStringLiteral("advisory_epoch"))) {
        e.advisoryEpoch = static_cast<quint64>(*epoch);
    }
    const QJsonValue sig = r.required(QStringLiteral("signature_summary"));
    if (!r.error && !sig.isNull()) {
        const QJsonObject so = sig.toObject();
        if (!sig.isObject() || !so.value(QStringLiteral("outcome")).isString()
            || !so.value(QStringLiteral("detail")).isString()) {
            r.fail(QStringLiteral("field `signature_summary` must be null or {outcome, detail}"));
        } else {
            e.signatureSummary = SignatureSummary{so.value(QStringLiteral("outcome")).toString(),
                                                  so.value(QStringLiteral("detail")).toString()};
        }
    }
    const QJsonValue ann = o.value(QStringLiteral("annotations"));
    if (!r.error && !ann.isUndefined() && !ann.isNull()) {
        if (!ann.isObject()) {
            r.fail(QStringLiteral("field `annotations` must be an object"));
        } else {
            const QJsonObject ao = ann.toObject();
            for (auto it = ao.begin(); it != ao.end(); ++it) {
                if (!it.value().isString()) {
                    r.fail(QStringLiteral("annotation `%1` must be a string").arg(it.key()));
                    break;
                }
                e.annotations.insert(it.key(), it.value().toString());
            }
        }
    }
    e.localPath = r.string(QStringLiteral("local_path"));
    const QJsonValue snap = r.required(QStringLiteral("source_snapshot"));
    if (!r.error) {
        const QJsonObject so = snap.toObject();
        if (!snap.isObject() || !so.value(QStringLiteral("raw_ref")).isString()
            || !so.value(QStringLiteral("canonical_ref")).isString()
            || !so.value(QStringLiteral("source_kind")).isString()
            || !so.value(QStringLiteral("authoritative")).isBool()) {
            r.fail(QStringLiteral("field `source_snapshot` must be {raw_ref, canonical_ref, source_kind, "
                                  "authoritative}"));
        } else {
            e.sourceSnapshot.rawRef = so.value(QStringLiteral("raw_ref")).toString();
            e.sourceSnapshot.canonicalRef = so.value(QStringLiteral("canonical_ref")).toString();
            e.sourceSnapshot.sourceKind = so.value(QStringLiteral("source_kind")).toString();
            e.sourceSnapshot.authoritative = so.value(QStringLiteral("authoritative")).toBool();
        }
    }
    e.manifestDigest = r.optionalString(QStringLiteral("manifest_digest"));
    e.platformManifestDigest = r.optionalString(QStringLiteral("platform_manifest_digest"));
    e.manifestMediaType = r.optionalString(QStringLiteral("manifest_media_type"));
    e.artifactMediaType = r.optionalString(QStringLiteral("artifact_media_type"));
    e.fetchedFrom = r.optionalString(QStringLiteral("fetched_from"));
    e.subjectDigest = r.optionalString(QStringLiteral("subject_digest"));
    if (r.error) {
        return *r.error;
    }
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!kKnownKeys.contains(it.key())) {
            e.unknownFields.insert(it.key(), it.value());
        }
    }
    return e;
}

CacheEntry CacheEntry::fresh(const Digest& digest, qint64 size, const QString& raw, const QString& kind,
                             const QString& canonical)
{
    CacheEntry e;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    e.digest = digest;
    e.sizeBytes = size;
    e.sourceKind = kind;
    e.rawRef = raw;
    e.canonicalRef = canonical;
    e.fetchedAt = now;
    e.lastAccessedAt = now;
    e.state = EntryState::Ready;
    e.sourceSnapshot = SourceSnapshot{raw, canonical, kind, raw == canonical};
    return e;
}

} // namespace dist
