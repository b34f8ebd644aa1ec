// SPDX-License-Identifier: MIT
#include "StoreDownloader.h"

#include <cache/IngestFile.h>
#include <core/AtomicFile.h>
#include <pull/DistOptions.h>
#include <pull/ReferenceMapper.h>
#include <sources/OciSource.h>

#include <QFileInfo>
#include <QTimer>

namespace dist {

namespace {

Error writeFailed(const QString& why)
{
    return makeError(ErrorCode::InvalidInput, QStringLiteral("failed to write downloaded artifact: %1").arg(why));
}

} // namespace

StoreDownloader::StoreDownloader(const DistOptions& options, OciSource& oci, QObject* parent)
    : QObject(parent)
    , m_options(options)
    , m_oci(oci)
{
}

QString StoreDownloader::defaultDownloadName(const QString& mappedReference, const QString& mediaType)
{
    QString name = mappedReference;
    if (name.startsWith(QLatin1String("oci://"))) {
        name = name.mid(6);
    }
    name = name.section(u'@', 0, 0).section(u'/', -1).section(u':', 0, 0);
    QString ext = QStringLiteral(".bin");
    if (mediaType == u"application/json" || mediaType.endsWith(QLatin1String("+json"))) {
        ext = QStringLiteral(".json");
    } else if (mediaType == u"application/wasm") {
        ext = QStringLiteral(".wasm");
    } else if (mediaType.endsWith(QLatin1String("+gzip"))) {
        ext = QStringLiteral(".tgz");
    } else if (mediaType.endsWith(QLatin1String("+zstd"))) {
        ext = QStringLiteral(".tar.zst");
    } else if (mediaType.endsWith(QLatin1String("+zip"))) {
        ext = QStringLiteral(".zip");
    }
    return name + ext;
}

void StoreDownloader::download(const QString& reference, const QString& outputPath,
                               std::function<void(Result<DownloadResult>)> done)
{
    auto fail = [this, done](Error e) { QTimer::singleShot(0, this, [done, e] { done(e); }); };
    auto ref = Reference::parse(reference);
    if (!ref || ref->kind() != ReferenceKind::Store) {
        fail(makeError(ErrorCode::InvalidInput,
                       QStringLiteral("invalid input: store download requires a store:// reference")));
        return;
    }
    if (m_options.offline) {
        fail(offlineError(reference, false));
        return;
    }
    auto oci = m_oci.mapper().ociFor(ref.value());
    if (!oci) {
        fail(oci.error());
        return;
    }
    m_oci.withTenantCredentials(
        oci.value(), [this, reference, outputPath, oci = oci.value(), done](Result<void> ready) {
            if (!ready) {
                done(ready.error());
                return;
            }
            LayerPolicy any;
            any.anyLayer = true;
            any.platform = m_options.layers.platform;
            m_oci.client().resolve(oci, any, [this, reference, outputPath, oci, done](Result<OciResolution> res) {
                if (!res) {
                    done(res.error());
                    return;
                }
                DownloadResult result;
                result.reference = reference;
                result.mappedReference = QStringLiteral("oci://") + oci.toString();
                result.canonicalRef
                    = QStringLiteral("oci://%1@%2").arg(oci.repositoryPath(), res->manifestDigest.toString());
                result.digest = res->manifestDigest;
                result.mediaType = res->choice.layer.mediaType;
                result.outputPath
                    = QFileInfo(outputPath.isEmpty() ? defaultDownloadName(result.mappedReference, result.mediaType)
                                                     : outputPath)
                          .absoluteFilePath();
                fetchLayer(result, res.value(), done);
            });
        });
}

void StoreDownloader::fetchLayer(DownloadResult result, const OciResolution& res,
                                 std::function<void(Result<DownloadResult>)> done)
{
    auto ingest = IngestFile::openTemporary(QFileInfo(result.outputPath).absolutePath());
    if (!ingest) {
        done(writeFailed(ingest.message()));
        return;
    }
    std::shared_ptr<IngestFile> sink(std::move(ingest).value());
    const OciDescriptor layer = res.choice.layer;
    m_oci.client().fetchBlob(
        res.reference, layer, sink.get(),
        [sink, layer, result, done](Result<QString> r) mutable {
            if (!r) {
                sink->discard();
                done(r.error());
                return;
            }
            auto digest = sink->finish();
            if (!digest || digest.value() != layer.digest) {
                sink->discard();
                done(digest ? makeError(ErrorCode::Integrity,
                                        QStringLiteral("corrupt artifact `%1`: fetched digest %2 did not match the "
                                                       "layer digest %3")
                                            .arg(result.reference, digest->toString(), layer.digest.toString()))
                            : digest.error());
                return;
            }
            result.sizeBytes = sink->size();
            if (auto moved = AtomicFile::rename(sink->path(), result.outputPath); !moved) {
                sink->discard();
                done(writeFailed(moved.message()));
                return;
            }
            done(result);
        },
        [this, reference = result.reference](qint64 received, qint64 total) {
            Q_EMIT progress(reference, received, total);
        });
}

} // namespace dist
