// SPDX-License-Identifier: MIT
#include "OciLayout.h"

#include <core/Sha256.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace dist::test {

OciLayout::OciLayout(const QString& dir)
    : m_dir(dir)
{
    QDir().mkpath(m_dir + QStringLiteral("/blobs/sha256"));
    QFile f(m_dir + QStringLiteral("/oci-layout"));
    f.open(QIODevice::WriteOnly);
    f.write(R"({"imageLayoutVersion":"1.0.0"})");
    // Keep the tags of an existing layout, so several runs can add to one.
    QFile index(m_dir + QStringLiteral("/index.json"));
    if (index.open(QIODevice::ReadOnly)) {
        const QJsonArray list
            = QJsonDocument::fromJson(index.readAll()).object().value(QStringLiteral("manifests")).toArray();
        for (const QJsonValue& v : list) {
            const QJsonObject o = v.toObject();
            OciDescriptor d;
            d.mediaType = o.value(QStringLiteral("mediaType")).toString();
            d.digest = Digest::parse(o.value(QStringLiteral("digest")).toString()).value();
            d.size = o.value(QStringLiteral("size")).toInteger();
            m_tags.append({o.value(QStringLiteral("annotations"))
                               .toObject()
                               .value(QStringLiteral("org.opencontainers.image.ref.name"))
                               .toString(),
                           d});
        }
    }
}

OciDescriptor OciLayout::addBlob(const QByteArray& bytes, const QString& mediaType)
{
    OciDescriptor d;
    d.mediaType = mediaType;
    d.digest = Sha256::hash(bytes);
    d.size = bytes.size();
    QFile f(m_dir + QStringLiteral("/blobs/sha256/") + d.digest.hex());
    f.open(QIODevice::WriteOnly);
    f.write(bytes);
    return d;
}

OciDescriptor OciLayout::addBlobFile(const QString& path, const QString& mediaType)
{
    OciDescriptor d;
    d.mediaType = mediaType;
    qint64 size = 0;
    d.digest = Sha256::hashFile(path, &size).value();
    d.size = size;
    const QString target = m_dir + QStringLiteral("/blobs/sha256/") + d.digest.hex();
    QFile::remove(target);
    // A hard link avoids copying a gigabyte when both live on one file system.
    if (!QFile::link(path, target) || QFileInfo(target).isSymLink()) {
        QFile::remove(target);
        QFile::copy(path, target);
    }
    return d;
}

QJsonObject OciLayout::descriptorJson(const OciDescriptor& d)
{
    QJsonObject o{{QStringLiteral("mediaType"), d.mediaType},
                  {QStringLiteral("digest"), d.digest.toString()},
                  {QStringLiteral("size"), d.size}};
    if (!d.annotations.isEmpty()) {
        QJsonObject a;
        for (auto it = d.annotations.begin(); it != d.annotations.end(); ++it) {
            a.insert(it.key(), it.value());
        }
        o.insert(QStringLiteral("annotations"), a);
    }
    if (!d.artifactType.isEmpty()) {
        o.insert(QStringLiteral("artifactType"), d.artifactType);
    }
    if (!d.platformOs.isEmpty()) {
        o.insert(QStringLiteral("platform"),
                 QJsonObject{{QStringLiteral("os"), d.platformOs},
                             {QStringLiteral("architecture"), d.platformArchitecture}});
    }
    return o;
}

OciDescriptor OciLayout::addManifest(const QList<OciDescriptor>& layers, const QMap<QString, QString>& annotations,
                                     const QString& artifactType, const std::optional<OciDescriptor>& subject)
{
    const OciDescriptor config = addBlob("{}", QStringLiteral("application/vnd.oci.empty.v1+json"));
    QJsonArray layerArray;
    for (const OciDescriptor& l : layers) {
        layerArray.append(descriptorJson(l));
    }
    QJsonObject m{{QStringLiteral("schemaVersion"), 2},
                  {QStringLiteral("mediaType"), MediaTypes::OciManifest},
                  {QStringLiteral("config"), descriptorJson(config)},
                  {QStringLiteral("layers"), layerArray}};
    if (!artifactType.isEmpty()) {
        m.insert(QStringLiteral("artifactType"), artifactType);
    }
    if (subject) {
        m.insert(QStringLiteral("subject"), descriptorJson(*subject));
    }
    if (!annotations.isEmpty()) {
        QJsonObject a;
        for (auto it = annotations.begin(); it != annotations.end(); ++it) {
            a.insert(it.key(), it.value());
        }
        m.insert(QStringLiteral("annotations"), a);
    }
    return addBlob(QJsonDocument(m).toJson(QJsonDocument::Compact), MediaTypes::OciManifest);
}

OciDescriptor OciLayout::addIndex(const QList<OciDescriptor>& manifests, const QList<QJsonObject>& platforms)
{
    QJsonArray list;
    for (qsizetype i = 0; i < manifests.size(); ++i) {
        QJsonObject d = descriptorJson(manifests.at(i));
        if (i < platforms.size()) {
            d.insert(QStringLiteral("platform"), platforms.at(i));
        }
        list.append(d);
    }
    const QJsonObject index{{QStringLiteral("schemaVersion"), 2},
                            {QStringLiteral("mediaType"), MediaTypes::OciIndex},
                            {QStringLiteral("manifests"), list}};
    return addBlob(QJsonDocument(index).toJson(QJsonDocument::Compact), MediaTypes::OciIndex);
}

void OciLayout::tag(const QString& name, const OciDescriptor& manifest)
{
    m_tags.removeIf([&](const auto& t) { return t.first == name; });
    m_tags.append({name, manifest});
}

void OciLayout::finish()
{
    QJsonArray list;
    for (const auto& t : std::as_const(m_tags)) {
        QJsonObject d = descriptorJson(t.second);
        d.insert(QStringLiteral("annotations"),
                 QJsonObject{{QStringLiteral("org.opencontainers.image.ref.name"), t.first}});
        list.append(d);
    }
    QFile f(m_dir + QStringLiteral("/index.json"));
    f.open(QIODevice::WriteOnly);
    f.write(QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2}, {QStringLiteral("manifests"), list}})
                .toJson(QJsonDocument::Compact));
}

} // namespace dist::test
