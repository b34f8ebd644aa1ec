// SPDX-License-Identifier: MIT
#include "YamlPackSource.h"

#include "HttpsSource.h"
#include "LocalFileSource.h"
#include <cache/Cache.h>
#include <core/Background.h>
#include <core/Logging.h>
#include <trust/PackCanonicalizer.h>

#include <QFile>

namespace dist {

namespace {

// A local pack's canonical digest, read without copying it into the cache. Runs on a pool thread.
Result<Digest> localPackDigest(const QString& path, const QString& raw)
{
    QFile f(path);
    if (!f.exists()) {
        return makeError(ErrorCode::NotFound, QStringLiteral("reference `%1` not found").arg(raw));
    }
    if (!f.open(QIODevice::ReadOnly) || f.size() > PackCanonicalizer::kMaxTotalSize) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("cannot read pack `%1`: %2")
                             .arg(raw, f.isOpen() ? QStringLiteral("larger than 10 MiB") : f.errorString()));
    }
    auto d = PackCanonicalizer::canonicalDigest(f.readAll(), ErrorCode::InvalidInput);
    if (!d) {
        return makeError(d.code(), QStringLiteral("pack `%1`: %2").arg(raw, d.message()));
    }
    return d.value();
}

} // namespace

YamlPackSource::YamlPackSource(Cache& cache, LocalFileSource& files, HttpsSource& https, QObject* parent)
    : PullSource(parent)
    , m_cache(cache)
    , m_files(files)
    , m_https(https)
{
}

void YamlPackSource::resolve(const PullRequest& request, ResolveDone done)
{
    if (request.ref.kind() == ReferenceKind::File) {
        runInBackground<Result<Digest>>(
            this, [path = request.ref.path(), raw = request.raw] { return localPackDigest(path, raw); },
            std::move(done));
        return;
    }
    PullRequest unpinned = request;
    unpinned.pin = Digest();
    fetch(unpinned, [done](Result<PullResult> r) { r ? done(r->digest) : done(r.error()); });
}

void YamlPackSource::fetch(const PullRequest& request, PullDone done)
{
    const Reference& ref = request.ref;
    const Digest& pin = request.pin;
    if (!pin.isNull() && !ref.digest().isNull() && pin != ref.digest()) {
        later([done, raw = request.raw, pin] {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("digest mismatch for `%1`: the lockfile pins %2").arg(raw, pin.toString())));
        });
        return;
    }
    const Digest packPin = pin.isNull() ? ref.digest() : pin;
    // Local content is the operator's own: bad YAML there is invalid input. Downloaded content that
    // does not canonicalize cannot be verified: an integrity failure.
    const ErrorCode badContent = ref.kind() == ReferenceKind::File ? ErrorCode::InvalidInput : ErrorCode::Integrity;
    PullDone identified = [this, raw = request.raw, packPin, badContent, done](Result<PullResult> r) {
        identify(raw, packPin, badContent, std::move(r), done);
    };
    // The bytes are pinned by the canonical digest, not the content digest: they are pulled unpinned.
    if (ref.kind() == ReferenceKind::File) {
        m_files.ingest(request.raw, ref, ref.path(), Digest(), std::move(identified));
    } else {
        m_https.download(request.raw, ref, Digest(), std::move(identified));
    }
}

void YamlPackSource::identify(const QString& raw, const Digest& packPin, ErrorCode badContent,
                              Result<PullResult> pulled, PullDone done)
{
    if (!pulled) {
        done(pulled.error());
        return;
    }
    QFile f(pulled->entry.localPath);
    if (!f.open(QIODevice::ReadOnly) || f.size() > PackCanonicalizer::kMaxTotalSize) {
        done(makeError(badContent,
                       QStringLiteral("pack `%1` is unreadable or larger than %2 bytes")
                           .arg(raw)
                           .arg(PackCanonicalizer::kMaxTotalSize)));
        return;
    }
    auto digest = PackCanonicalizer::canonicalDigest(f.readAll(), badContent);
    if (!digest) {
        done(makeError(digest.code(), QStringLiteral("pack `%1`: %2").arg(raw, digest.message())));
        return;
    }
    if (!packPin.isNull() && packPin != digest.value()) {
        done(makeError(ErrorCode::Integrity,
                       QStringLiteral("digest mismatch for `%1`: expected %2, got %3")
                           .arg(raw, packPin.toString(), digest->toString())));
        return;
    }
    PullResult result = pulled.value();
    result.digest = digest.value();
    const QString packDigest = digest->toString();
    if (result.entry.annotations.value(QStringLiteral("assay.pack.digest")) != packDigest) {
        auto updated = m_cache.updateEntry(result.entry.digest, [&packDigest](CacheEntry& e) {
            e.annotations.insert(QStringLiteral("assay.pack.digest"), packDigest);
            e.artifactType = ArtifactType::Pack;
            return true;
        });
        if (updated) {
            result.entry = updated.value();
        } else {
            qCWarning(lcCache).noquote() << "cannot record the pack digest:" << updated.message();
            result.entry.annotations.insert(QStringLiteral("assay.pack.digest"), packDigest);
            result.entry.artifactType = ArtifactType::Pack;
        }
    }
    done(result);
}

} // namespace dist
