// SPDX-License-Identifier: MIT
#pragma once

#include <bundles/Bundle.h>
#include <cache/CacheEntry.h>

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
    void showEntry(const CacheEntry* entry, const std::optional<BundleRecord>& bundle);
};

} // namespace dist::gui
