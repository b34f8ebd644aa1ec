// SPDX-License-Identifier: MIT
#pragma once

#include "HttpExchange.h"
#include "HttpOptions.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;

namespace dist {

class IngestFile;
class RegistryAuth;

// One big body fetched with several Range requests at once, for links where one connection is
// capped far below the pipe (per-connection shaping, long fat pipes). Chunks are requested in
// order across the connections and held in memory only until every byte before them has arrived;
// then they go into the sink in file order, where they are written and hashed in one pass as a
// single stream would be. The partial on disk is therefore always a prefix of the blob, and a
// killed download resumes from it like any other (what was held in memory is fetched again).
// Memory is bounded by the window: (connections + 2) chunks.
//
// It starts as one ordinary stream and measures it: only a stream slower than
// HttpOptions::rangedBelowBytesPerSecond (a capped connection, a long fat pipe) is stopped and the
// rest fetched in ranges; on a fast link one stream costs less. The first chunk is the probe: a
// server that answers it with anything but the 206 asked for gets the rest in one stream again.
class RangedDownload final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RangedDownload)

public:
    RangedDownload(QNetworkAccessManager* nam, RegistryAuth* auth, const HttpOptions& options,
                   QObject* parent = nullptr);
    ~RangedDownload() override;

    // `request.expectedSize` is the whole body; the sink holds the prefix already fetched.
    // Finished is called once, from the event loop; the download deletes itself afterwards.
    void start(const HttpRequest& request, IngestFile* sink, HttpExchange::Finished finished,
               HttpExchange::Progress progress = {});
    void cancel();

private:
    void sample();
    void onStream(Result<HttpResponse> r);
    void probe();
    void onProbe(Result<HttpResponse> r);
    void fallBackToOneStream(const QString& why);
    void fill();
    void fetchChunk(qint64 offset);
    void onChunk(qint64 offset, qint64 length, Result<HttpResponse> r);
    void arrived(qint64 offset, QByteArray body);
    Result<void> flush();
    void fail(const Error& e);
    void finish(Result<HttpResponse> result);
    HttpRequest chunkRequest(qint64 offset, qint64 length) const;
    qint64 chunkLength(qint64 offset) const;
    static bool isExpectedRange(const HttpResponse& r, qint64 offset, qint64 length, qint64 total);

    QNetworkAccessManager* m_nam;
    QPointer<RegistryAuth> m_auth;
    HttpOptions m_options;
    HttpRequest m_request;
    QUrl m_chunkUrl; // where chunks go: the probe's final URL (a CDN after a redirect)
    IngestFile* m_sink = nullptr;
    HttpExchange::Finished m_finished;
    HttpExchange::Progress m_progress;
    QList<QPointer<HttpExchange>> m_exchanges;
    QPointer<HttpExchange> m_stream; // the first phase: one stream, measured
    QTimer m_sampler;
    QElapsedTimer m_clock;
    qint64 m_streamFrom = 0;
    bool m_switching = false;
    QMap<qint64, QByteArray> m_arrived; // chunks past the frontier, by offset
    qint64 m_total = 0;
    qint64 m_next = 0; // the next chunk to ask for
    qint64 m_buffered = 0;
    int m_running = 0;
    bool m_done = false;
};

} // namespace dist
