// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>
#include <net/HttpOptions.h>

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace dist {

class HttpExchange;

// The tenant context the runtime API expects: env, tenant, tenant_id, attempt, and optional
// fields (team, user, session_id, …) that are sent only when set.
struct RuntimeTenant
{
    QString env;
    QString tenant;
    QString tenantId;
    int attempt = 0;
    QJsonObject optional; // team, team_id, user, user_id, session_id, flow_id, … (strings), attributes

    QJsonObject toJson() const;
};

// DistributorClientConfig of the Rust client.
struct RuntimeConfig
{
    QUrl baseUrl;
    QString environmentId;
    RuntimeTenant tenant;
    QByteArray authToken; // never logged
    QList<QPair<QByteArray, QByteArray>> extraHeaders; // sent after Authorization, overriding it
    int requestTimeoutMs = 0; // whole request; 0: only the transfer (inactivity) timeout

    // A TOML or JSON file: base_url, environment_id, tenant (a name or a table), auth_token,
    // extra_headers (table), request_timeout (seconds, or "500ms"/"30s"); greentic config's
    // [environment] env_id and [network] read_timeout_ms are understood too.
    static Result<RuntimeConfig> load(const QString& path);
    static Result<RuntimeConfig> fromJson(const QJsonObject& o, const QString& origin);
};

struct SecretRequirement
{
    QString key;
    bool required = true;
    QString description;
    QString format; // bytes | text | json
    QJsonObject scope;

    static Result<SecretRequirement> fromJson(const QJsonValue& v);
};

struct ResolveComponentRequest
{
    QString packId;
    QString componentId;
    QString version;
    QJsonValue extra = QJsonObject();
};

struct ResolveComponentResponse
{
    QString status; // pending | ready | failed
    QString failureReason;
    QString digest;
    QString artifactKind; // file_path | oci_reference | distributor_internal
    QString artifactLocation; // path, reference or handle
    std::optional<bool> signatureVerified;
    QString signer;
    std::optional<QList<SecretRequirement>> secretRequirements;
    QJsonObject raw; // the response as received, for --json
};

struct PackStatusV2
{
    QString status;
    std::optional<QList<SecretRequirement>> secretRequirements;
    QJsonValue extra;
    QJsonObject raw;
};

// The HTTP runtime API of a greentic distributor (`/distributor-api/…`): 404 → NotFound,
// 401/403 → AuthRequired (permission denied), other statuses → Network with the body.
class RuntimeClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RuntimeClient)

public:
    RuntimeClient(QNetworkAccessManager* nam, const RuntimeConfig& config, const HttpOptions& http,
                  QObject* parent = nullptr);

    const RuntimeConfig& config() const { return m_config; }

    void resolveComponent(const ResolveComponentRequest& request,
                          std::function<void(Result<ResolveComponentResponse>)> done);
    void packStatus(const QString& packId, std::function<void(Result<QJsonValue>)> done);
    void packStatusV2(const QString& packId, std::function<void(Result<PackStatusV2>)> done);
    void warmPack(const QString& packId, std::function<void(Result<QJsonValue>)> done);

    // The exact request body of resolve-component (public for tests and --dry-run style tooling).
    QByteArray resolveComponentBody(const ResolveComponentRequest& request) const;

    void cancelAll();

private:
    void send(const QByteArray& method, const QString& path, const QList<QPair<QString, QString>>& query,
              const QByteArray& body, const QString& what, std::function<void(Result<QJsonValue>)> done);

    QNetworkAccessManager* m_nam;
    RuntimeConfig m_config;
    HttpOptions m_http;
    QList<QPointer<HttpExchange>> m_exchanges;
};

} // namespace dist
