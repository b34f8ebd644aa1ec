// SPDX-License-Identifier: MIT
#include "LocalFileSource.h"

#include <cache/Cache.h>
#include <cache/IngestFile.h>
#include <core/Background.h>
#include <core/Sha256.h>
#include <extract/TarExtractor.h>
#include <pull/CacheCommitter.h>
#include <pull/DistOptions.h>
#include <pull/FileKind.h>

#include <QFile>
#include <QFileInfo>

namespace dist {

namespace {

struct LocalIngest
{
    std::shared_ptr<IngestFile> sink; // finished: hashed and flushed, ready to commit
    Digest digest;
    FileKind kind;
};

// Copies a local file into the ingest directory, hashing it in the same pass, and types it.
// Runs on a pool thread: it touches nothing but the two files.
Result<LocalIngest> ingestLocalFile(const QString& ingestDir, const QString& path, const QString& raw)
{
    auto ingest = IngestFile::openTemporary(ingestDir);
    if (!ingest) {
        return ingest.error();
    }
    std::shared_ptr<IngestFile> sink(std::move(ingest).value());
    auto failed = [&sink](Error e) -> Result<LocalIngest> {
        sink->discard();
        return e;
    };
    QFile source(path);
    if (!source.open(QIODevice::ReadOnly)) {
        return failed(makeError(ErrorCode::Io, QStringLiteral("cannot read `%1`: %2").arg(raw, source.errorString())));
    }
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = source.read(buffer.data(), buffer.size());
        if (n < 0) {
            return failed(
                makeError(ErrorCode::Io, QStringLiteral("cannot read `%1`: %2").arg(raw, source.errorString())));
        }
        if (n == 0) {
            break;
        }
        if (auto w = sink->write(buffer.constData(), n); !w) {
            return failed(w.error());
        }
    }
    auto digest = sink->finish();
    if (!digest) {
        return failed(digest.error());
    }
    FileKind kind = FileKind::forPath(QFileInfo(path).absoluteFilePath());
    if (kind.type == ArtifactType::Bundle
        && TarExtractor::holdsTopLevelFile(sink->path(), QStringLiteral("pack.yaml"))) {
        // Typed by content, as a registry pull types it: a tarball with a pack.yaml is a pack.
        // (the ingested copy is read: those are the bytes that get recorded)
        QString packType = kind.mediaType;
        packType.replace(QLatin1String("vnd.oci.image.layer.v1.tar"), QLatin1String("vnd.greentic.pack.v1+tar"));
        kind = {packType, ArtifactType::Pack};
    }
    return LocalIngest{sink, digest.value(), kind};
}

} // namespace

LocalFileSource::LocalFileSource(const DistOptions& options, Cache& cache, CacheCommitter& committer, QObject* parent)
    : PullSource(parent)
    , m_options(options)
    , m_cache(cache)
    , m_committer(committer)
{
}

Result<QString> LocalFileSource::pathFor(const PullRequest& request) const
{
    if (request.ref.kind() != ReferenceKind::Fixture) {
        return request.ref.path();
    }
    if (m_options.fixtureDir.isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid input: fixture:// requires GREENTIC_FIXTURE_DIR"));
    }
    QString path = m_options.fixtureDir + u'/' + request.ref.path();
    if (!path.endsWith(QLatin1String(".wasm"))) {
        path += QStringLiteral(".wasm");
    }
    return path;
}

void LocalFileSource::resolve(const PullRequest& request, ResolveDone done)
{
    auto path = pathFor(request);
    if (!path) {
        later([done, e = path.error()] { done(e); });
        return;
    }
    runInBackground<Result<Digest>>(
        this, [path = path.value()] { return Sha256::hashFile(path); },
        [done, raw = request.raw](Result<Digest> digest) {
            if (!digest && digest.code() == ErrorCode::NotFound) {
                done(makeError(ErrorCode::NotFound, QStringLiteral("reference `%1` not found").arg(raw)));
            } else {
                done(digest);
            }
        });
}

void LocalFileSource::fetch(const PullRequest& request, PullDone done)
{
    auto path = pathFor(request);
    if (!path) {
        later([done, e = path.error()] { done(e); });
        return;
    }
    ingest(request.raw, request.ref, path.value(), request.pin, std::move(done));
}

void LocalFileSource::ingest(const QString& raw, const Reference& ref, const QString& path, const Digest& pin,
                             PullDone done)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        later(
            [done, raw] { done(makeError(ErrorCode::NotFound, QStringLiteral("reference `%1` not found").arg(raw))); });
        return;
    }
    if (!info.isFile()) {
        later([done, raw] {
            done(makeError(ErrorCode::InvalidInput,
                           QStringLiteral("invalid reference `%1`: not a regular file").arg(raw)));
        });
        return;
    }
    if (!pin.isNull()) {
        if (auto hit = m_committer.hit(pin)) {
            later([done, hit = *hit, raw, pin] {
                hit ? done(PullResult{raw, pin, hit.value(), false}) : done(hit.error());
            });
            return;
        }
    }
    runInBackground<Result<LocalIngest>>(
        this, [ingestDir = m_cache.ingestDir(), path, raw] { return ingestLocalFile(ingestDir, path, raw); },
        [this, raw, kind = referenceKindName(ref.kind()), pin, absolute = info.absoluteFilePath(),
         done = std::move(done)](Result<LocalIngest> ingested) mutable {
            if (!ingested) {
                done(ingested.error());
                return;
            }
            const LocalIngest& in = ingested.value();
            CacheEntry e = CacheEntry::fresh(in.digest, in.sink->size(), raw, kind,
                                             QStringLiteral("file://%1@%2").arg(absolute, in.digest.toString()));
            e.mediaType = in.kind.mediaType;
            e.artifactType = in.kind.type;
            e.fetchedFrom = absolute;
            m_committer.commit(raw, in.sink, e, pin, std::move(done));
        });
}

} // namespace dist
