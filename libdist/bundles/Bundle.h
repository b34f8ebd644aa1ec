// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace dist {

// The lifecycle of a staged bundle, as in the Rust client (mirroring greentic-deploy's revisions).
enum class BundleState
{
    Inactive,
    Staged,
    Warming,
    Ready,
    Draining,
    Failed,
    Archived,
};

QString bundleStateName(BundleState s); // PascalCase, as written in records
// Accepts the record spelling and lowercase ("ready").
std::optional<BundleState> bundleStateFromName(const QString& name);
const QList<BundleState>& allBundleStates();
// Exactly the 15 legal edges; self-transitions and everything else are illegal.
bool isLegalTransition(BundleState from, BundleState to);
QList<BundleState> legalTargets(BundleState from);
// A bundle in one of these states is in use or about to be (Staged, Warming, Ready, Draining): its
// content is not evicted by hand without --force. Retention has its own, finer reasons.
bool isProtectedFromEviction(BundleState s);

// bundles/bundle__sha256__<hex>.json
struct BundleRecord
{
    QString bundleId; // bundle:sha256:<hex>
    Digest cacheKey;
    QString canonicalRef;
    QString sourceKind = QStringLiteral("File");
    qint64 fetchedAt = 0;
    BundleState state = BundleState::Staged;

    QByteArray toJson() const;
    static Result<BundleRecord> fromJson(const QByteArray& json, const QString& origin);
};

namespace BundleId {
QString forDigest(const Digest& d); // "bundle:" + digest
// `bundle:sha256:<64 hex>`; anything else is invalid input.
Result<Digest> parse(const QString& id);
QString fileName(const QString& id); // ':' -> "__", plus ".json"
} // namespace BundleId

} // namespace dist
