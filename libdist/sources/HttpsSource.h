// SPDX-License-Identifier: MIT
#pragma once

#include <pull/PullSource.h>

#include <QList>
#include <QPointer>

class QNetworkAccessManager;

namespace dist {

class Cache;
class CacheCommitter;
class HttpExchange;
struct DistOptions;

// https://…[#sha256:<hex>]: a plain download, identified by its content digest (the fragment pins it
// as a lockfile digest does). Plain http only to a loopback host, and only when allowed.
class HttpsSource final : public PullSource
{
    Q_OBJECT

public:
    HttpsSource(QNetworkAccessManager* nam, const DistOptions& options, Cache& cache, CacheCommitter& committer,
                QObject* parent = nullptr);

    void resolve(const PullRequest& request, ResolveDone done) override;
    void fetch(const PullRequest& request, PullDone done) override;
    // Downloads `ref`'s URL into the cache; `pin`, when set, is the content digest it must have.
    void download(const QString& raw, const Reference& ref, const Digest& pin, PullDone done);
    void cancelAll();

private:
    QNetworkAccessManager* m_nam;
    const DistOptions& m_options;
    Cache& m_cache;
    CacheCommitter& m_committer;
    QList<QPointer<HttpExchange>> m_exchanges;
};

} // namespace dist
