// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheEntry.h>

#include <QString>

namespace dist {

// What a file's name says it holds, for the artifacts that carry no media type of their own (local
// files, https downloads).
struct FileKind
{
    QString mediaType;
    ArtifactType type;

    static FileKind forPath(const QString& path);
};

bool isYamlPackPath(const QString& path); // .yaml or .yml: a pack identified by its canonical digest

} // namespace dist
