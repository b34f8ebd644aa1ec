// SPDX-License-Identifier: MIT
#include "RuntimeClient.h"

#include <config/TomlReader.h>
#include <core/JsonWriter.h>
#include <net/HttpExchange.h>

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimer>

#include <memory>

namespace dist {

namespace {

const char* const kTenantOptionalFields[]
    = {"team",        "team_id",  "user",    "user_id",        "session_id", "flow_id",         "node_id",
       "provider_id", "trace_id", "i18n_id", "correlation_id", "deadline",   "idempotency_key", "impersonation"};

QString brief(const QByteArray& body)
{
    QString s = QString::fromUtf8(body.left(800)).simplified();
    if (s.size() > 200) {
        s = s.left(200) + QStringLiteral("…");
    }
    return s;
}

// "30", 30, "30s", "500ms", "2m" → milliseconds; -1 when unreadable.
qint64 parseDuration(const QJsonValue& v)
{
    if (v.isDouble()) {
        return static_cast<qint64>(v.toDouble() * 1000);
    }
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d+)\\s*(ms|s|m)?\\s*$"));
    const auto m = re.match(v.toString());
    if (!m.hasMatch()) {
        return -1;
    }
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    return unit == u"ms" ? n : unit == u"m" ? n * 60000 : n * 1000;
}

bool validSecretKey(const QString& key)
{
    if (key.isEmpty() || key.startsWith(u'/')) {
        return false;
    }
    for (QChar c : key) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '.'
            || u == '_' || u == '/' || u == '-';
        if (!ok) {
            return false;
        }
    }
    return !key.split(u'/').contains(QStringLiteral(".."));
}

Result<std::optional<QList<SecretRequirement>>> secretRequirements(const QJsonObject& o)
{
    const QJsonValue v = o.value(QStringLiteral("secret_requirements"));
    if (v.isUndefined() || v.isNull()) {
        return std::optional<QList<SecretRequirement>>();
    }
    if (!v.isArray()) {
        return makeError(ErrorCode::Protocol, QStringLiteral("invalid response: secret_requirements is not a list"));
    }
    QList<SecretRequirement> list;
    for (const QJsonValue& item : v.toArray()) {
        auto r = SecretRequirement::fromJson(item);
        if (!r) {
            return r.error();
        }
        list.append(r.value());
    }
    return std::optional<QList<SecretRequirement>>(list);
}

} // namespace

static void writeTenant(JsonWriter& w, const RuntimeTenant& t)
{
    w.beginObject()
        .field(QStringLiteral("env"), t.env)
        .field(QStringLiteral("tenant"), t.tenant)
        .field(QStringLiteral("tenant_id"), t.tenantId);
    for (const char* key : kTenantOptionalFields) {
        const QJsonValue v = t.optional.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull()) {
            w.key(QLatin1String(key)).value(v);
        }
    }
    const QJsonObject attributes = t.optional.value(QStringLiteral("attributes")).toObject();
    if (!attributes.isEmpty()) {
        w.key(QStringLiteral("attributes")).value(QJsonValue(attributes));
    }
    w.field(QStringLiteral("attempt"), t.attempt).endObject();
}

QJsonObject RuntimeTenant::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("env"), env);
    o.insert(QStringLiteral("tenant"), tenant);
    o.insert(QStringLiteral("tenant_id"), tenantId);
    for (const char* key : kTenantOptionalFields) {
        const QJsonValue v = optional.value(QLatin1String(key));
        if (!v.isUndefined() && !v.isNull()) {
            o.insert(QLatin1String(key), v);
        }
    }
    const QJsonObject attributes = optional.value(QStringLiteral("attributes")).toObject();
    if (!attributes.isEmpty()) {
        o.insert(QStringLiteral("attributes"), attributes);
    }
    o.insert(QStringLiteral("attempt"), attempt);
    return o;
}

Result<RuntimeConfig> RuntimeConfig::fromJson(const QJsonObject& o, const QString& origin)
{
    const auto bad = [&origin](const QString& why) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid runtime config %1: %2").arg(origin, why));
    };
    RuntimeConfig c;
    const QString base = o.value(QStringLiteral("base_url")).toString();
    if (!base.isEmpty()) {
        c.baseUrl = QUrl(base, QUrl::StrictMode);
        if (!c.baseUrl.isValid() || c.baseUrl.host().isEmpty()) {
            return bad(QStringLiteral("base_url is not a URL"));
        }
    }
    c.environmentId = o.value(QStringLiteral("environment_id")).toString();
    const QJsonObject environment = o.value(QStringLiteral("environment")).toObject();
    if (c.environmentId.isEmpty()) {
        c.environmentId = environment.value(QStringLiteral("env_id")).toString();
    }
    const QJsonValue tenant = o.value(QStringLiteral("tenant"));
    if (tenant.isString()) {
        c.tenant.tenant = tenant.toString();
        c.tenant.tenantId = tenant.toString();
    } else if (tenant.isObject()) {
        const QJsonObject t = tenant.toObject();
        c.tenant.tenant = t.value(QStringLiteral("tenant")).toString();
        c.tenant.tenantId = t.value(QStringLiteral("tenant_id")).toString(c.tenant.tenant);
        c.tenant.env = t.value(QStringLiteral("env")).toString();
        c.tenant.attempt = t.value(QStringLiteral("attempt")).toInt(0);
        for (const char* key : kTenantOptionalFields) {
            if (t.contains(QLatin1String(key))) {
                c.tenant.optional.insert(QLatin1String(key), t.value(QLatin1String(key)));
            }
        }
        if (t.value(QStringLiteral("attributes")).isObject()) {
            c.tenant.optional.insert(QStringLiteral("attributes"), t.value(QStringLiteral("attributes")));
        }
    } else if (!tenant.isUndefined()) {
        return bad(QStringLiteral("tenant must be a name or a table"));
    }
    if (c.tenant.env.isEmpty()) {
        c.tenant.env = c.environmentId;
    }
    c.authToken = o.value(QStringLiteral("auth_token")).toString().toUtf8();
    const QJsonValue headers = o.value(QStringLiteral("extra_headers"));
    if (headers.isObject()) {
        const QJsonObject h = headers.toObject();
        for (auto it = h.begin(); it != h.end(); ++it) {
            if (!it.value().isString()) {
                return bad(QStringLiteral("extra header %1 must be a string").arg(it.key()));
            }
            c.extraHeaders.append({it.key().toLatin1(), it.value().toString().toUtf8()});
        }
    } else if (!headers.isUndefined()) {
        return bad(QStringLiteral("extra_headers must be a table"));
    }
    QJsonValue timeout = o.value(QStringLiteral("request_timeout"));
    if (timeout.isUndefined()) {
        const QJsonValue readMs
            = o.value(QStringLiteral("network")).toObject().value(QStringLiteral("read_timeout_ms"));
        if (readMs.isDouble()) {
            timeout = QString(QString::number(static_cast<qint64>(readMs.toDouble())) + QStringLiteral("ms"));
        }
    }
    if (!timeout.isUndefined()) {
        const qint64 ms = parseDuration(timeout);
        if (ms <= 0 || ms > 24LL * 3600 * 1000) {
            return bad(QStringLiteral("request_timeout must be a positive duration (seconds, or \"500ms\")"));
        }
        c.requestTimeoutMs = static_cast<int>(ms);
    }
    return c;
}

Result<RuntimeConfig> RuntimeConfig::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("cannot read runtime config %1: %2").arg(path, f.errorString()));
    }
    const QByteArray bytes = f.read(4 << 20);
    QJsonParseError perr{};
    const QJsonDocument json = QJsonDocument::fromJson(bytes, &perr);
    if (perr.error == QJsonParseError::NoError && json.isObject()) {
        return fromJson(json.object(), path);
    }
    auto toml = TomlReader::parse(bytes, path);
    if (!toml) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid runtime config: ") + toml.message());
    }
    return fromJson(toml.value(), path);
}

Result<SecretRequirement> SecretRequirement::fromJson(const QJsonValue& v)
{
    const QJsonObject o = v.toObject();
    SecretRequirement s;
    s.key = o.value(QStringLiteral("key")).toString();
    if (!v.isObject() || !validSecretKey(s.key)) {
        return makeError(
            ErrorCode::Protocol,
            QStringLiteral("invalid response: secret requirement key `%1` is not valid").arg(s.key.left(100)));
    }
    s.required = o.value(QStringLiteral("required")).toBool(true);
    s.description = o.value(QStringLiteral("description")).toString();
    s.format = o.value(QStringLiteral("format")).toString();
    if (!s.format.isEmpty() && s.format != u"bytes" && s.format != u"text" && s.format != u"json") {
        return makeError(ErrorCode::Protocol,
                         QStringLiteral("invalid response: secret format `%1`").arg(s.format.left(40)));
    }
    s.scope = o.value(QStringLiteral("scope")).toObject();
    return s;
}

RuntimeClient::RuntimeClient(QNetworkAccessManager* nam, const RuntimeConfig& config, const HttpOptions& http,
                             QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_config(config)
    , m_http(http)
{
}

void RuntimeClient::cancelAll()
{
    for (const auto& e : std::as_const(m_exchanges)) {
        if (e) {
            e->cancel();
        }
    }
    m_exchanges.clear();
}

QByteArray RuntimeClient::resolveComponentBody(const ResolveComponentRequest& request) const
{
    // Field order as serde writes the Rust structs, so the bytes match the Rust client's.
    JsonWriter w(JsonWriter::Style::Compact);
    w.beginObject().key(QStringLiteral("tenant"));
    writeTenant(w, m_config.tenant);
    w.field(QStringLiteral("environment_id"), m_config.environmentId)
        .field(QStringLiteral("pack_id"), request.packId)
        .field(QStringLiteral("component_id"), request.componentId)
        .field(QStringLiteral("version"), request.version);
    w.key(QStringLiteral("extra")).value(request.extra);
    w.endObject();
    return w.toByteArray().trimmed();
}

void RuntimeClient::send(const QByteArray& method, const QString& path, const QList<QPair<QString, QString>>& query,
                         const QByteArray& body, const QString& what, std::function<void(Result<QJsonValue>)> done)
{
    if (m_config.baseUrl.isEmpty()) {
        QTimer::singleShot(0, this, [done] {
            done(makeError(ErrorCode::InvalidInput,
                           QStringLiteral("base_url not configured (use --base-url or base_url in --config)")));
        });
        return;
    }
    QString base = m_config.baseUrl.toString(QUrl::FullyEncoded);
    while (base.endsWith(u'/')) {
        base.chop(1);
    }
    QString encodedQuery;
    for (const auto& [k, v] : query) {
        encodedQuery += (encodedQuery.isEmpty() ? QString() : QStringLiteral("&")) + k + u'='
            + QString::fromLatin1(QUrl::toPercentEncoding(v));
    }
    const QUrl url = QUrl::fromEncoded(
        (base + path + (encodedQuery.isEmpty() ? QString() : u'?' + encodedQuery)).toUtf8(), QUrl::StrictMode);
    const QHostAddress host(url.host());
    const bool loopback = url.host() == u"localhost" || (!host.isNull() && host.isLoopback());
    if (url.scheme() == u"http" && !(m_http.allowInsecureLocalHttp && loopback)) {
        QTimer::singleShot(0, this, [done, url] {
            done(makeError(ErrorCode::InvalidInput,
                           QStringLiteral("refusing plain http for %1: use https (plain http only to loopback with "
                                          "GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP=1)")
                               .arg(url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo))));
        });
        return;
    }
    HttpRequest req;
    req.url = url;
    req.method = method;
    req.body = body;
    req.what = what;
    req.deliverAnyStatus = true;
    req.maxBodyBytes = 8 << 20;
    req.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")});
    if (!body.isEmpty() || method == "POST") {
        req.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    }
    bool overridesAuthorization = false;
    for (const auto& h : m_config.extraHeaders) {
        overridesAuthorization = overridesAuthorization || h.first.compare("Authorization", Qt::CaseInsensitive) == 0;
        req.headers.removeIf([&h](const auto& e) { return e.first.compare(h.first, Qt::CaseInsensitive) == 0; });
        req.headers.append(h);
    }
    if (!m_config.authToken.isEmpty() && !overridesAuthorization) {
        req.basicAuthorization = "Bearer " + m_config.authToken;
    }
    auto* exchange = new HttpExchange(m_nam, nullptr, m_http, this);
    m_exchanges.removeAll(nullptr);
    m_exchanges.append(exchange);
    auto timedOut = std::make_shared<bool>(false);
    if (m_config.requestTimeoutMs > 0) {
        QTimer::singleShot(m_config.requestTimeoutMs, exchange, [exchange, timedOut] {
            *timedOut = true;
            exchange->cancel();
        });
    }
    exchange->start(req, nullptr, [done, what, timedOut, ms = m_config.requestTimeoutMs](Result<HttpResponse> r) {
        if (!r) {
            if (r.code() == ErrorCode::Cancelled && *timedOut) {
                done(makeError(ErrorCode::Network,
                               QStringLiteral("network error: %1 timed out after %2 ms").arg(what).arg(ms)));
            } else {
                done(r.error());
            }
            return;
        }
        const int status = r->status;
        if (status == 404) {
            done(makeError(ErrorCode::NotFound, QStringLiteral("not found: %1").arg(what)));
            return;
        }
        if (status == 401 || status == 403) {
            done(makeError(ErrorCode::AuthRequired,
                           QStringLiteral("permission denied: %1 (HTTP %2)").arg(what).arg(status)));
            return;
        }
        if (status < 200 || status > 299) {
            const QString body = brief(r->body);
            done(makeError(ErrorCode::Protocol,
                           QStringLiteral("distributor answered HTTP %1 for %2%3")
                               .arg(status)
                               .arg(what, body.isEmpty() ? QString() : QStringLiteral(": ") + body)));
            return;
        }
        QJsonParseError perr{};
        // Wrapped so any JSON value (not only objects) parses.
        const QJsonDocument doc = QJsonDocument::fromJson("[" + r->body + "]", &perr);
        if (perr.error != QJsonParseError::NoError || doc.array().size() != 1) {
            done(makeError(ErrorCode::Protocol, QStringLiteral("invalid response: %1 did not return JSON").arg(what)));
            return;
        }
        done(doc.array().first());
    });
}

void RuntimeClient::resolveComponent(const ResolveComponentRequest& request,
                                     std::function<void(Result<ResolveComponentResponse>)> done)
{
    const QString what
        = QStringLiteral("component %1@%2 of pack %3").arg(request.componentId, request.version, request.packId);
    send("POST", QStringLiteral("/distributor-api/resolve-component"), {}, resolveComponentBody(request), what,
         [done](Result<QJsonValue> v) {
             if (!v) {
                 done(v.error());
                 return;
             }
             const QJsonObject o = v->toObject();
             ResolveComponentResponse r;
             r.raw = o;
             const QJsonValue status = o.value(QStringLiteral("status"));
             if (status.isString()) {
                 r.status = status.toString();
             } else if (status.toObject().contains(QStringLiteral("failed"))) {
                 r.status = QStringLiteral("failed");
                 r.failureReason = status.toObject()
                                       .value(QStringLiteral("failed"))
                                       .toObject()
                                       .value(QStringLiteral("reason"))
                                       .toString();
             }
             if (r.status != u"pending" && r.status != u"ready" && r.status != u"failed") {
                 done(makeError(ErrorCode::Protocol, QStringLiteral("invalid response: unknown resolve status")));
                 return;
             }
             r.digest = o.value(QStringLiteral("digest")).toString();
             const QJsonObject artifact = o.value(QStringLiteral("artifact")).toObject();
             r.artifactKind = artifact.value(QStringLiteral("kind")).toString();
             r.artifactLocation = artifact.value(QStringLiteral("path"))
                                      .toString(artifact.value(QStringLiteral("reference"))
                                                    .toString(artifact.value(QStringLiteral("handle")).toString()));
             const QJsonObject sig = o.value(QStringLiteral("signature")).toObject();
             if (sig.contains(QStringLiteral("verified"))) {
                 r.signatureVerified = sig.value(QStringLiteral("verified")).toBool();
                 r.signer = sig.value(QStringLiteral("signer")).toString();
             }
             auto secrets = secretRequirements(o);
             if (!secrets) {
                 done(secrets.error());
                 return;
             }
             r.secretRequirements = secrets.value();
             done(r);
         });
}

void RuntimeClient::packStatus(const QString& packId, std::function<void(Result<QJsonValue>)> done)
{
    send("GET", QStringLiteral("/distributor-api/pack-status"),
         {{QStringLiteral("tenant_id"), m_config.tenant.tenantId},
          {QStringLiteral("environment_id"), m_config.environmentId},
          {QStringLiteral("pack_id"), packId}},
         QByteArray(), QStringLiteral("status of pack %1").arg(packId), std::move(done));
}

void RuntimeClient::packStatusV2(const QString& packId, std::function<void(Result<PackStatusV2>)> done)
{
    send("GET", QStringLiteral("/distributor-api/pack-status-v2"),
         {{QStringLiteral("tenant_id"), m_config.tenant.tenantId},
          {QStringLiteral("environment_id"), m_config.environmentId},
          {QStringLiteral("pack_id"), packId}},
         QByteArray(), QStringLiteral("status of pack %1").arg(packId), [done](Result<QJsonValue> v) {
             if (!v) {
                 done(v.error());
                 return;
             }
             const QJsonObject o = v->toObject();
             if (!o.value(QStringLiteral("status")).isString()) {
                 done(makeError(ErrorCode::Protocol,
                                QStringLiteral("invalid response: pack-status-v2 without a status")));
                 return;
             }
             PackStatusV2 s;
             s.raw = o;
             s.status = o.value(QStringLiteral("status")).toString();
             s.extra = o.value(QStringLiteral("extra"));
             auto secrets = secretRequirements(o);
             if (!secrets) {
                 done(secrets.error());
                 return;
             }
             s.secretRequirements = secrets.value();
             done(s);
         });
}

void RuntimeClient::warmPack(const QString& packId, std::function<void(Result<QJsonValue>)> done)
{
    JsonWriter body(JsonWriter::Style::Compact);
    body.beginObject()
        .field(QStringLiteral("tenant_id"), m_config.tenant.tenantId)
        .field(QStringLiteral("environment_id"), m_config.environmentId)
        .field(QStringLiteral("pack_id"), packId)
        .endObject();
    send("POST", QStringLiteral("/distributor-api/warm-pack"), {}, body.toByteArray().trimmed(),
         QStringLiteral("warm-pack of %1").arg(packId), std::move(done));
}

} // namespace dist
