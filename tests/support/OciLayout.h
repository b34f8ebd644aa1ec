// SPDX-License-Identifier: MIT
#pragma once

#include <oci/OciManifest.h>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace dist::test {

// Writes an OCI image layout (oci-layout, index.json, blobs/sha256/…) that skopeo can copy to a
// registry. Blobs are written as they are added; large ones can be added from a file by path.
class OciLayout
{
public:
    explicit OciLayout(const QString& dir);

    const QString& dir() const { return m_dir; }

    OciDescriptor addBlob(const QByteArray& bytes, const QString& mediaType);
    // Streams a file into the layout (for big blobs); the file is hashed while copied.
    OciDescriptor addBlobFile(const QString& path, const QString& mediaType);
    OciDescriptor addManifest(const QList<OciDescriptor>& layers, const QMap<QString, QString>& annotations = {},
                              const QString& artifactType = QStringLiteral("application/vnd.greentic.test.v1"),
                              const std::optional<OciDescriptor>& subject = std::nullopt);
    OciDescriptor addIndex(const QList<OciDescriptor>& manifests, const QList<QJsonObject>& platforms = {});
    void tag(const QString& name, const OciDescriptor& manifest);
    // Writes index.json; call after all tags.
    void finish();

    static QJsonObject descriptorJson(const OciDescriptor& d);

private:
    QString m_dir;
    QList<QPair<QString, OciDescriptor>> m_tags;
};

} // namespace dist::test
