// SPDX-License-Identifier: MIT
#include "HttpsSource.h"

#include <cache/Cache.h>
#include <cache/IngestFile.h>
#include <net/HttpExchange.h>
#include <pull/CacheCommitter.h>
#include <pull/DistOptions.h>
#include <pull/FileKind.h>
#include <pull/ReferenceMapper.h>

namespace dist {

namespace {

bool isLoopbackHost(const QString& host)
{
    const auto probe = OciReference::parse(host + QStringLiteral("/x"));
    return probe.ok() && probe->isLoopbackRegistry();
}

} // namespace

HttpsSource::HttpsSource(QNetworkAccessManager* nam, const DistOptions& options, Cache& cache,
                         CacheCommitter& committer, QObject* parent)
    : PullSource(parent)
    , m_nam(nam)
    , m_options(options)
    , m_cache(cache)
    , m_committer(committer)
{
}

void HttpsSource::cancelAll()
{
    for (const QPointer<HttpExchange>& e : std::as_const(m_exchanges)) {
        if (e) {
            e->cancel();
        }
    }
    m_exchanges.clear();
}

void HttpsSource::resolve(const PullRequest& request, ResolveDone done)
{
    // The content digest is known only once the bytes are in.
    PullRequest unpinned = request;
    unpinned.pin = Digest();
    fetch(unpinned, [done](Result<PullResult> r) { r ? done(r->digest) : done(r.error()); });
}

void HttpsSource::fetch(const PullRequest& request, PullDone done)
{
    const Digest& pin = request.pin;
    const Digest& fragment = request.ref.digest();
    if (!pin.isNull() && !fragment.isNull() && pin != fragment) {
        later([done, raw = request.raw, pin] {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("digest mismatch for `%1`: the lockfile pins %2").arg(raw, pin.toString())));
        });
        return;
    }
    download(request.raw, request.ref, pin.isNull() ? fragment : pin, std::move(done));
}

void HttpsSource::download(const QString& raw, const Reference& ref, const Digest& pin, PullDone done)
{
    const QUrl url = ref.url();
    if (!pin.isNull()) {
        if (auto hit = m_committer.hit(pin)) {
            later([done, hit = *hit, raw, pin] {
                hit ? done(PullResult{raw, pin, hit.value(), false}) : done(hit.error());
            });
            return;
        }
    }
    if (m_options.offline) {
        later([done, raw] { done(offlineError(raw, false)); });
        return;
    }
    if (url.scheme() == u"http" && !(m_options.http.allowInsecureLocalHttp && isLoopbackHost(url.host()))) {
        later([done, url] {
            done(makeError(ErrorCode::InvalidInput,
                           QStringLiteral("insecure url `%1`: only https is allowed")
                               .arg(url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo))));
        });
        return;
    }
    auto ingest = IngestFile::openTemporary(m_cache.ingestDir());
    if (!ingest) {
        later([done, e = ingest.error()] { done(e); });
        return;
    }
    std::shared_ptr<IngestFile> sink(std::move(ingest).value());
    HttpRequest req;
    req.url = url;
    req.what = url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment);
    auto* exchange = new HttpExchange(m_nam, nullptr, m_options.http, this);
    m_exchanges.append(exchange);
    exchange->start(
        req, sink.get(),
        [this, raw, kind = referenceKindName(ref.kind()), sink, pin, done, url](Result<HttpResponse> r) {
            if (!r) {
                sink->discard();
                done(r.error());
                return;
            }
            auto digest = sink->finish();
            if (!digest) {
                sink->discard();
                done(digest.error());
                return;
            }
            QString mediaType = QString::fromLatin1(r->header("Content-Type")).section(u';', 0, 0).trimmed();
            if (mediaType.isEmpty()) {
                mediaType = QStringLiteral("application/wasm");
            }
            const QString clean = url.toString(QUrl::RemoveUserInfo | QUrl::RemoveFragment);
            CacheEntry e
                = CacheEntry::fresh(digest.value(), sink->size(), raw, kind, clean + u'@' + digest->toString());
            e.mediaType = mediaType;
            e.artifactType = FileKind::forPath(url.path()).type;
            e.fetchedFrom = url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment);
            m_committer.commit(raw, sink, e, pin, done);
        },
        [this, raw](qint64 received, qint64 total) { Q_EMIT progress(raw, received, total); });
}

} // namespace dist
