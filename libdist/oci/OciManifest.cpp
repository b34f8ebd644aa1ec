// SPDX-License-Identifier: MIT
#include "OciManifest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSysInfo>

namespace dist {

namespace MediaTypes {

QByteArray manifestAccept()
{
    return (OciManifest + QStringLiteral(", ") + OciIndex + QStringLiteral(", ") + DockerManifest + QStringLiteral(", ")
            + DockerList)
        .toLatin1();
}

bool isIndex(const QString& mediaType)
{
    return mediaType == OciIndex || mediaType == DockerList;
}

bool isManifest(const QString& mediaType)
{
    return mediaType == OciManifest || mediaType == DockerManifest;
}

const QStringList& componentLayers()
{
    static const QStringList list = {
        QStringLiteral("application/vnd.wasm.component.v1+wasm"),
        QStringLiteral("application/vnd.module.wasm.content.layer.v1+wasm"),
        QStringLiteral("application/vnd.greentic.wasm.component"),
        QStringLiteral("application/wasm"),
        QStringLiteral("application/vnd.greentic.component.manifest+json"),
        QStringLiteral("application/vnd.greentic.component.manifest.v1+json"),
        QStringLiteral("application/vnd.greentic.component.package.v1+json"),
        QStringLiteral("application/octet-stream"),
    };
    return list;
}

const QStringList& packLayers()
{
    static const QStringList list = {
        QStringLiteral("application/vnd.greentic.pack+json"),
        QStringLiteral("application/vnd.greentic.gtpack.v1+zip"),
        QStringLiteral("application/vnd.greentic.gtpack+zip"),
        QStringLiteral("application/vnd.greentic.pack+zip"),
        QStringLiteral("application/vnd.greentic.gtpack.layer.v1+tar"),
        QStringLiteral("text/markdown"),
        QStringLiteral("application/octet-stream"),
        QStringLiteral("application/json"),
        QStringLiteral("application/vnd.oci.image.layer.v1.tar"),
        QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"),
        QStringLiteral("application/vnd.oci.image.layer.v1.tar+zstd"),
    };
    return list;
}

const QStringList& preferredPackLayers()
{
    static const QStringList list = {
        QStringLiteral("application/vnd.greentic.pack+json"),
        QStringLiteral("application/vnd.greentic.gtpack.v1+zip"),
        QStringLiteral("application/vnd.greentic.gtpack+zip"),
        QStringLiteral("application/vnd.greentic.pack+zip"),
        QStringLiteral("text/markdown"),
    };
    return list;
}

bool isTarLike(const QString& mediaType)
{
    return mediaType.endsWith(QLatin1String("+tar")) || mediaType.endsWith(QLatin1String("+tar+gzip"))
        || mediaType.endsWith(QLatin1String("+tar+zstd"));
}

} // namespace MediaTypes

namespace {

Error bad(const QString& why)
{
    return makeError(ErrorCode::Protocol, QStringLiteral("invalid manifest: %1").arg(why));
}

Result<QMap<QString, QString>> parseAnnotations(const QJsonValue& v, const QString& where)
{
    QMap<QString, QString> out;
    if (v.isUndefined() || v.isNull()) {
        return out;
    }
    if (!v.isObject()) {
        return bad(QStringLiteral("%1 annotations must be an object").arg(where));
    }
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!it.value().isString()) {
            return bad(QStringLiteral("%1 annotation `%2` must be a string").arg(where, it.key()));
        }
        out.insert(it.key(), it.value().toString());
    }
    return out;
}

Result<OciDescriptor> parseDescriptor(const QJsonValue& v, const QString& where)
{
    if (!v.isObject()) {
        return bad(QStringLiteral("%1 must be a descriptor object").arg(where));
    }
    const QJsonObject o = v.toObject();
    OciDescriptor d;
    const QJsonValue mt = o.value(QStringLiteral("mediaType"));
    if (!mt.isString() || mt.toString().isEmpty()) {
        return bad(QStringLiteral("%1 has no mediaType").arg(where));
    }
    d.mediaType = mt.toString();
    const QJsonValue digest = o.value(QStringLiteral("digest"));
    if (!digest.isString()) {
        return bad(QStringLiteral("%1 has no digest").arg(where));
    }
    auto parsed = Digest::parse(digest.toString());
    if (!parsed) {
        return bad(QStringLiteral("%1 digest `%2` is not a sha256 digest").arg(where, digest.toString()));
    }
    d.digest = parsed.value();
    const QJsonValue size = o.value(QStringLiteral("size"));
    const double sz = size.toDouble(-1);
    if (!size.isDouble() || sz < 0 || sz != static_cast<double>(static_cast<qint64>(sz)) || sz > 9.007199254740992e15) {
        return bad(QStringLiteral("%1 size must be a non-negative integer").arg(where));
    }
    d.size = static_cast<qint64>(sz);
    d.artifactType = o.value(QStringLiteral("artifactType")).toString();
    auto ann = parseAnnotations(o.value(QStringLiteral("annotations")), where);
    if (!ann) {
        return ann.error();
    }
    d.annotations = ann.value();
    const QJsonValue platformValue = o.value(QStringLiteral("platform"));
    if (!platformValue.isUndefined() && !platformValue.isNull() && !platformValue.isObject()) {
        return bad(QStringLiteral("%1 platform must be an object").arg(where));
    }
    const QJsonObject platform = platformValue.toObject();
    d.platformOs = platform.value(QStringLiteral("os")).toString();
    d.platformArchitecture = platform.value(QStringLiteral("architecture")).toString();
    d.platformVariant = platform.value(QStringLiteral("variant")).toString();
    return d;
}

} // namespace

Result<OciManifest> OciManifest::parse(const QByteArray& body, const QString& contentType)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &perr);
    if (perr.error != QJsonParseError::NoError) {
        return bad(QStringLiteral("not JSON (%1)").arg(perr.errorString()));
    }
    if (!doc.isObject()) {
        return bad(QStringLiteral("not a JSON object"));
    }
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("schemaVersion")).toInt(-1) != 2
        || !o.value(QStringLiteral("schemaVersion")).isDouble()) {
        return bad(QStringLiteral("schemaVersion must be 2"));
    }
    OciManifest m;
    const QString ct = contentType.section(u';', 0, 0).trimmed();
    const QJsonValue mt = o.value(QStringLiteral("mediaType"));
    if (!mt.isUndefined() && !mt.isString()) {
        return bad(QStringLiteral("mediaType must be a string"));
    }
    m.mediaType = mt.toString();
    if (m.mediaType.isEmpty()) {
        m.mediaType = ct;
    }
    if (m.mediaType.isEmpty()) {
        // No declared type: an index has "manifests", an image manifest has "layers".
        m.mediaType = o.contains(QStringLiteral("manifests")) ? MediaTypes::OciIndex : MediaTypes::OciManifest;
    }
    if (!MediaTypes::isIndex(m.mediaType) && !MediaTypes::isManifest(m.mediaType)) {
        return bad(QStringLiteral("unsupported media type `%1`").arg(m.mediaType));
    }
    if (!mt.toString().isEmpty() && !ct.isEmpty() && ct != mt.toString()
        && (MediaTypes::isIndex(ct) || MediaTypes::isManifest(ct))) {
        return bad(QStringLiteral("mediaType `%1` does not match Content-Type `%2`").arg(mt.toString(), ct));
    }
    m.artifactType = o.value(QStringLiteral("artifactType")).toString();
    auto ann = parseAnnotations(o.value(QStringLiteral("annotations")), QStringLiteral("manifest"));
    if (!ann) {
        return ann.error();
    }
    m.annotations = ann.value();
    if (const QJsonValue subject = o.value(QStringLiteral("subject")); !subject.isUndefined()) {
        auto d = parseDescriptor(subject, QStringLiteral("subject"));
        if (!d) {
            return d.error();
        }
        m.subject = d.value();
    }

    if (m.isIndex()) {
        const QJsonValue list = o.value(QStringLiteral("manifests"));
        if (!list.isArray()) {
            return bad(QStringLiteral("index has no manifests array"));
        }
        const QJsonArray a = list.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            auto d = parseDescriptor(a.at(i), QStringLiteral("manifests[%1]").arg(i));
            if (!d) {
                return d.error();
            }
            m.manifests.append(d.value());
        }
        return m;
    }

    auto config = parseDescriptor(o.value(QStringLiteral("config")), QStringLiteral("config"));
    if (!config) {
        return config.error();
    }
    m.config = config.value();
    const QJsonValue layers = o.value(QStringLiteral("layers"));
    if (!layers.isArray()) {
        return bad(QStringLiteral("manifest has no layers array"));
    }
    const QJsonArray a = layers.toArray();
    for (qsizetype i = 0; i < a.size(); ++i) {
        auto d = parseDescriptor(a.at(i), QStringLiteral("layers[%1]").arg(i));
        if (!d) {
            return d.error();
        }
        m.layers.append(d.value());
    }
    return m;
}

namespace {

// Lowest rank in `preferred` wins; with no preferred layer, the first layer.
OciDescriptor pickPreferred(const QList<OciDescriptor>& layers, const QStringList& preferred)
{
    qsizetype bestRank = -1;
    const OciDescriptor* best = nullptr;
    for (const OciDescriptor& l : layers) {
        const qsizetype rank = preferred.indexOf(l.mediaType);
        if (rank >= 0 && (bestRank < 0 || rank < bestRank)) {
            bestRank = rank;
            best = &l;
        }
    }
    return best ? *best : layers.first();
}

ArtifactType packTypeFor(const QString& mediaType)
{
    const bool isPack = mediaType.contains(QLatin1String("gtpack")) || mediaType.contains(QLatin1String(".pack+"))
        || mediaType.contains(QLatin1String(".pack."));
    if (isPack) {
        return ArtifactType::Pack;
    }
    return MediaTypes::isTarLike(mediaType) || mediaType.startsWith(QLatin1String("application/vnd.oci.image.layer."))
        ? ArtifactType::Bundle
        : ArtifactType::Pack;
}

// Pack layers in preference order: the greentic pack types, then any tarball, then the README-ish
// rest. (The Rust client ranks text/markdown above tarballs and so returns a pack's README.)
OciDescriptor pickPackLayer(const QList<OciDescriptor>& layers)
{
    const QStringList& preferred = MediaTypes::preferredPackLayers();
    auto rank = [&](const OciDescriptor& l) -> int {
        const qsizetype r = preferred.indexOf(l.mediaType);
        if (r >= 0 && l.mediaType != u"text/markdown") {
            return static_cast<int>(r);
        }
        if (MediaTypes::isTarLike(l.mediaType)
            || l.mediaType.startsWith(QLatin1String("application/vnd.oci.image.layer."))) {
            return 100;
        }
        if (l.mediaType == u"text/markdown") {
            return 200;
        }
        return 300;
    };
    const OciDescriptor* best = &layers.first();
    for (const OciDescriptor& l : layers) {
        if (rank(l) < rank(*best)) {
            best = &l;
        }
    }
    return *best;
}

} // namespace

Result<LayerChoice> LayerPolicy::select(const OciManifest& manifest) const
{
    if (manifest.layers.isEmpty()) {
        return makeError(ErrorCode::Protocol, QStringLiteral("invalid manifest: it has no layers"));
    }
    if (anyLayer) {
        auto isJson = [](const OciDescriptor& l) {
            return l.mediaType == u"application/json" || l.mediaType.endsWith(QLatin1String("+json"));
        };
        auto pick = std::find_if(manifest.layers.begin(), manifest.layers.end(), isJson);
        if (pick == manifest.layers.end()) {
            pick = std::find_if(manifest.layers.begin(), manifest.layers.end(),
                                [](const OciDescriptor& l) { return l.mediaType == u"application/wasm"; });
        }
        const OciDescriptor chosen = pick != manifest.layers.end() ? *pick : manifest.layers.first();
        const bool wasm = chosen.mediaType.contains(QLatin1String("wasm"));
        return LayerChoice{chosen, wasm ? ArtifactType::Component : packTypeFor(chosen.mediaType)};
    }
    QStringList component = MediaTypes::componentLayers();
    component += extraComponentTypes;
    if (packOnly) {
        // The one type both lists share: read as a pack layer here.
        component.removeAll(QStringLiteral("application/octet-stream"));
    }
    const bool allComponent = std::all_of(manifest.layers.begin(), manifest.layers.end(),
                                          [&](const OciDescriptor& l) { return component.contains(l.mediaType); });
    if (allComponent) {
        return LayerChoice{pickPreferred(manifest.layers, component), ArtifactType::Component};
    }
    QStringList pack = MediaTypes::packLayers();
    pack += extraPackTypes;
    auto isPack
        = [&](const OciDescriptor& l) { return pack.contains(l.mediaType) || MediaTypes::isTarLike(l.mediaType); };
    if (!std::all_of(manifest.layers.begin(), manifest.layers.end(), isPack)) {
        // Name the layer neither list accepts; failing that, the first that keeps it from being a pack.
        auto bad = std::find_if(manifest.layers.begin(), manifest.layers.end(),
                                [&](const OciDescriptor& l) { return !isPack(l) && !component.contains(l.mediaType); });
        if (bad == manifest.layers.end()) {
            bad = std::find_if_not(manifest.layers.begin(), manifest.layers.end(), isPack);
        }
        return makeError(ErrorCode::Protocol,
                         QStringLiteral("oci error: Incompatible layer media type: %1").arg(bad->mediaType));
    }
    const OciDescriptor chosen = pickPackLayer(manifest.layers);
    return LayerChoice{chosen, packTypeFor(chosen.mediaType)};
}

QString hostOciArchitecture()
{
    const QString cpu = QSysInfo::currentCpuArchitecture();
    if (cpu == u"x86_64") {
        return QStringLiteral("amd64");
    }
    if (cpu == u"arm64" || cpu == u"aarch64") {
        return QStringLiteral("arm64");
    }
    if (cpu == u"i386") {
        return QStringLiteral("386");
    }
    return cpu;
}

Result<void> LayerPolicy::checkPlatform(const QString& text)
{
    static const QRegularExpression shape(QStringLiteral("^[a-z0-9._-]+/[a-z0-9._-]+(/[a-z0-9._-]+)?$"));
    if (!shape.match(text).hasMatch()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("platform `%1` is not os/arch or os/arch/variant (e.g. wasip2/wasm, "
                                        "linux/arm64/v8)")
                             .arg(text));
    }
    return {};
}

Result<OciDescriptor> selectFromIndex(const OciManifest& index, const QString& os, const QString& architecture,
                                      const QString& requested)
{
    QList<OciDescriptor> candidates;
    for (const OciDescriptor& d : index.manifests) {
        if (MediaTypes::isManifest(d.mediaType)) {
            candidates.append(d);
        }
    }
    if (candidates.isEmpty()) {
        return makeError(ErrorCode::NotFound, QStringLiteral("the index lists no image manifests"));
    }
    auto platformOf = [](const OciDescriptor& d) {
        QString p = d.platformOs + u'/' + d.platformArchitecture;
        if (!d.platformVariant.isEmpty()) {
            p += u'/' + d.platformVariant;
        }
        return p;
    };
    auto offered = [&] {
        QStringList names;
        for (const OciDescriptor& d : candidates) {
            names << (d.platformOs.isEmpty() ? QStringLiteral("(none)") : platformOf(d));
        }
        return names.join(QStringLiteral(", "));
    };
    if (!requested.isEmpty()) {
        const QStringList want = requested.split(u'/');
        for (const OciDescriptor& d : candidates) {
            if (d.platformOs == want.value(0) && d.platformArchitecture == want.value(1)
                && (want.size() < 3 || d.platformVariant == want.value(2))) {
                return d;
            }
        }
        return makeError(
            ErrorCode::NotFound,
            QStringLiteral("no entry in the image index for platform %1 (it has: %2)").arg(requested, offered()));
    }
    if (candidates.size() == 1) {
        return candidates.first();
    }
    // What this client runs is WebAssembly: an entry built for it (architecture `wasm`, os `wasip2`,
    // `wasip1`, …, as the CNCF wasm OCI artifact layout names them) beats the host's native build,
    // and a component (wasip2) beats a core module (wasip1).
    const OciDescriptor* wasm = nullptr;
    for (const OciDescriptor& d : candidates) {
        if (d.platformArchitecture == u"wasm"
            && (!wasm || (d.platformOs == u"wasip2" && wasm->platformOs != u"wasip2"))) {
            wasm = &d;
        }
    }
    if (wasm) {
        return *wasm;
    }
    for (const OciDescriptor& d : candidates) {
        if (d.platformOs == os && d.platformArchitecture == architecture) {
            return d;
        }
    }
    // Artifact indexes often carry one entry per flavour without platforms; the first wins only when
    // none of them names a platform at all.
    const bool anyPlatform = std::any_of(candidates.begin(), candidates.end(),
                                         [](const OciDescriptor& d) { return !d.platformOs.isEmpty(); });
    if (!anyPlatform) {
        return candidates.first();
    }
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("no entry in the image index matches platform %1/%2 (it has: %3; choose one "
                                    "with --platform)")
                         .arg(os, architecture, offered()));
}

} // namespace dist
