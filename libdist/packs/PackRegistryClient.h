// SPDX-License-Identifier: MIT
#pragma once

#include "PackRegistryOptions.h"
#include <core/Result.h>
#include <net/HttpExchange.h>

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace dist {

class CredentialProvider;
class PackTokenSource;

// A pack body and the headers that describe it (GET /packs/{name}/{version}).
struct PackFetch
{
    bool notModified = false; // 304 to our If-None-Match
    QByteArray content;
    QString packDigest; // X-Pack-Digest (the canonical digest the registry claims)
    QByteArray signatureHeader; // X-Pack-Signature: base64 DSSE envelope
    QString keyId; // X-Pack-Key-Id
    QByteArray etag; // verbatim, quotes included
    QString cacheControl;
    QString policy; // X-Pack-Policy: commercial | open, when the registry says
    qint64 contentLength = -1;
    QUrl url;
};

struct PackMeta
{
    QString name;
    QString version;
    QString digest;
    qint64 size = -1;
    bool signedPack = false;
    QString keyId;
    QByteArray etag;
};

struct PackVersionInfo
{
    QString version;
    QString digest;
    QString publishedAt;
    bool deprecated = false;
    QString deprecationMessage;
};

struct PackVersions
{
    QString name;
    QList<PackVersionInfo> versions; // registry order (newest first)
};

// The HTTP side of SPEC-Pack-Registry-v1: status mapping (401/403/404/410/429), retries with
// backoff and Retry-After for 408/429/5xx and transport failures, a response size cap, and the
// bearer token from PackTokenSource (a rejected OIDC token is exchanged again once).
class PackRegistryClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PackRegistryClient)

public:
    PackRegistryClient(QNetworkAccessManager* nam, const PackRegistryOptions& options,
                       const CredentialProvider* credentials, QObject* parent = nullptr);
    ~PackRegistryClient() override;

    const PackRegistryOptions& options() const { return m_options; }
    QString baseUrlText() const; // without a trailing slash
    PackTokenSource& tokens() { return *m_tokens; }

    // `etag` (may be empty) is sent as If-None-Match; a 304 gives notModified.
    void fetchPack(const QString& name, const QString& version, const QByteArray& etag,
                   std::function<void(Result<PackFetch>)> done);
    void packMeta(const QString& name, const QString& version, std::function<void(Result<PackMeta>)> done);
    void versions(const QString& name, std::function<void(Result<PackVersions>)> done);
    // The .sig sidecar envelope JSON; nullopt when the registry has none (404).
    void signature(const QString& name, const QString& version,
                   std::function<void(Result<std::optional<QByteArray>>)> done);
    void keys(std::function<void(Result<QByteArray>)> done);

    void cancelAll();

private:
    struct Call;
    QUrl endpoint(const QString& path) const;
    void send(std::shared_ptr<Call> call);
    void attempt(std::shared_ptr<Call> call);
    void onResponse(std::shared_ptr<Call> call, Result<HttpResponse> r);
    void transient(std::shared_ptr<Call> call, const Error& why, qint64 retryAfterMs);
    Error statusError(const Call& call, const HttpResponse& response) const;
    // Sends `call`; a transport failure or a non-2xx status reaches `done` as an error, a success
    // reaches `ok(call, response)`.
    template <typename Done, typename Ok>
    void sendExpectingSuccess(std::shared_ptr<Call> call, Done done, Ok ok);

    QNetworkAccessManager* m_nam;
    PackRegistryOptions m_options;
    PackTokenSource* m_tokens;
    QList<QPointer<HttpExchange>> m_exchanges;
    bool m_cancelled = false;
};

} // namespace dist
