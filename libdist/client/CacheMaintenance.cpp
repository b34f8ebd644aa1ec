// SPDX-License-Identifier: MIT
#include "CacheMaintenance.h"

#include <packs/PackIndex.h>

#include <bundles/BundleStore.h>
#include <core/Logging.h>
#include <core/Sha256.h>
#include <oci/OciManifest.h>

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QLockFile>
#include <QSet>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace dist {

namespace {

qint64 pathSize(const QFileInfo& info)
{
    if (!info.isDir()) {
        return info.size();
    }
    qint64 total = 0;
    QDirIterator it(info.absoluteFilePath(), QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

bool removePath(const QFileInfo& info)
{
    return info.isDir() ? QDir(info.absoluteFilePath()).removeRecursively() : QFile::remove(info.absoluteFilePath());
}

} // namespace

CacheMaintenance::CacheMaintenance(Cache& cache)
    : m_cache(cache)
{
}

VerifyOutcome CacheMaintenance::verifyOne(const Digest& d)
{
    VerifyOutcome o{d, false, {}};
    auto entry = m_cache.stat(d);
    if (!entry) {
        o.detail = entry.message();
        return o;
    }
    qint64 size = 0;
    auto actual = Sha256::hashFile(m_cache.blobPath(d), &size);
    if (!actual) {
        o.detail = actual.message();
    } else if (actual.value() != d) {
        o.detail = QStringLiteral("blob hashes to %1").arg(actual->toString());
    } else if (size != entry->sizeBytes) {
        o.detail = QStringLiteral("blob has %1 bytes, entry.json says %2").arg(size).arg(entry->sizeBytes);
    } else {
        o.ok = true;
    }
    const bool ok = o.ok;
    auto w = m_cache.updateEntry(d, [ok](CacheEntry& e) {
        if (ok) {
            e.lastVerifiedAt = QDateTime::currentSecsSinceEpoch();
            if (e.state == EntryState::Corrupt) {
                e.state = EntryState::Ready;
            }
        } else {
            e.state = EntryState::Corrupt;
        }
        return true;
    });
    if (!w) {
        qCWarning(lcCache).noquote() << w.message();
    }
    return o;
}

QList<VerifyOutcome> CacheMaintenance::verify(const QList<Digest>& digests)
{
    const QList<Digest> targets = digests.isEmpty() ? m_cache.digests() : digests;
    // One sha256 stream runs at the speed of one core; entries are independent, so the cores share
    // them (each entry.json is rewritten by the thread that checked it). Answers keep their order.
    std::vector<VerifyOutcome> outcomes(static_cast<size_t>(targets.size()));
    std::atomic<qsizetype> next = 0;
    auto work = [&] {
        for (qsizetype i = next++; i < targets.size(); i = next++) {
            outcomes[static_cast<size_t>(i)] = verifyOne(targets.at(i));
        }
    };
    const qsizetype threads = std::min<qsizetype>(std::clamp(QThread::idealThreadCount(), 1, 4), targets.size());
    std::vector<std::thread> workers;
    for (qsizetype t = 1; t < threads; ++t) {
        workers.emplace_back(work);
    }
    work();
    for (std::thread& t : workers) {
        t.join();
    }
    return QList<VerifyOutcome>(outcomes.begin(), outcomes.end());
}

namespace {

// Evicts one named entry: nullopt when it went, otherwise why it stayed.
Result<std::optional<QString>> evictOne(Cache& cache, BundleStore& bundles, const Digest& named, bool force,
                                        EvictReport& report)
{
    auto entry = cache.lookup(named);
    Digest content = named;
    if (entry) {
        content = entry->digest;
    } else if (entry.code() == ErrorCode::NotFound) {
        return std::optional<QString>(QStringLiteral("not in the cache"));
    }
    const QString bundleId = BundleId::forDigest(content);
    auto record = bundles.stat(bundleId);
    if (!record && record.code() != ErrorCode::NotFound) {
        return record.error();
    }
    if (record && !force && isProtectedFromEviction(record->state)) {
        ++report.protectedCount;
        return std::optional<QString>(
            QStringLiteral("bundle is %1; use --force to evict it anyway").arg(bundleStateName(record->state)));
    }
    QLockFile lock(cache.lockPath(content));
    lock.setStaleLockTime(0);
    QDir().mkpath(cache.ingestDir());
    if (!lock.tryLock(0)) {
        return std::optional<QString>(QStringLiteral("another process is writing it"));
    }
    auto removed = cache.remove(content);
    if (!removed) {
        return std::optional<QString>(removed.message());
    }
    (void)bundles.remove(bundleId);
    ++report.evicted;
    // Counted as the Rust client counts it: the artifact's size, not the directory's.
    report.bytesReclaimed += entry ? entry->sizeBytes : removed.value();
    return std::optional<QString>();
}

} // namespace

Result<EvictReport> CacheMaintenance::evict(const QStringList& digests, bool force, const EvictProgress& progress)
{
    BundleStore bundles(m_cache.root());
    QList<Digest> parsed;
    for (const QString& text : digests) {
        auto d = Digest::parseLenient(text);
        if (!d) {
            return d.error();
        }
        parsed.append(d.value());
    }
    EvictReport report;
    for (qsizetype i = 0; i < parsed.size(); ++i) {
        ++report.scanned;
        const qint64 freedBefore = report.bytesReclaimed;
        auto refusal = evictOne(m_cache, bundles, parsed.at(i), force, report);
        if (!refusal) {
            return refusal.error();
        }
        if (*refusal) {
            report.refusals.append(digests.at(i) + QStringLiteral(": ") + **refusal);
        }
        if (progress) {
            const EvictStep step{static_cast<int>(i + 1),
                                 static_cast<int>(parsed.size()),
                                 digests.at(i),
                                 !*refusal,
                                 *refusal ? **refusal : QStringLiteral("evicted"),
                                 report.bytesReclaimed - freedBefore};
            if (!progress(step) && i + 1 < parsed.size()) {
                report.cancelled = true;
                break;
            }
        }
    }
    report.kept = report.scanned - report.evicted - static_cast<int>(report.refusals.size());
    report.kept = std::max(report.kept, 0);
    return report;
}

Result<GcReport> CacheMaintenance::collectGarbage(qint64 staleAgeSeconds)
{
    CacheLock cacheLock(m_cache);
    if (!cacheLock.tryLock(0)) {
        return makeError(ErrorCode::Io,
                         QStringLiteral("cache error at `%1`: another process is collecting garbage or "
                                        "applying retention")
                             .arg(m_cache.root()));
    }
    GcReport report;
    const QDateTime now = QDateTime::currentDateTimeUtc();

    // Entry directories that are not entries: no entry.json (interrupted removal), or a missing blob.
    QDir base(m_cache.layout().artifactsDir());
    for (const QString& prefix : base.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QDir sub(base.filePath(prefix));
        for (const QString& rest : sub.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QString hex = prefix + rest;
            if (!Digest::isValidHex(hex)) {
                continue;
            }
            const Digest d = Digest::fromHex(hex);
            const QString dir = sub.filePath(rest);
            const bool hasEntry = QFileInfo::exists(CacheLayout::entryIn(dir));
            const bool hasBlob = QFileInfo::exists(CacheLayout::blobIn(dir));
            if (hasEntry && hasBlob) {
                continue;
            }
            QLockFile lock(m_cache.lockPath(d));
            lock.setStaleLockTime(0);
            QDir().mkpath(m_cache.ingestDir());
            if (!lock.tryLock(0)) {
                continue;
            }
            report.bytesReclaimed += pathSize(QFileInfo(dir));
            if (QDir(dir).removeRecursively()) {
                report.removed.append(d.toString());
            }
        }
        if (sub.isEmpty()) {
            base.rmdir(prefix);
        }
    }

    // ingest/: staging and trash directories, temporary and stale partials, free lock files.
    QDir ingest(m_cache.ingestDir());
    const QFileInfoList items = ingest.entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QFileInfo& item : items) {
        const QString name = item.fileName();
        const qint64 age = item.lastModified().toUTC().secsTo(now);
        QString hex;
        const CacheLayout::IngestKind kind = CacheLayout::classifyIngest(name, &hex);
        if (kind == CacheLayout::IngestKind::Lock) {
            continue;
        }
        // Staging and digest-less partials belong to one process run: an hour is plenty. A named
        // partial is a resumable download, kept as long as the caller allows.
        const bool shortLived
            = kind == CacheLayout::IngestKind::Staging || kind == CacheLayout::IngestKind::AnonymousPartial;
        const bool stale = age > (shortLived ? 3600 : staleAgeSeconds);
        if (!stale) {
            continue;
        }
        std::unique_ptr<QLockFile> lock;
        if (Digest::isValidHex(hex)) {
            lock = std::make_unique<QLockFile>(m_cache.lockPath(Digest::fromHex(hex)));
            lock->setStaleLockTime(0);
            if (!lock->tryLock(0)) {
                continue;
            }
        }
        const qint64 size = pathSize(item);
        if (removePath(item)) {
            ++report.staleFiles;
            report.bytesReclaimed += size;
        }
    }
    // Lock files nobody holds: taking and releasing one removes it.
    for (const QString& name : ingest.entryList({QStringLiteral("*.lock")}, QDir::Files)) {
        QLockFile lock(ingest.filePath(name));
        lock.setStaleLockTime(0);
        if (lock.tryLock(0)) {
            lock.unlock();
        }
    }

    // Bundle records whose entry is gone (the Rust client's gc). The index is strict: a malformed
    // record fails the collection rather than being skipped.
    BundleStore bundles(m_cache.root());
    auto records = bundles.list();
    if (!records) {
        return records.error();
    }
    for (const BundleRecord& r : records.value()) {
        if (!QFileInfo::exists(m_cache.entryPath(r.cacheKey)) && bundles.remove(r.bundleId)) {
            if (!report.removed.contains(r.cacheKey.toString())) {
                report.removed.append(r.cacheKey.toString());
            }
        }
    }

    // Manifest index records whose entry is gone.
    QDir index(m_cache.layout().manifestIndexDir());
    for (const QString& name : index.entryList(QDir::Files)) {
        if (!Digest::isValidHex(name)) {
            continue;
        }
        const auto content = m_cache.contentForManifest(Digest::fromHex(name));
        if (!content || !QFileInfo::exists(m_cache.entryPath(*content))) {
            if (index.remove(name)) {
                ++report.staleFiles;
            }
        }
    }

    report.staleFiles += sweepOciMetadata();

    // Pack records (name@version of a registry) whose content is gone or which no longer parse.
    QDirIterator packs(m_cache.layout().packIndexRoot(), {QStringLiteral("*.json")}, QDir::Files,
                       QDirIterator::Subdirectories);
    while (packs.hasNext()) {
        const QString path = packs.next();
        if (packs.fileName() == u"keys.json") {
            continue;
        }
        QFile f(path);
        std::optional<Digest> content;
        if (f.open(QIODevice::ReadOnly)) {
            if (auto record = PackRecord::fromJson(f.read(8 << 20))) {
                content = record->contentDigest;
            }
            f.close();
        }
        if ((!content || !QFileInfo::exists(m_cache.entryPath(*content))) && QFile::remove(path)) {
            ++report.staleFiles;
        }
    }
    std::sort(report.removed.begin(), report.removed.end());
    return report;
}

int CacheMaintenance::sweepOciMetadata()
{
    int removed = 0;
    // Tags whose manifest no longer leads to an entry; a cosign signature tag (sha256-<hex>.sig)
    // lives as long as the artifact it signs, and its manifest is kept with it.
    QList<Digest> pending;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QDir tags(m_cache.layout().tagIndexDir());
    for (const QString& name : tags.entryList(QDir::Files)) {
        QFile f(tags.filePath(name));
        // A signature check records its tag before the layer it signs is in: young tags stay.
        const bool young = QFileInfo(f).lastModified().toUTC().secsTo(now) < kMetadataGraceSecs;
        QString line;
        if (f.open(QIODevice::ReadOnly)) {
            line = QString::fromUtf8(f.read(4096)).trimmed();
            f.close();
        }
        const QString reference = line.section(u' ', 0, -2);
        auto manifest = Digest::parse(line.section(u' ', -1));
        const QString tag = reference.section(u':', -1);
        bool live = false;
        if (manifest && tag.startsWith(QLatin1String("sha256-")) && tag.endsWith(QLatin1String(".sig"))) {
            const QString hex = tag.mid(7, 64);
            live = Digest::isValidHex(hex) && m_cache.lookup(Digest::fromHex(hex));
            if (live) {
                pending.append(manifest.value());
            }
        } else {
            live = manifest && m_cache.lookup(manifest.value());
        }
        if (!live && young && manifest) {
            pending.append(manifest.value());
            continue;
        }
        if (!live && tags.remove(name)) {
            ++removed;
        }
    }
    // Referrer links whose referrer entry is gone.
    QDirIterator links(m_cache.layout().referrerIndexDir(), QDir::Files, QDirIterator::Subdirectories);
    while (links.hasNext()) {
        const QString path = links.next();
        const QString hex = links.fileName();
        if ((!Digest::isValidHex(hex) || !QFileInfo::exists(m_cache.entryPath(Digest::fromHex(hex))))
            && QFile::remove(path)) {
            ++removed;
        }
    }
    // Kept manifests and configs that no entry reaches any more. Young files are left alone: a
    // pull stores its config beside the layer, before the entry that reaches it is committed.
    QSet<Digest> reachable;
    for (const CacheEntry& e : m_cache.entries()) {
        for (const QString& text : {e.manifestDigest, e.platformManifestDigest}) {
            if (auto d = Digest::parse(text)) {
                pending.append(d.value());
            }
        }
    }
    while (!pending.isEmpty()) {
        const Digest d = pending.takeLast();
        if (reachable.contains(d)) {
            continue;
        }
        reachable.insert(d);
        auto bytes = m_cache.metadata(d);
        if (!bytes) {
            continue;
        }
        auto doc = OciManifest::parse(bytes.value(), MediaTypes::OciManifest);
        if (!doc) {
            continue; // a config
        }
        pending.append(doc->config.digest);
        for (const QList<OciDescriptor>* list : {&doc->layers, &doc->manifests}) {
            for (const OciDescriptor& child : *list) {
                pending.append(child.digest);
            }
        }
    }
    QDirIterator kept(m_cache.layout().metadataDir(), QDir::Files);
    while (kept.hasNext()) {
        const QString path = kept.next();
        const QString hex = kept.fileName();
        if (Digest::isValidHex(hex) && reachable.contains(Digest::fromHex(hex))) {
            continue;
        }
        if (kept.fileInfo().lastModified().toUTC().secsTo(now) < kMetadataGraceSecs) {
            continue;
        }
        if (QFile::remove(path)) {
            ++removed;
        }
    }
    return removed;
}

} // namespace dist
