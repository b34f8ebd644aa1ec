// SPDX-License-Identifier: MIT
#pragma once

#include "CosignSignature.h"
#include "Dsse.h"
#include <cache/CacheEntry.h>
#include <core/Result.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace dist {

class Cache;
class JsonWriter;

enum class Environment
{
    Dev,
    Staging,
    Prod,
};

// What an operator requires of artifacts before they are staged, warmed or rolled back to.
struct VerificationPolicy
{
    bool requireSignature = false;
    QStringList trustedIssuers;
    QList<TrustedKey> trustedKeys;
    QStringList denyIssuers;
    QStringList denyDigests;
    QStringList allowedMediaTypes;
    bool requireSbom = false;
    QString minimumOperatorVersion;
    Environment environment = Environment::Dev;
    // Ours: `cosign_public_keys`, PEM strings; a staged OCI artifact needs a cosign signature by one
    // of them (as --verify-signature).
    QList<CosignPublicKey> cosignKeys;

    // The Rust VerificationPolicy JSON (snake_case keys, environment "Dev" | "Staging" | "Prod").
    static Result<VerificationPolicy> fromJson(const QByteArray& json);
    static Result<VerificationPolicy> load(const QString& path);
    // sha256 of the canonical JSON with trusted keys sorted by key id.
    QString fingerprint() const;
};

// Denials and minimums published after the fact: a newer advisory can deny an artifact that is
// already cached, without a re-download.
struct AdvisorySet
{
    QString version;
    QString issuedAt;
    QString source;
    QStringList denyDigests;
    QStringList denyIssuers;
    QString minimumOperatorVersion;

    static Result<AdvisorySet> fromJson(const QByteArray& json, const QString& source);
    static Result<AdvisorySet> load(const QString& path);
};

enum class CheckOutcome
{
    Passed,
    Failed,
    Warning,
    Skipped,
};
QString checkOutcomeName(CheckOutcome o); // Passed | Failed | Warning | Skipped

struct VerificationCheck
{
    QString name;
    CheckOutcome outcome = CheckOutcome::Skipped;
    QString detail;
};

struct VerificationReport
{
    Digest artifactDigest;
    QString canonicalRef;
    QList<VerificationCheck> checks;
    bool passed = true;
    QStringList warnings;
    QStringList errors;
    QString policyFingerprint;
    QString advisoryVersion;

    void write(JsonWriter& w) const;
    // The error a failed report stands for: the first failed check decides the message; digest,
    // signature and deny-list failures are integrity or trust failures.
    Error toError() const;
};

class Verifier
{
public:
    // Runs the checks in the Rust client's order against the cached blob (re-hashed here) and
    // records last_verified_at, advisory_epoch and signature_summary in the entry.
    static VerificationReport verify(Cache& cache, const CacheEntry& entry, const VerificationPolicy& policy,
                                     const AdvisorySet* advisory);
};

} // namespace dist
