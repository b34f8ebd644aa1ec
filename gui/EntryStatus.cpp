// SPDX-License-Identifier: MIT
#include "EntryStatus.h"

namespace dist::gui {

EntryStatus::Kind EntryStatus::of(const CacheEntry& entry, const BundleRecord* bundle)
{
    if (entry.state == EntryState::Corrupt) {
        return Corrupt;
    }
    if (bundle && isProtectedFromEviction(bundle->state)) {
        return Protected;
    }
    return bundle ? InBundle : Evictable;
}

QString EntryStatus::name(Kind kind)
{
    switch (kind) {
    case Corrupt:
        return tr("corrupt");
    case Protected:
        return tr("protected");
    case InBundle:
        return tr("in-bundle");
    case Evictable:
        break;
    }
    return tr("evictable");
}

QIcon EntryStatus::icon(Kind kind)
{
    switch (kind) {
    case Corrupt:
        return QIcon(QStringLiteral(":/icons/status/corrupt.svg"));
    case Protected:
        return QIcon(QStringLiteral(":/icons/status/protected.svg"));
    case InBundle:
        return QIcon(QStringLiteral(":/icons/status/bundle.svg"));
    case Evictable:
        break;
    }
    return QIcon(QStringLiteral(":/icons/status/evictable.svg"));
}

QString EntryStatus::explain(const CacheEntry& entry, const BundleRecord* bundle)
{
    switch (of(entry, bundle)) {
    case Corrupt:
        return tr("Corrupt: cache verify found its bytes do not match %1; retention evicts it first and no pull "
                  "hands it out")
            .arg(entry.digest.toString().left(19));
    case Protected:
        return tr("Protected: bundle %1 is %2, so retention and eviction keep this entry")
            .arg(bundle->bundleId, bundleStateName(bundle->state));
    case InBundle:
        return tr("In use by bundle %1 (%2); not protected in that state, so it can be evicted")
            .arg(bundle->bundleId, bundleStateName(bundle->state));
    case Evictable:
        break;
    }
    return tr("Evictable: no bundle holds it; retention takes it when it is over a limit");
}

} // namespace dist::gui
