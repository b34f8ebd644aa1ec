// SPDX-License-Identifier: MIT
#include "Verification.h"

#include <cache/Cache.h>
#include <core/JsonWriter.h>
#include <core/Logging.h>
#include <core/SemVer.h>
#include <core/Sha256.h>

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace dist {

namespace {

Error badPolicy(const QString& what, const QString& why)
{
    return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid input: %1: %2").arg(what, why));
}

Result<QStringList> stringList(const QJsonObject& o, const char* key, const QString& what)
{
    const QJsonValue v = o.value(QLatin1String(key));
    QStringList out;
    if (v.isUndefined() || v.isNull()) {
        return out;
    }
    if (!v.isArray()) {
        return badPolicy(what, QStringLiteral("`%1` must be an array of strings").arg(QLatin1String(key)));
    }
    for (const QJsonValue& item : v.toArray()) {
        if (!item.isString()) {
            return badPolicy(what, QStringLiteral("`%1` must be an array of strings").arg(QLatin1String(key)));
        }
        out.append(item.toString());
    }
    return out;
}

Result<QByteArray> readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(f.exists() ? ErrorCode::Io : ErrorCode::NotFound,
                         QStringLiteral("cannot read `%1`: %2").arg(path, f.errorString()));
    }
    return f.read(8 << 20);
}

QString environmentName(Environment e)
{
    switch (e) {
    case Environment::Dev:
        return QStringLiteral("Dev");
    case Environment::Staging:
        return QStringLiteral("Staging");
    case Environment::Prod:
        return QStringLiteral("Prod");
    }
    return {};
}

} // namespace

Result<VerificationPolicy> VerificationPolicy::fromJson(const QByteArray& json)
{
    const QString what = QStringLiteral("verification policy");
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return badPolicy(what, QStringLiteral("not a JSON object"));
    }
    const QJsonObject o = doc.object();
    VerificationPolicy p;
    for (auto [key, target] :
         {std::pair{"require_signature", &p.requireSignature}, std::pair{"require_sbom", &p.requireSbom}}) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isBool()) {
            return badPolicy(what, QStringLiteral("`%1` must be true or false").arg(QLatin1String(key)));
        }
        *target = v.toBool(false);
    }
    for (auto [key, target] :
         {std::pair{"trusted_issuers", &p.trustedIssuers}, std::pair{"deny_issuers", &p.denyIssuers},
          std::pair{"deny_digests", &p.denyDigests}, std::pair{"allowed_media_types", &p.allowedMediaTypes}}) {
        auto list = stringList(o, key, what);
        if (!list) {
            return list.error();
        }
        *target = list.value();
    }
    const QJsonValue keys = o.value(QStringLiteral("trusted_keys"));
    if (!keys.isUndefined() && !keys.isNull()) {
        if (!keys.isArray()) {
            return badPolicy(what, QStringLiteral("`trusted_keys` must be an array"));
        }
        for (const QJsonValue& k : keys.toArray()) {
            const QJsonObject ko = k.toObject();
            if (!ko.value(QStringLiteral("key_id")).isString()
                || !ko.value(QStringLiteral("public_key_pem")).isString()) {
                return badPolicy(what, QStringLiteral("every trusted key needs `key_id` and `public_key_pem`"));
            }
            p.trustedKeys.append(TrustedKey{ko.value(QStringLiteral("key_id")).toString(),
                                            ko.value(QStringLiteral("public_key_pem")).toString()});
        }
    }
    const QJsonValue cosign = o.value(QStringLiteral("cosign_public_keys"));
    if (!cosign.isUndefined() && !cosign.isNull()) {
        if (!cosign.isArray()) {
            return badPolicy(what, QStringLiteral("`cosign_public_keys` must be an array of PEM strings"));
        }
        const QJsonArray list = cosign.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            auto key = CosignPublicKey::fromPem(list.at(i).toString().toUtf8(),
                                                QStringLiteral("cosign_public_keys[%1]").arg(i));
            if (!key) {
                return badPolicy(what, key.message());
            }
            p.cosignKeys.append(key.value());
        }
    }
    const QJsonValue minimum = o.value(QStringLiteral("minimum_operator_version"));
    if (!minimum.isUndefined() && !minimum.isNull() && !minimum.isString()) {
        return badPolicy(what, QStringLiteral("`minimum_operator_version` must be a string"));
    }
    p.minimumOperatorVersion = minimum.toString();
    const QString env = o.value(QStringLiteral("environment")).toString(QStringLiteral("Dev"));
    if (env == u"Dev" || env == u"dev") {
        p.environment = Environment::Dev;
    } else if (env == u"Staging" || env == u"staging") {
        p.environment = Environment::Staging;
    } else if (env == u"Prod" || env == u"prod") {
        p.environment = Environment::Prod;
    } else {
        return badPolicy(what, QStringLiteral("`environment` must be Dev, Staging or Prod"));
    }
    return p;
}

Result<VerificationPolicy> VerificationPolicy::load(const QString& path)
{
    auto bytes = readFile(path);
    return bytes ? fromJson(bytes.value()) : Result<VerificationPolicy>(bytes.error());
}

QString VerificationPolicy::fingerprint() const
{
    QList<TrustedKey> keys = trustedKeys;
    std::sort(keys.begin(), keys.end(), [](const TrustedKey& a, const TrustedKey& b) { return a.keyId < b.keyId; });
    JsonWriter w(JsonWriter::Style::Compact);
    auto list = [&](const char* key, const QStringList& values) {
        w.key(QLatin1String(key)).beginArray();
        for (const QString& v : values) {
            w.value(v);
        }
        w.endArray();
    };
    w.beginObject().field(QStringLiteral("require_signature"), requireSignature);
    list("trusted_issuers", trustedIssuers);
    w.key(QStringLiteral("trusted_keys")).beginArray();
    for (const TrustedKey& k : std::as_const(keys)) {
        w.beginObject()
            .field(QStringLiteral("key_id"), k.keyId)
            .field(QStringLiteral("public_key_pem"), k.publicKeyPem)
            .endObject();
    }
    w.endArray();
    list("deny_issuers", denyIssuers);
    list("deny_digests", denyDigests);
    list("allowed_media_types", allowedMediaTypes);
    w.field(QStringLiteral("require_sbom"), requireSbom);
    w.key(QStringLiteral("minimum_operator_version"))
        .optional(minimumOperatorVersion.isEmpty() ? QString() : minimumOperatorVersion);
    w.field(QStringLiteral("environment"), environmentName(environment));
    if (!cosignKeys.isEmpty()) { // only then: the fingerprints of the Rust client's policies stay as they are
        QStringList fingerprints;
        for (const CosignPublicKey& k : cosignKeys) {
            fingerprints.append(k.fingerprint());
        }
        fingerprints.sort();
        list("cosign_public_keys", fingerprints);
    }
    w.endObject();
    return Sha256::hash(w.toByteArray()).toString();
}

Result<AdvisorySet> AdvisorySet::fromJson(const QByteArray& json, const QString& source)
{
    const QString what = QStringLiteral("advisory set");
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return badPolicy(what, QStringLiteral("not a JSON object"));
    }
    const QJsonObject o = doc.object();
    if (!o.value(QStringLiteral("version")).isString()) {
        return badPolicy(what, QStringLiteral("`version` must be a string"));
    }
    AdvisorySet a;
    a.version = o.value(QStringLiteral("version")).toString();
    a.issuedAt = o.value(QStringLiteral("issued_at")).toString();
    a.source = source;
    for (auto [key, target] : {std::pair{"deny_digests", &a.denyDigests}, std::pair{"deny_issuers", &a.denyIssuers}}) {
        auto list = stringList(o, key, what);
        if (!list) {
            return list.error();
        }
        *target = list.value();
    }
    a.minimumOperatorVersion = o.value(QStringLiteral("minimum_operator_version")).toString();
    return a;
}

Result<AdvisorySet> AdvisorySet::load(const QString& path)
{
    auto bytes = readFile(path);
    return bytes ? fromJson(bytes.value(), path) : Result<AdvisorySet>(bytes.error());
}

QString checkOutcomeName(CheckOutcome o)
{
    switch (o) {
    case CheckOutcome::Passed:
        return QStringLiteral("Passed");
    case CheckOutcome::Failed:
        return QStringLiteral("Failed");
    case CheckOutcome::Warning:
        return QStringLiteral("Warning");
    case CheckOutcome::Skipped:
        return QStringLiteral("Skipped");
    }
    return {};
}

void VerificationReport::write(JsonWriter& w) const
{
    w.beginObject()
        .field(QStringLiteral("artifact_digest"), artifactDigest.toString())
        .field(QStringLiteral("canonical_ref"), canonicalRef);
    w.key(QStringLiteral("checks")).beginArray();
    for (const VerificationCheck& c : checks) {
        w.beginObject()
            .field(QStringLiteral("name"), c.name)
            .field(QStringLiteral("outcome"), checkOutcomeName(c.outcome))
            .field(QStringLiteral("detail"), c.detail)
            .endObject();
    }
    w.endArray().field(QStringLiteral("passed"), passed);
    for (auto [key, list] : {std::pair{"warnings", &warnings}, std::pair{"errors", &errors}}) {
        w.key(QLatin1String(key)).beginArray();
        for (const QString& s : *list) {
            w.value(s);
        }
        w.endArray();
    }
    w.field(QStringLiteral("policy_fingerprint"), policyFingerprint);
    w.key(QStringLiteral("advisory_version")).optional(advisoryVersion.isEmpty() ? QString() : advisoryVersion);
    w.endObject();
}

Error VerificationReport::toError() const
{
    for (const VerificationCheck& c : checks) {
        if (c.outcome == CheckOutcome::Failed) {
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("verification failed for `%1`: %2: %3")
                                 .arg(artifactDigest.toString(), c.name, c.detail));
        }
    }
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("verification failed for `%1`").arg(artifactDigest.toString()));
}

VerificationReport Verifier::verify(Cache& cache, const CacheEntry& entry, const VerificationPolicy& policy,
                                    const AdvisorySet* advisory)
{
    VerificationReport r;
    r.artifactDigest = entry.digest;
    r.canonicalRef = entry.canonicalRef;
    r.policyFingerprint = policy.fingerprint();
    r.advisoryVersion = advisory ? advisory->version : QString();
    const bool strict = policy.environment != Environment::Dev;
    auto add = [&](const char* name, CheckOutcome outcome, const QString& detail) {
        r.checks.append(VerificationCheck{QString::fromLatin1(name), outcome, detail});
    };

    // 1. deny lists
    QStringList denied = policy.denyDigests;
    if (advisory) {
        denied += advisory->denyDigests;
    }
    const bool digestDenied = denied.contains(entry.digest.toString())
        || (!entry.manifestDigest.isEmpty() && denied.contains(entry.manifestDigest));
    add("digest_allowed", digestDenied ? CheckOutcome::Failed : CheckOutcome::Passed,
        digestDenied ? QStringLiteral("digest %1 is denied").arg(entry.digest.toString())
                     : QStringLiteral("digest is not on a deny list"));

    // 2. media type allowlist
    if (policy.allowedMediaTypes.isEmpty()) {
        add("media_type_allowed", CheckOutcome::Skipped, QStringLiteral("no media type allowlist configured"));
    } else if (policy.allowedMediaTypes.contains(entry.mediaType)) {
        add("media_type_allowed", CheckOutcome::Passed,
            QStringLiteral("media type %1 is allowed").arg(entry.mediaType));
    } else {
        add("media_type_allowed", CheckOutcome::Failed,
            QStringLiteral("media type %1 is not allowed").arg(entry.mediaType));
    }

    // 3. issuer
    const QString issuer = entry.annotations.value(QStringLiteral("issuer"));
    QStringList deniedIssuers = policy.denyIssuers;
    if (advisory) {
        deniedIssuers += advisory->denyIssuers;
    }
    if (issuer.isEmpty()) {
        add("issuer_allowed", CheckOutcome::Warning, QStringLiteral("issuer metadata is missing"));
    } else if (deniedIssuers.contains(issuer)) {
        add("issuer_allowed", CheckOutcome::Failed, QStringLiteral("issuer `%1` is denied").arg(issuer));
    } else if (!policy.trustedIssuers.isEmpty() && !policy.trustedIssuers.contains(issuer)) {
        add("issuer_allowed", CheckOutcome::Warning,
            QStringLiteral("issuer `%1` is not on the trusted list").arg(issuer));
    } else {
        add("issuer_allowed", CheckOutcome::Passed, QStringLiteral("issuer `%1` is allowed").arg(issuer));
    }

    // 4. operator version
    QString required = policy.minimumOperatorVersion;
    if (required.isEmpty() && advisory) {
        required = advisory->minimumOperatorVersion;
    }
    if (required.isEmpty()) {
        required = entry.annotations.value(QStringLiteral("minimum_operator_version"));
    }
    const QString actual = entry.annotations.value(QStringLiteral("operator_version"));
    if (required.isEmpty()) {
        add("operator_version_compatible", CheckOutcome::Skipped, QStringLiteral("no minimum operator version"));
    } else if (actual.isEmpty()) {
        add("operator_version_compatible", CheckOutcome::Warning, QStringLiteral("operator version is unknown"));
    } else {
        const auto a = SemVer::parse(actual);
        const auto q = SemVer::parse(required);
        if (!a || !q) {
            add("operator_version_compatible", CheckOutcome::Warning,
                QStringLiteral("cannot compare operator version `%1` with `%2`").arg(actual, required));
        } else if (SemVer::compare(*a, *q) >= 0) {
            add("operator_version_compatible", CheckOutcome::Passed, QStringLiteral("%1 >= %2").arg(actual, required));
        } else {
            add("operator_version_compatible", strict ? CheckOutcome::Failed : CheckOutcome::Warning,
                QStringLiteral("operator %1 is older than the required %2").arg(actual, required));
        }
    }

    // 5. content digest: the blob is re-hashed, never trusted from metadata
    auto hashed = Sha256::hashFile(cache.blobPath(entry.digest));
    if (!hashed) {
        add("content_digest_match", CheckOutcome::Failed, hashed.message());
    } else if (hashed.value() != entry.digest) {
        add("content_digest_match", CheckOutcome::Failed,
            QStringLiteral("blob hashes to %1, expected %2").arg(hashed->toString(), entry.digest.toString()));
    } else {
        add("content_digest_match", CheckOutcome::Passed,
            QStringLiteral("blob matches %1").arg(entry.digest.toString()));
    }

    // 6./7. signatures
    const bool hasEnvelope = entry.annotations.contains(QStringLiteral("dev.greentic.dsse"));
    if (!hasEnvelope) {
        add("signature_present", policy.requireSignature && strict ? CheckOutcome::Failed : CheckOutcome::Warning,
            QStringLiteral("no signature"));
        add("signature_verified",
            policy.requireSignature ? (strict ? CheckOutcome::Failed : CheckOutcome::Warning) : CheckOutcome::Skipped,
            QStringLiteral("unsigned"));
    } else {
        add("signature_present", CheckOutcome::Passed, QStringLiteral("1 signature envelope"));
        const QString encoded = entry.annotations.value(QStringLiteral("dev.greentic.dsse"));
        const auto decoded
            = QByteArray::fromBase64Encoding(encoded.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        Result<DsseEnvelope> envelope = decoded
            ? DsseEnvelope::parse(*decoded)
            : Result<DsseEnvelope>(makeError(ErrorCode::Integrity,
                                             QStringLiteral("malformed DSSE envelope: "
                                                            "not standard base64")));
        if (!envelope) {
            // Malformed is a failure, never "unsigned".
            add("signature_verified", CheckOutcome::Failed, envelope.message());
        } else if (policy.trustedKeys.isEmpty()) {
            add("signature_verified", policy.requireSignature && strict ? CheckOutcome::Failed : CheckOutcome::Warning,
                QStringLiteral("no trusted keys configured; the signature was not verified"));
        } else {
            auto verified = verifyGreenticDsse(envelope.value(), policy.trustedKeys, entry.digest);
            add("signature_verified", verified ? CheckOutcome::Passed : CheckOutcome::Failed,
                verified ? QStringLiteral("signed by trusted key %1").arg(verified.value()) : verified.message());
        }
    }

    // 8. sbom: nothing records SBOM references yet
    add("sbom_present", policy.requireSbom ? CheckOutcome::Failed : CheckOutcome::Warning,
        QStringLiteral("no SBOM reference"));

    for (const VerificationCheck& c : std::as_const(r.checks)) {
        if (c.outcome == CheckOutcome::Failed) {
            r.passed = false;
            r.errors.append(QStringLiteral("%1: %2").arg(c.name, c.detail));
        } else if (c.outcome == CheckOutcome::Warning) {
            r.warnings.append(QStringLiteral("%1: %2").arg(c.name, c.detail));
        }
    }

    // Only the verification fields go back to disk (the caller's copy may carry injected annotations).
    bool ok = false;
    const quint64 epoch = advisory ? advisory->version.toULongLong(&ok) : 0;
    const std::optional<quint64> advisoryEpoch = ok ? std::optional<quint64>(epoch) : std::nullopt;
    const VerificationCheck& sig = r.checks.at(6);
    const SignatureSummary summary{checkOutcomeName(sig.outcome).toLower(), sig.detail};
    bool corrupt = false;
    for (const VerificationCheck& c : std::as_const(r.checks)) {
        corrupt = corrupt || (c.name == u"content_digest_match" && c.outcome == CheckOutcome::Failed);
    }
    auto w = cache.updateEntry(entry.digest, [&](CacheEntry& updated) {
        updated.lastVerifiedAt = QDateTime::currentSecsSinceEpoch();
        updated.advisoryEpoch = advisoryEpoch;
        updated.signatureSummary = summary;
        if (corrupt) {
            updated.state = EntryState::Corrupt;
        }
        return true;
    });
    if (!w && w.code() != ErrorCode::NotFound && w.code() != ErrorCode::Integrity) {
        qCWarning(lcCache).noquote() << w.message();
    }
    return r;
}

} // namespace dist
