// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

#include <QList>
#include <QTextBrowser>

#include <optional>

namespace dist::gui {

// Everything entry.json says about the selected artifact: identity, origin, verification,
// annotations and its bundle, if any.
class EntryDetails final : public QTextBrowser
{
    Q_OBJECT

public:
    explicit EntryDetails(QWidget* parent = nullptr);
    // `referrers`: the cached artifacts whose subject is this one (signatures, SBOMs); `signatureKept`:
    // the cosign signature manifest the cache keeps for it, if any.
    void showEntry(const CacheEntry* entry, const std::optional<BundleRecord>& bundle,
                   const QList<CacheEntry>& referrers = {}, const QString& signatureKept = QString());
};

} // namespace dist::gui
