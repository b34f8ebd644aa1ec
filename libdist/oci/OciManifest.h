// SPDX-License-Identifier: MIT
#pragma once

#include <cache/CacheEntry.h>
#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace dist {

namespace MediaTypes {
inline const QString OciManifest = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
inline const QString OciIndex = QStringLiteral("application/vnd.oci.image.index.v1+json");
inline const QString DockerManifest = QStringLiteral("application/vnd.docker.distribution.manifest.v2+json");
inline const QString DockerList = QStringLiteral("application/vnd.docker.distribution.manifest.list.v2+json");
// The Accept header for manifest requests.
QByteArray manifestAccept();
bool isIndex(const QString& mediaType);
bool isManifest(const QString& mediaType);
// The component list of the Rust client, in preference order.
const QStringList& componentLayers();
// The pack allowlist and the preferred subset, in preference order.
const QStringList& packLayers();
const QStringList& preferredPackLayers();
// Opaque tarball layers (+tar, +tar+gzip, +tar+zstd) accepted for packs and bundles.
bool isTarLike(const QString& mediaType);
} // namespace MediaTypes

struct OciDescriptor
{
    QString mediaType;
    Digest digest;
    qint64 size = -1;
    QString artifactType;
    QMap<QString, QString> annotations;
    QString platformOs;
    QString platformArchitecture;
    QString platformVariant;
};

// An OCI/Docker image manifest or index, validated (schemaVersion 2, a known media type,
// well-formed descriptors with sha256 digests and sizes).
struct OciManifest
{
    QString mediaType; // from the document, else from Content-Type
    QString artifactType;
    OciDescriptor config;
    QList<OciDescriptor> layers; // image manifests
    QList<OciDescriptor> manifests; // indexes
    QMap<QString, QString> annotations;
    std::optional<OciDescriptor> subject; // OCI 1.1: the artifact this one is about

    bool isIndex() const { return MediaTypes::isIndex(mediaType); }
    static Result<OciManifest> parse(const QByteArray& body, const QString& contentType);
};

// Which layer of an image manifest is the artifact, following the Rust client: try the component
// list (every layer must be a component type), then the pack list widened by the +tar rule.
struct LayerChoice
{
    OciDescriptor layer;
    ArtifactType type = ArtifactType::Component;
};

struct LayerPolicy
{
    QStringList extraComponentTypes;
    QStringList extraPackTypes;
    // `store download`: any layer is acceptable; the first JSON layer wins, then the first
    // application/wasm layer, then the first layer.
    bool anyLayer = false;
    // `pack`: the image is read as a pack whatever its layers say, as the Rust pack fetcher does;
    // an image of application/octet-stream layers is a pack here, not a component.
    bool packOnly = false;
    // A referrer pulled for a subject (pull --with-referrers): signatures and SBOMs are not signed
    // themselves, so --verify-signature asks nothing of them (their subject was checked).
    bool referrerOfChecked = false;
    // `os/arch[/variant]` that an image index entry must match (--platform, GREENTIC_DIST_PLATFORM);
    // empty: see selectFromIndex.
    QString platform;

    Result<LayerChoice> select(const OciManifest& manifest) const;
    // InvalidInput unless `text` is `os/arch` or `os/arch/variant`.
    static Result<void> checkPlatform(const QString& text);
};

// Picks the entry of an index. With `requested` (os/arch[/variant]) only that platform will do.
// Otherwise: the only entry; a WebAssembly entry (wasip2 before other wasm ones); the host's
// platform (`os`/`architecture`); the first of entries that name no platform at all.
Result<OciDescriptor> selectFromIndex(const OciManifest& index, const QString& os, const QString& architecture,
                                      const QString& requested = QString());
QString hostOciArchitecture();

} // namespace dist
