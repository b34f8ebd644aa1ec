// SPDX-License-Identifier: MIT
#pragma once

#include "Bundle.h"
#include <core/Result.h>

#include <QList>
#include <QString>

#include <memory>

class QLockFile;

namespace dist {

// The bundle records under <cache>/bundles/. The index is strict: a malformed record is a cache
// error for every listing and every write that needs the list, never silently skipped.
class BundleStore
{
public:
    explicit BundleStore(const QString& cacheRoot);

    QString directory() const { return m_dir; }
    QString pathFor(const QString& bundleId) const;

    Result<BundleRecord> stat(const QString& bundleId) const; // NotFound, Cache, InvalidInput (bad id)
    Result<QList<BundleRecord>> list() const; // sorted by bundle_id
    Result<void> write(const BundleRecord& record); // atomic
    // Validates the edge against the matrix; an illegal one leaves the record untouched.
    Result<BundleRecord> setState(const QString& bundleId, BundleState to);
    Result<void> remove(const QString& bundleId);
    // Records a freshly staged bundle. An existing record moves to Staged only along a legal edge
    // (Inactive or Failed); a Staged, Warming, Ready, Draining or Archived one is left as it is and
    // `unchanged` says so: restaging never silently resets a bundle.
    Result<BundleRecord> stage(const BundleRecord& fresh, bool* unchanged);

private:
    // The records' lock: held for one read and one write (LockWaiter::acquireBrief).
    Result<std::unique_ptr<QLockFile>> lockRecords() const;

    QString m_root;
    QString m_dir;
};

} // namespace dist
