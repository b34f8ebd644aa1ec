// SPDX-License-Identifier: MIT
#include "FileKind.h"

namespace dist {

FileKind FileKind::forPath(const QString& path)
{
    const QString lower = path.toLower();
    if (lower.endsWith(QLatin1String(".gtpack"))) {
        return {QStringLiteral("application/vnd.greentic.gtpack+zip"), ArtifactType::Pack};
    }
    if (lower.endsWith(QLatin1String(".tar.gz")) || lower.endsWith(QLatin1String(".tgz"))) {
        return {QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"), ArtifactType::Bundle};
    }
    if (lower.endsWith(QLatin1String(".tar.zst"))) {
        return {QStringLiteral("application/vnd.oci.image.layer.v1.tar+zstd"), ArtifactType::Bundle};
    }
    if (lower.endsWith(QLatin1String(".yaml")) || lower.endsWith(QLatin1String(".yml"))) {
        return {QStringLiteral("application/x-yaml"), ArtifactType::Pack};
    }
    if (lower.endsWith(QLatin1String(".tar"))) {
        return {QStringLiteral("application/vnd.oci.image.layer.v1.tar"), ArtifactType::Bundle};
    }
    if (lower.endsWith(QLatin1String(".json"))) {
        return {QStringLiteral("application/json"), ArtifactType::Component};
    }
    return {QStringLiteral("application/wasm"), ArtifactType::Component};
}

bool isYamlPackPath(const QString& path)
{
    return path.endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive)
        || path.endsWith(QLatin1String(".yml"), Qt::CaseInsensitive);
}

} // namespace dist
