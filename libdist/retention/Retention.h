// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheEntry.h>
#include <cache/EvictStep.h>
#include <core/Result.h>

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace dist {

class BundleStore;
class Cache;

enum class RetentionDecisionKind
{
    Keep,
    Evict,
    Protect,
};
QString retentionDecisionName(RetentionDecisionKind k); // Keep | Evict | Protect

struct RetentionInput
{
    QList<CacheEntry> entries;
    QStringList activeBundleIds;
    QStringList stagedBundleIds;
    QStringList warmingBundleIds;
    QStringList readyBundleIds;
    QStringList drainingBundleIds;
    QStringList sessionBundleIds;
    qint64 maxCacheBytes = 0; // 0: no budget
    std::optional<qint64> maxEntryAgeSeconds;
    int minimumRollbackDepth = 0;
    qint64 now = 0; // unix seconds; an input so that evaluation is pure and repeatable
};

// What an operator asks retention for (the CLI flags and the GUI's form).
struct RetentionLimits
{
    qint64 maxBytes = 0;
    std::optional<qint64> maxAgeSeconds;
    int rollbackDepth = 0;
    QStringList activeBundleIds;
    QStringList sessionBundleIds;
};

struct RetentionDecision
{
    Digest cacheKey;
    QString bundleId;
    RetentionDecisionKind decision = RetentionDecisionKind::Keep;
    QString reasonCode;
    QString reasonDetail;
    qint64 sizeBytes = 0;
    qint64 lastAccessedAt = 0; // as planned; apply leaves an entry opened since then
};

struct RetentionReport
{
    int scannedEntries = 0;
    int kept = 0;
    int evicted = 0;
    int protectedEntries = 0;
    qint64 bytesReclaimed = 0;
    QStringList refusals;
    bool cancelled = false; // apply's progress callback stopped it (not part of the JSON report)

    QByteArray toJson() const;
    void write(class JsonWriter& w) const;
};

struct RetentionOutcome
{
    QList<RetentionDecision> decisions; // one per entry, in input order
    RetentionReport report;

    QByteArray toJson() const;
};

// Explainable cache retention with the Rust client's rules: protections in the order active,
// session, warming, ready, draining, staged, rollback depth; candidates corrupt first, then the
// least recently used, ties broken by cache key; reasons on every decision.
class Retention
{
public:
    static RetentionOutcome evaluate(const RetentionInput& input);
    // Removes the entries decided Evict (and their bundle records). Callers hold the cache lock.
    // `progress` hears each planned eviction as it is decided; returning false stops before the
    // next one (the report then says cancelled).
    static RetentionReport apply(Cache& cache, BundleStore& bundles, const RetentionOutcome& outcome,
                                 const EvictProgress& progress = {});
    // Fills the lifecycle lists from the bundle records (strict: a malformed record is an error).
    static Result<void> addBundleStates(RetentionInput& input, const BundleStore& bundles);
    // The input for a cache as it is now: entry summaries, bundle states, the operator's limits.
    // `retention plan`, `retention apply` and the GUI's preview all start here, so they agree.
    static Result<RetentionInput> gather(const Cache& cache, const RetentionLimits& limits,
                                         QStringList* problems = nullptr);
    // GREENTIC_CACHE_MAX_BYTES, default 3 GiB; a value that does not parse falls back to the default.
    static qint64 cacheCapFromEnvironment();
    // Run after every cache write: when the blobs exceed `maxBytes`, evicts under budget pressure,
    // protecting staged, warming, ready and draining bundles and the entry just written. Reads the
    // bundle records every time (strict), so a malformed record fails the write that triggered it.
    // `runningTotal` lets a caller that writes many entries scan the cache once: it holds the cache's
    // blob bytes as last measured plus what the caller added since; a scan happens only when it is
    // unknown or over the cap. Blocks up to 2 s for the cache lock: call it off the event loop
    // (CacheCommitter runs it on a pool thread).
    static Result<RetentionReport> enforceCap(Cache& cache, const Digest& justWritten, qint64 maxBytes,
                                              std::optional<qint64>* runningTotal = nullptr);
};

} // namespace dist
