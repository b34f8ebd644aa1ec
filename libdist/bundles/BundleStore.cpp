// SPDX-License-Identifier: MIT
#include "BundleStore.h"

#include <cache/CacheLayout.h>
#include <core/AtomicFile.h>
#include <core/LockWaiter.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>

#include <algorithm>

namespace dist {

BundleStore::BundleStore(const QString& cacheRoot)
    : m_root(QDir::cleanPath(QDir(cacheRoot).absolutePath()))
    , m_dir(CacheLayout(m_root).bundlesDir())
{
}

QString BundleStore::pathFor(const QString& bundleId) const
{
    return m_dir + u'/' + BundleId::fileName(bundleId);
}

Result<BundleRecord> BundleStore::stat(const QString& bundleId) const
{
    if (auto id = BundleId::parse(bundleId); !id) {
        return id.error();
    }
    QFile f(pathFor(bundleId));
    if (!f.open(QIODevice::ReadOnly)) {
        if (!f.exists()) {
            return makeError(ErrorCode::NotFound, QStringLiteral("bundle `%1` not found").arg(bundleId));
        }
        return makeError(ErrorCode::Cache,
                         QStringLiteral("cache error at `%1`: %2").arg(f.fileName(), f.errorString()));
    }
    auto record = BundleRecord::fromJson(f.read(1 << 20), f.fileName());
    if (record && record->bundleId != bundleId) {
        return makeError(
            ErrorCode::Cache,
            QStringLiteral("cache error at `%1`: record names bundle `%2`").arg(f.fileName(), record->bundleId));
    }
    return record;
}

Result<QList<BundleRecord>> BundleStore::list() const
{
    QList<BundleRecord> out;
    const QFileInfoList files
        = QDir(m_dir).entryInfoList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo& info : files) {
        QFile f(info.absoluteFilePath());
        if (!f.open(QIODevice::ReadOnly)) {
            return makeError(ErrorCode::Cache,
                             QStringLiteral("cache error at `%1`: %2").arg(f.fileName(), f.errorString()));
        }
        auto record = BundleRecord::fromJson(f.read(1 << 20), f.fileName());
        if (!record) {
            return record.error();
        }
        if (BundleId::fileName(record->bundleId) != info.fileName()) {
            return makeError(
                ErrorCode::Cache,
                QStringLiteral("cache error at `%1`: record names bundle `%2`").arg(f.fileName(), record->bundleId));
        }
        out.append(std::move(record).value());
    }
    std::sort(out.begin(), out.end(),
              [](const BundleRecord& a, const BundleRecord& b) { return a.bundleId < b.bundleId; });
    return out;
}

Result<void> BundleStore::write(const BundleRecord& record)
{
    if (auto r = AtomicFile::write(pathFor(record.bundleId), record.toJson()); !r) {
        return r;
    }
    AtomicFile::syncDirectory(m_dir);
    return {};
}

Result<std::unique_ptr<QLockFile>> BundleStore::lockRecords() const
{
    auto lock = LockWaiter::acquireBrief(CacheLayout(m_root).bundlesLockPath());
    if (!lock) {
        return makeError(
            ErrorCode::Io,
            QStringLiteral("cache error at `%1`: another process keeps the bundle records locked").arg(m_root),
            lock.detail());
    }
    return lock;
}

Result<BundleRecord> BundleStore::setState(const QString& bundleId, BundleState to)
{
    // Read, check and write under one lock so a GUI and a CLI never interleave on a record.
    auto lock = lockRecords();
    if (!lock) {
        return lock.error();
    }
    auto record = stat(bundleId);
    if (!record) {
        return record;
    }
    if (!isLegalTransition(record->state, to)) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("invalid lifecycle transition for bundle `%1`: `%2` → `%3` is not on the matrix")
                .arg(bundleId, bundleStateName(record->state), bundleStateName(to)));
    }
    record->state = to;
    if (auto w = write(record.value()); !w) {
        return w.error();
    }
    return record;
}

Result<BundleRecord> BundleStore::stage(const BundleRecord& fresh, bool* unchanged)
{
    auto lock = lockRecords();
    if (!lock) {
        return lock.error();
    }
    *unchanged = false;
    auto existing = stat(fresh.bundleId);
    if (!existing && existing.code() != ErrorCode::NotFound) {
        return existing;
    }
    if (existing && !isLegalTransition(existing->state, BundleState::Staged)) {
        *unchanged = true;
        return existing;
    }
    BundleRecord record = fresh;
    record.state = BundleState::Staged;
    if (auto w = write(record); !w) {
        return w.error();
    }
    return record;
}

Result<void> BundleStore::remove(const QString& bundleId)

{
    const QString path = pathFor(bundleId);
    if (QFile::exists(path) && !QFile::remove(path)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot remove `%1`").arg(path));
    }
    return {};
}

} // namespace dist
