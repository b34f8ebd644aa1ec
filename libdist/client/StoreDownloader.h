// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>
#include <oci/OciClient.h>

#include <QObject>
#include <QString>

#include <functional>

namespace dist {

class OciSource;
struct DistOptions;

struct DownloadResult
{
    QString reference;
    QString mappedReference; // oci://host/repo[:tag]
    QString canonicalRef; // oci://host/repo@<manifest digest>
    Digest digest; // the manifest digest
    QString mediaType;
    QString outputPath;
    qint64 sizeBytes = 0;
};

// `store download`: a store:// artifact's layer (any media type) straight to a file, verified and
// renamed into place, never into the cache.
class StoreDownloader final : public QObject
{
    Q_OBJECT

public:
    StoreDownloader(const DistOptions& options, OciSource& oci, QObject* parent = nullptr);

    // Without an output path, defaultDownloadName in the current directory.
    void download(const QString& reference, const QString& outputPath,
                  std::function<void(Result<DownloadResult>)> done);
    // The Rust client's default output name: last path segment of the mapped reference plus an
    // extension chosen by media type (.json, .wasm, .tgz, .tar.zst, .zip, else .bin).
    static QString defaultDownloadName(const QString& mappedReference, const QString& mediaType);

Q_SIGNALS:
    void progress(const QString& reference, qint64 received, qint64 total);

private:
    void fetchLayer(DownloadResult result, const OciResolution& res, std::function<void(Result<DownloadResult>)> done);

    const DistOptions& m_options;
    OciSource& m_oci;
};

} // namespace dist
