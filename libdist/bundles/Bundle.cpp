// SPDX-License-Identifier: MIT
#include "Bundle.h"

#include <core/JsonWriter.h>
#include <ref/Reference.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace dist {

QString bundleStateName(BundleState s)
{
    switch (s) {
    case BundleState::Inactive:
        return QStringLiteral("Inactive");
    case BundleState::Staged:
        return QStringLiteral("Staged");
    case BundleState::Warming:
        return QStringLiteral("Warming");
    case BundleState::Ready:
        return QStringLiteral("Ready");
    case BundleState::Draining:
        return QStringLiteral("Draining");
    case BundleState::Failed:
        return QStringLiteral("Failed");
    case BundleState::Archived:
        return QStringLiteral("Archived");
    }
    return {};
}

const QList<BundleState>& allBundleStates()
{
    static const QList<BundleState> all
        = {BundleState::Inactive, BundleState::Staged, BundleState::Warming, BundleState::Ready,
           BundleState::Draining, BundleState::Failed, BundleState::Archived};
    return all;
}

std::optional<BundleState> bundleStateFromName(const QString& name)
{
    for (BundleState s : allBundleStates()) {
        const QString n = bundleStateName(s);
        if (name == n || name == n.toLower()) {
            return s;
        }
    }
    return std::nullopt;
}

QList<BundleState> legalTargets(BundleState from)
{
    switch (from) {
    case BundleState::Inactive:
        return {BundleState::Staged, BundleState::Failed, BundleState::Archived};
    case BundleState::Staged:
        return {BundleState::Warming, BundleState::Failed, BundleState::Archived};
    case BundleState::Warming:
        return {BundleState::Ready, BundleState::Failed, BundleState::Archived};
    case BundleState::Ready:
        return {BundleState::Draining, BundleState::Failed, BundleState::Archived};
    case BundleState::Draining:
        return {BundleState::Inactive};
    case BundleState::Failed:
        return {BundleState::Staged, BundleState::Archived};
    case BundleState::Archived:
        return {};
    }
    return {};
}

bool isProtectedFromEviction(BundleState s)
{
    return s == BundleState::Staged || s == BundleState::Warming || s == BundleState::Ready
        || s == BundleState::Draining;
}

bool isLegalTransition(BundleState from, BundleState to)
{
    return legalTargets(from).contains(to);
}

QByteArray BundleRecord::toJson() const
{
    JsonWriter w;
    w.beginObject()
        .field(QStringLiteral("bundle_id"), bundleId)
        .field(QStringLiteral("cache_key"), cacheKey.toString())
        .field(QStringLiteral("canonical_ref"), canonicalRef)
        .field(QStringLiteral("source_kind"), sourceKind)
        .field(QStringLiteral("fetched_at"), fetchedAt)
        .field(QStringLiteral("lifecycle_state"), bundleStateName(state))
        .endObject();
    return w.toByteArray();
}

Result<BundleRecord> BundleRecord::fromJson(const QByteArray& json, const QString& origin)
{
    auto bad = [&](const QString& why) {
        return makeError(ErrorCode::Cache,
                         QStringLiteral("cache error at `%1`: malformed bundle record: %2").arg(origin, why));
    };
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return bad(perr.error != QJsonParseError::NoError ? perr.errorString() : QStringLiteral("not an object"));
    }
    const QJsonObject o = doc.object();
    for (const char* key : {"bundle_id", "cache_key", "canonical_ref", "source_kind", "lifecycle_state"}) {
        if (!o.value(QLatin1String(key)).isString()) {
            return bad(QStringLiteral("`%1` must be a string").arg(QLatin1String(key)));
        }
    }
    const QJsonValue fetched = o.value(QStringLiteral("fetched_at"));
    if (!fetched.isDouble() || fetched.toDouble() < 0
        || fetched.toDouble() != static_cast<double>(fetched.toInteger())) {
        return bad(QStringLiteral("`fetched_at` must be a non-negative integer"));
    }
    BundleRecord r;
    r.bundleId = o.value(QStringLiteral("bundle_id")).toString();
    auto id = BundleId::parse(r.bundleId);
    if (!id) {
        return bad(id.message());
    }
    auto key = Digest::parse(o.value(QStringLiteral("cache_key")).toString());
    if (!key) {
        return bad(QStringLiteral("`cache_key` is not a sha256 digest"));
    }
    if (key.value() != id.value()) {
        return bad(QStringLiteral("`cache_key` does not match `bundle_id`"));
    }
    r.cacheKey = key.value();
    r.canonicalRef = o.value(QStringLiteral("canonical_ref")).toString();
    r.sourceKind = o.value(QStringLiteral("source_kind")).toString();
    if (!isReferenceKindName(r.sourceKind)) {
        return bad(QStringLiteral("unknown source_kind `%1`").arg(r.sourceKind));
    }
    r.fetchedAt = fetched.toInteger();
    const QString state = o.value(QStringLiteral("lifecycle_state")).toString();
    auto s = bundleStateFromName(state);
    if (!s || bundleStateName(*s) != state) {
        return bad(QStringLiteral("unknown lifecycle_state `%1`").arg(state));
    }
    r.state = *s;
    return r;
}

namespace BundleId {

QString forDigest(const Digest& d)
{
    return QStringLiteral("bundle:") + d.toString();
}

Result<Digest> parse(const QString& id)
{
    if (!id.startsWith(QLatin1String("bundle:"))) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid bundle id `%1`: expected bundle:sha256:<64 hex>").arg(id));
    }
    auto d = Digest::parse(id.mid(7));
    if (!d) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid bundle id `%1`: expected bundle:sha256:<64 hex>").arg(id));
    }
    return d;
}

QString fileName(const QString& id)
{
    return QString(id).replace(u':', QStringLiteral("__")) + QStringLiteral(".json");
}

} // namespace BundleId

} // namespace dist
