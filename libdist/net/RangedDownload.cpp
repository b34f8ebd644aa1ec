// SPDX-License-Identifier: MIT
#include "RangedDownload.h"

#include "HttpWire.h"
#include <cache/IngestFile.h>
#include <core/Logging.h>

#include <QTimer>

#include <cstring>

namespace dist {

RangedDownload::RangedDownload(QNetworkAccessManager* nam, RegistryAuth* auth, const HttpOptions& options,
                               QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_auth(auth)
    , m_options(options)
{
}

RangedDownload::~RangedDownload() = default;

void RangedDownload::start(const HttpRequest& request, IngestFile* sink, HttpExchange::Finished finished,
                           HttpExchange::Progress progress)
{
    m_request = request;
    m_sink = sink;
    m_finished = std::move(finished);
    m_progress = std::move(progress);
    m_total = request.expectedSize;
    m_chunkUrl = request.url;
    m_streamFrom = sink->size();
    auto* stream = new HttpExchange(m_nam, m_auth, m_options, this);
    m_stream = stream;
    m_exchanges.append(stream);
    stream->start(
        m_request, m_sink, [this](Result<HttpResponse> r) { onStream(std::move(r)); }, m_progress);
    m_clock.start();
    m_sampler.setInterval(1000);
    connect(&m_sampler, &QTimer::timeout, this, &RangedDownload::sample);
    m_sampler.start();
}

void RangedDownload::sample()
{
    if (m_done || !m_stream || m_switching) {
        m_sampler.stop();
        return;
    }
    const qint64 received = m_sink->size() - m_streamFrom;
    const double rate
        = static_cast<double>(received) * 1000.0 / static_cast<double>(std::max<qint64>(m_clock.elapsed(), 1));
    if (rate >= static_cast<double>(m_options.rangedBelowBytesPerSecond)
        || m_total - m_sink->size() < m_options.rangedMinBytes) {
        return; // fast enough (measured again in a second), or too little left to be worth it
    }
    qCInfo(lcHttp).noquote() << m_request.what << ": one stream gives" << qint64(rate / 1e6) << "MB/s; the rest ("
                             << m_total - m_sink->size() << "bytes) over up to" << m_options.rangedConnections
                             << "ranged connections";
    m_sampler.stop();
    m_switching = true;
    m_stream->cancel(); // what it received stays in the sink; onStream goes on from there
}

void RangedDownload::onStream(Result<HttpResponse> r)
{
    if (m_done) {
        return;
    }
    m_sampler.stop();
    if (m_switching && !r && r.code() == ErrorCode::Cancelled) {
        m_next = m_sink->size();
        probe();
        return;
    }
    finish(std::move(r));
}

void RangedDownload::cancel()
{
    fail(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")));
}

qint64 RangedDownload::chunkLength(qint64 offset) const
{
    return std::min(m_options.rangedChunkBytes, m_total - offset);
}

HttpRequest RangedDownload::chunkRequest(qint64 offset, qint64 length) const
{
    HttpRequest req = m_request;
    req.url = m_chunkUrl;
    if (!HttpWire::sameOrigin(m_chunkUrl, m_request.url)) {
        // Redirected to another host (a CDN with a signed URL): the registry's credentials stay home.
        req.authHost.clear();
        req.authScope.clear();
        req.basicAuthorization.clear();
    }
    req.headers.append({QByteArrayLiteral("Range"),
                        "bytes=" + QByteArray::number(offset) + '-' + QByteArray::number(offset + length - 1)});
    req.http1Only = true;
    req.maxBodyBytes = length;
    req.expectedSize = length;
    req.what = QStringLiteral("%1 (bytes %2-%3)").arg(m_request.what).arg(offset).arg(offset + length - 1);
    return req;
}

bool RangedDownload::isExpectedRange(const HttpResponse& r, qint64 offset, qint64 length, qint64 total)
{
    qint64 first = -1;
    qint64 last = -1;
    qint64 size = -1;
    return r.status == 206
        && HttpWire::parseContentRange(r.header(QByteArrayLiteral("Content-Range")), &first, &last, &size)
        && first == offset && last == offset + length - 1 && (size < 0 || size == total) && r.body.size() == length;
}

void RangedDownload::probe()
{
    const qint64 offset = m_next;
    const qint64 length = chunkLength(offset);
    m_next += length;
    ++m_running;
    auto* exchange = new HttpExchange(m_nam, m_auth, m_options, this);
    m_exchanges.append(exchange);
    exchange->start(chunkRequest(offset, length), nullptr, [this](Result<HttpResponse> r) { onProbe(std::move(r)); });
}

void RangedDownload::onProbe(Result<HttpResponse> r)
{
    --m_running;
    if (m_done) {
        return;
    }
    const qint64 offset = m_sink->size();
    const qint64 length = chunkLength(offset);
    if (!r) {
        if (r.detail() == ErrorDetail::BodyTooLarge) {
            fallBackToOneStream(QStringLiteral("the server ignored the Range header"));
        } else {
            finish(r.error());
        }
        return;
    }
    if (!isExpectedRange(r.value(), offset, length, m_total)) {
        fallBackToOneStream(QStringLiteral("HTTP %1 with Content-Range `%2` to a range request")
                                .arg(r->status)
                                .arg(QString::fromLatin1(r->header(QByteArrayLiteral("Content-Range")))));
        return;
    }
    // Later chunks go straight to where the first one came from, without the redirect round trip.
    m_chunkUrl = r->finalUrl;
    arrived(offset, std::move(r->body));
}

void RangedDownload::fallBackToOneStream(const QString& why)
{
    qCInfo(lcHttp).noquote() << m_request.what << ":" << why << "- fetching it in one stream";
    auto* exchange = new HttpExchange(m_nam, m_auth, m_options, this);
    m_exchanges.append(exchange);
    ++m_running;
    exchange->start(
        m_request, m_sink,
        [this](Result<HttpResponse> r) {
            --m_running;
            finish(std::move(r));
        },
        m_progress);
}

void RangedDownload::fill()
{
    if (m_done) {
        return;
    }
    const qint64 window = m_options.rangedChunkBytes * (m_options.rangedConnections + 2);
    while (m_running < m_options.rangedConnections && m_next < m_total && m_next - m_sink->size() < window) {
        fetchChunk(m_next);
        m_next += chunkLength(m_next);
    }
    if (m_running == 0 && m_sink->size() == m_total) {
        HttpResponse done;
        done.status = 206;
        done.finalUrl = m_chunkUrl;
        finish(std::move(done));
    }
}

void RangedDownload::fetchChunk(qint64 offset)
{
    const qint64 length = chunkLength(offset);
    ++m_running;
    auto* exchange = new HttpExchange(m_nam, m_auth, m_options, this);
    m_exchanges.removeAll(nullptr);
    m_exchanges.append(exchange);
    exchange->start(chunkRequest(offset, length), nullptr,
                    [this, offset, length](Result<HttpResponse> r) { onChunk(offset, length, std::move(r)); });
}

void RangedDownload::onChunk(qint64 offset, qint64 length, Result<HttpResponse> r)
{
    --m_running;
    if (m_done) {
        return;
    }
    if (!r) {
        fail(r.error());
        return;
    }
    if (!isExpectedRange(r.value(), offset, length, m_total)) {
        fail(makeError(ErrorCode::Protocol,
                       QStringLiteral("%1: the server answered a range request with HTTP %2 and Content-Range `%3`")
                           .arg(m_request.what)
                           .arg(r->status)
                           .arg(QString::fromLatin1(r->header(QByteArrayLiteral("Content-Range"))))));
        return;
    }
    arrived(offset, std::move(r->body));
}

void RangedDownload::arrived(qint64 offset, QByteArray body)
{
    m_buffered += body.size();
    m_arrived.insert(offset, std::move(body));
    if (auto written = flush(); !written) {
        fail(written.error());
        return;
    }
    fill();
}

Result<void> RangedDownload::flush()
{
    while (!m_arrived.isEmpty() && m_arrived.firstKey() == m_sink->size()) {
        const QByteArray body = m_arrived.take(m_arrived.firstKey());
        m_buffered -= body.size();
        // Into the sink's own buffers: its workers write and hash while the next chunks arrive.
        qint64 at = 0;
        while (at < body.size()) {
            qint64 capacity = 0;
            char* buffer = m_sink->writeBuffer(&capacity);
            const qint64 n = std::min(capacity, body.size() - at);
            std::memcpy(buffer, body.constData() + at, static_cast<size_t>(n));
            if (auto r = m_sink->commitBuffer(n); !r) {
                return r;
            }
            at += n;
        }
    }
    if (m_progress) {
        m_progress(m_sink->size() + m_buffered, m_total);
    }
    return {};
}

void RangedDownload::fail(const Error& e)
{
    if (m_done) {
        return;
    }
    // Settled first, so the cancelled chunks' callbacks find nothing left to do.
    const auto running = m_exchanges;
    finish(e);
    for (const auto& exchange : running) {
        if (exchange) {
            exchange->cancel();
        }
    }
}

void RangedDownload::finish(Result<HttpResponse> result)
{
    if (m_done) {
        return;
    }
    m_done = true;
    m_arrived.clear();
    HttpExchange::Finished cb = std::move(m_finished);
    deleteLater();
    if (cb) {
        cb(std::move(result));
    }
}

} // namespace dist
