// SPDX-License-Identifier: MIT
#include "Retention.h"

#include <bundles/BundleStore.h>
#include <cache/Cache.h>
#include <cache/EntryIndex.h>
#include <config/Settings.h>

#include <core/JsonWriter.h>

#include <QDateTime>
#include <QDir>
#include <QLockFile>

#include <QSet>

#include <algorithm>

namespace dist {

QString retentionDecisionName(RetentionDecisionKind k)
{
    switch (k) {
    case RetentionDecisionKind::Keep:
        return QStringLiteral("Keep");
    case RetentionDecisionKind::Evict:
        return QStringLiteral("Evict");
    case RetentionDecisionKind::Protect:
        return QStringLiteral("Protect");
    }
    return {};
}

RetentionOutcome Retention::evaluate(const RetentionInput& input)
{
    const QSet<QString> active(input.activeBundleIds.begin(), input.activeBundleIds.end());
    const QSet<QString> session(input.sessionBundleIds.begin(), input.sessionBundleIds.end());
    const QSet<QString> warming(input.warmingBundleIds.begin(), input.warmingBundleIds.end());
    const QSet<QString> ready(input.readyBundleIds.begin(), input.readyBundleIds.end());
    const QSet<QString> draining(input.drainingBundleIds.begin(), input.drainingBundleIds.end());
    const QSet<QString> staged(input.stagedBundleIds.begin(), input.stagedBundleIds.end());

    // The rollback set: the newest `depth` bundles (staged ones if any are given), never an active one.
    QSet<QString> rollback;
    if (input.minimumRollbackDepth > 0) {
        QStringList base = input.stagedBundleIds;
        if (base.isEmpty()) {
            QList<const CacheEntry*> byAge;
            byAge.reserve(input.entries.size());
            for (const CacheEntry& e : input.entries) {
                byAge.append(&e);
            }
            std::sort(byAge.begin(), byAge.end(), [](const CacheEntry* a, const CacheEntry* b) {
                return a->fetchedAt != b->fetchedAt ? a->fetchedAt < b->fetchedAt : a->digest < b->digest;
            });
            for (const CacheEntry* e : std::as_const(byAge)) {
                base.append(QStringLiteral("bundle:") + e->digest.toString());
            }
        }
        for (qsizetype i = base.size() - 1; i >= 0 && rollback.size() < input.minimumRollbackDepth; --i) {
            if (!active.contains(base.at(i))) {
                rollback.insert(base.at(i));
            }
        }
    }

    RetentionOutcome out;
    out.decisions.reserve(input.entries.size());
    qint64 total = 0;
    QList<qsizetype> candidates;
    for (qsizetype i = 0; i < input.entries.size(); ++i) {
        const CacheEntry& e = input.entries.at(i);
        total += e.sizeBytes;
        RetentionDecision d;
        d.cacheKey = e.digest;
        d.bundleId = QStringLiteral("bundle:") + e.digest.toString();
        d.sizeBytes = e.sizeBytes;
        d.lastAccessedAt = e.lastAccessedAt;
        struct Protection
        {
            const QSet<QString>* set;
            const char* code;
            const char* detail;
        };
        const Protection protections[] = {
            {&active, "active_bundle", "bundle is currently active"},
            {&session, "session_reference", "bundle is referenced by a live session"},
            {&warming, "warming_bundle", "bundle is currently warming"},
            {&ready, "ready_bundle", "bundle is currently ready"},
            {&draining, "draining_bundle", "bundle is currently draining"},
            {&staged, "staged_bundle", "bundle is currently staged"},
            {&rollback, "rollback_depth", "bundle is protected for rollback depth"},
        };
        bool isProtected = false;
        for (const Protection& p : protections) {
            if (p.set->contains(d.bundleId)) {
                d.decision = RetentionDecisionKind::Protect;
                d.reasonCode = QString::fromLatin1(p.code);
                d.reasonDetail = QString::fromLatin1(p.detail);
                isProtected = true;
                break;
            }
        }
        if (!isProtected) {
            d.decision = RetentionDecisionKind::Keep;
            d.reasonCode = QStringLiteral("within_policy");
            d.reasonDetail = QStringLiteral("entry remains available");
            candidates.append(i);
        }
        out.decisions.append(std::move(d));
    }

    auto age = [&](const CacheEntry& e) { return std::max<qint64>(0, input.now - e.lastAccessedAt); };
    // Sort keys computed once per candidate: corrupt first, rollback-eligible last, oldest use
    // first, then cache key.
    struct Key
    {
        bool corrupt;
        bool rollback;
        qint64 age;
        qsizetype index;
    };
    std::vector<Key> keys;
    keys.reserve(static_cast<size_t>(candidates.size()));
    for (qsizetype i : std::as_const(candidates)) {
        const CacheEntry& e = input.entries.at(i);
        keys.push_back(Key{e.state == EntryState::Corrupt,
                           !rollback.isEmpty() && rollback.contains(out.decisions.at(i).bundleId), age(e), i});
    }
    std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
        if (a.corrupt != b.corrupt) {
            return a.corrupt;
        }
        if (a.rollback != b.rollback) {
            return b.rollback;
        }
        if (a.age != b.age) {
            return a.age > b.age;
        }
        return input.entries.at(a.index).digest < input.entries.at(b.index).digest;
    });
    candidates.clear();
    for (const Key& k : keys) {
        candidates.append(k.index);
    }

    for (qsizetype i : std::as_const(candidates)) {
        const CacheEntry& e = input.entries.at(i);
        RetentionDecision& d = out.decisions[i];
        const bool corrupt = e.state == EntryState::Corrupt;
        const bool agedOut = input.maxEntryAgeSeconds && age(e) > *input.maxEntryAgeSeconds;
        const bool overBudget = input.maxCacheBytes > 0 && total > input.maxCacheBytes;
        if (!(corrupt || agedOut || overBudget)) {
            continue;
        }
        d.decision = RetentionDecisionKind::Evict;
        if (corrupt) {
            d.reasonCode = QStringLiteral("corrupt_entry");
            d.reasonDetail = QStringLiteral("corrupt entry can be evicted safely");
        } else if (agedOut) {
            d.reasonCode = QStringLiteral("max_age_exceeded");
            d.reasonDetail = QStringLiteral("entry exceeded retention age");
        } else {
            d.reasonCode = QStringLiteral("cache_budget");
            d.reasonDetail = QStringLiteral("entry selected for eviction under cache budget pressure");
        }
        total -= e.sizeBytes;
    }

    RetentionReport& r = out.report;
    r.scannedEntries = static_cast<int>(out.decisions.size());
    for (const RetentionDecision& d : std::as_const(out.decisions)) {
        switch (d.decision) {
        case RetentionDecisionKind::Keep:
            ++r.kept;
            break;
        case RetentionDecisionKind::Evict:
            ++r.evicted;
            break;
        case RetentionDecisionKind::Protect:
            ++r.protectedEntries;
            break;
        }
    }
    return out;
}

namespace {

// One planned eviction; the reason when the entry stays.
std::optional<QString> evictPlanned(Cache& cache, BundleStore& bundles, const RetentionDecision& d)
{
    // A writer (a pull committing or repairing this digest) holds its lock: leave it be.
    QLockFile writer(cache.lockPath(d.cacheKey));
    writer.setStaleLockTime(0);
    QDir().mkpath(cache.ingestDir());
    if (!writer.tryLock(0)) {
        return QStringLiteral("a pull is writing it");
    }
    // A pull that opened the entry after the plan was made has handed its path out: keep it.
    // A corrupt entry is never handed out, so it goes whatever its access time says.
    const qint64 planned = d.lastAccessedAt;
    auto freed = cache.remove(d.cacheKey, [planned](const CacheEntry& now) {
        return now.state == EntryState::Corrupt || now.lastAccessedAt <= planned;
    });
    if (!freed) {
        if (freed.code() == ErrorCode::NotFound) {
            return QStringLiteral("already gone");
        }
        return freed.detail() == ErrorDetail::InUse ? QStringLiteral("used since the plan was made") : freed.message();
    }
    (void)bundles.remove(d.bundleId);
    return std::nullopt;
}

} // namespace

RetentionReport Retention::apply(Cache& cache, BundleStore& bundles, const RetentionOutcome& outcome,
                                 const EvictProgress& progress)
{
    RetentionReport r = outcome.report;
    r.bytesReclaimed = 0;
    r.refusals.clear();
    int total = 0;
    for (const RetentionDecision& d : outcome.decisions) {
        total += d.decision == RetentionDecisionKind::Evict ? 1 : 0;
    }
    int removed = 0;
    int done = 0;
    for (const RetentionDecision& d : outcome.decisions) {
        if (d.decision != RetentionDecisionKind::Evict) {
            continue;
        }
        const std::optional<QString> refusal = evictPlanned(cache, bundles, d);
        if (refusal) {
            r.refusals.append(d.cacheKey.toString());
        } else {
            r.bytesReclaimed += d.sizeBytes;
            ++removed;
        }
        ++done;
        if (progress) {
            const EvictStep step{done,
                                 total,
                                 d.cacheKey.toString(),
                                 !refusal,
                                 refusal.value_or(QStringLiteral("evicted")),
                                 refusal ? 0 : d.sizeBytes};
            if (!progress(step) && done < total) {
                r.cancelled = true;
                break;
            }
        }
    }
    r.evicted = removed;
    return r;
}

Result<void> Retention::addBundleStates(RetentionInput& input, const BundleStore& bundles)
{
    auto records = bundles.list();
    if (!records) {
        return records.error();
    }
    for (const BundleRecord& b : records.value()) {
        switch (b.state) {
        case BundleState::Staged:
            input.stagedBundleIds.append(b.bundleId);
            break;
        case BundleState::Warming:
            input.warmingBundleIds.append(b.bundleId);
            break;
        case BundleState::Ready:
            input.readyBundleIds.append(b.bundleId);
            break;
        case BundleState::Draining:
            input.drainingBundleIds.append(b.bundleId);
            break;
        default:
            break;
        }
    }
    return {};
}

Result<RetentionInput> Retention::gather(const Cache& cache, const RetentionLimits& limits, QStringList* problems)
{
    RetentionInput input;
    for (const QStringList* ids : {&limits.activeBundleIds, &limits.sessionBundleIds}) {
        for (const QString& id : *ids) {
            if (auto d = BundleId::parse(id); !d) {
                return d.error();
            }
        }
    }
    input.maxCacheBytes = limits.maxBytes;
    input.maxEntryAgeSeconds = limits.maxAgeSeconds;
    input.minimumRollbackDepth = limits.rollbackDepth;
    input.activeBundleIds = limits.activeBundleIds;
    input.sessionBundleIds = limits.sessionBundleIds;
    if (auto r = addBundleStates(input, BundleStore(cache.root())); !r) {
        return r.error();
    }
    input.entries = EntryIndex(cache).summaries(problems);
    input.now = QDateTime::currentSecsSinceEpoch();
    return input;
}

qint64 Retention::cacheCapFromEnvironment()
{
    constexpr qint64 kDefault = 3221225472; // 3 GiB
    return Settings().cacheMaxBytes().value_or(kDefault);
}

Result<RetentionReport> Retention::enforceCap(Cache& cache, const Digest& justWritten, qint64 maxBytes,
                                              std::optional<qint64>* runningTotal)
{
    BundleStore bundles(cache.root());
    RetentionInput input;
    if (auto r = addBundleStates(input, bundles); !r) {
        return r.error();
    }
    if (maxBytes <= 0) {
        return RetentionReport{};
    }
    std::optional<qint64> local;
    std::optional<qint64>& total = runningTotal ? *runningTotal : local;
    if (!total || *total > maxBytes) {
        total = cache.blobBytes(); // measure for real before deciding anything
    }
    if (*total <= maxBytes) {
        return RetentionReport{};
    }

    CacheLock lock(cache);
    if (!lock.tryLock(2000)) {
        // Whoever holds the lock is collecting garbage or applying retention already.
        return RetentionReport{};
    }
    input.entries = EntryIndex(cache).summaries();
    input.stagedBundleIds.append(BundleId::forDigest(justWritten));
    input.maxCacheBytes = maxBytes;
    input.now = QDateTime::currentSecsSinceEpoch();
    const RetentionReport report = apply(cache, bundles, evaluate(input));
    total = cache.blobBytes();
    return report;
}

void RetentionReport::write(JsonWriter& w) const
{
    w.beginObject()
        .field(QStringLiteral("scanned_entries"), scannedEntries)
        .field(QStringLiteral("kept"), kept)
        .field(QStringLiteral("evicted"), evicted)
        .field(QStringLiteral("protected"), protectedEntries)
        .field(QStringLiteral("bytes_reclaimed"), bytesReclaimed);
    w.key(QStringLiteral("refusals")).beginArray();
    for (const QString& s : refusals) {
        w.value(s);
    }
    w.endArray().endObject();
}

QByteArray RetentionReport::toJson() const
{
    JsonWriter w;
    write(w);
    return w.toByteArray();
}

QByteArray RetentionOutcome::toJson() const
{
    JsonWriter w;
    w.beginObject().key(QStringLiteral("decisions")).beginArray();
    for (const RetentionDecision& d : decisions) {
        w.beginObject()
            .field(QStringLiteral("cache_key"), d.cacheKey.toString())
            .field(QStringLiteral("bundle_id"), d.bundleId)
            .field(QStringLiteral("decision"), retentionDecisionName(d.decision))
            .field(QStringLiteral("reason_code"), d.reasonCode)
            .field(QStringLiteral("reason_detail"), d.reasonDetail)
            .endObject();
    }
    w.endArray();
    w.key(QStringLiteral("report"));
    report.write(w);
    w.endObject();
    return w.toByteArray();
}

} // namespace dist
