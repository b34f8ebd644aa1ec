// SPDX-License-Identifier: MIT
#include "PackTokenSource.h"

#include "PackHttp.h"
#include <core/Logging.h>
#include <credentials/CredentialProvider.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrlQuery>

namespace dist {

namespace {

constexpr int kExchangeRetries = 3;

// " - <excerpt>" of a response body, or nothing when it is empty.
QString dashedExcerpt(const QByteArray& body)
{
    const QString s = PackHttp::excerpt(body);
    return s.isEmpty() ? QString() : QStringLiteral(" - ") + s;
}

} // namespace

PackTokenSource::PackTokenSource(QNetworkAccessManager* nam, const PackRegistryOptions& options,
                                 const CredentialProvider* credentials, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_options(options)
    , m_credentials(credentials)
{
}

void PackTokenSource::token(Done done)
{
    if (!m_options.token.isEmpty()) {
        QTimer::singleShot(0, this, [done, t = m_options.token] { done(t); });
        return;
    }
    if (m_options.oidc) {
        if (!m_cached.isEmpty() && QDateTime::currentDateTimeUtc().addSecs(kRefreshMarginSecs) < m_expiresAt) {
            QTimer::singleShot(0, this, [done, t = m_cached] { done(t); });
            return;
        }
        m_waiting.append(std::move(done));
        if (!m_exchanging) {
            m_exchanging = true;
            exchange(0);
        }
        return;
    }
    if (m_credentials) {
        m_credentials->lookup(CredentialQuery{m_options.baseUrl.host(), QString()}, this,
                              [done](Result<std::optional<RegistryCredential>> r) {
                                  if (!r) {
                                      done(r.error());
                                  } else if (r.value() && !r.value()->secret.isEmpty()) {
                                      done(r.value()->secret.toUtf8());
                                  } else {
                                      done(QByteArray());
                                  }
                              });
        return;
    }
    QTimer::singleShot(0, this, [done] { done(QByteArray()); });
}

bool PackTokenSource::invalidate()
{
    if (!usesOidc()) {
        return false;
    }
    m_cached.clear();
    m_expiresAt = QDateTime();
    return true;
}

void PackTokenSource::exchange(int attempt)
{
    ++m_exchanges;
    requestIdToken([this, attempt](Result<QByteArray> idToken) {
        if (!idToken) {
            finishExchange(idToken.error(), attempt);
            return;
        }
        exchangeIdToken(idToken.value(), [this, attempt](Result<QByteArray> r) { finishExchange(r, attempt); });
    });
}

void PackTokenSource::finishExchange(const Result<QByteArray>& result, int attempt)
{
    // Transport failures and server errors are retried; a refusal is final.
    if (!result && result.code() == ErrorCode::Network && attempt < kExchangeRetries) {
        const int delay = PackHttp::retryDelayMs(m_options, attempt + 1, -1);
        qCInfo(lcAuth).noquote() << "OIDC exchange:" << result.message() << "- retrying in" << delay << "ms";
        QTimer::singleShot(delay, this, [this, attempt] { exchange(attempt + 1); });
        return;
    }
    m_exchanging = false;
    const QList<Done> waiting = std::exchange(m_waiting, {});
    for (const Done& d : waiting) {
        d(result);
    }
}

void PackTokenSource::requestIdToken(std::function<void(Result<QByteArray>)> done)
{
    if (m_options.oidcRequestUrl.isEmpty()) {
        done(makeError(ErrorCode::AuthRequired,
                       QStringLiteral("ASSAY_REGISTRY_OIDC is set but ACTIONS_ID_TOKEN_REQUEST_URL is not: not in "
                                      "GitHub Actions, or the job lacks `permissions: id-token: write`")));
        return;
    }
    if (m_options.oidcRequestToken.isEmpty()) {
        done(makeError(ErrorCode::AuthRequired,
                       QStringLiteral("ASSAY_REGISTRY_OIDC is set but ACTIONS_ID_TOKEN_REQUEST_TOKEN is not")));
        return;
    }
    QUrl url = m_options.oidcRequestUrl;
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("audience"), m_options.oidcAudience);

    url.setQuery(query);
    HttpRequest req;
    req.url = url;
    req.headers.append(qMakePair(QByteArray("Accept"), QByteArray("application/json; api-version=2.0")));
    req.basicAuthorization = "Bearer " + m_options.oidcRequestToken;
    req.maxBodyBytes = 64 << 10;
    req.what = QStringLiteral("GitHub OIDC token request");
    PackHttp::sendOnce(m_nam, m_options, req, this, [done](Result<HttpResponse> r) {
        if (!r) {
            done(r.error());
            return;
        }
        if (r->status >= 500) {
            done(makeError(ErrorCode::Network, QStringLiteral("GitHub OIDC request failed: HTTP %1").arg(r->status)));
            return;
        }
        if (r->status < 200 || r->status > 299) {
            done(makeError(
                ErrorCode::AuthRequired,
                QStringLiteral("GitHub OIDC request failed: HTTP %1%2").arg(r->status).arg(dashedExcerpt(r->body))));
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(r->body).object();
        const QString value = o.value(QStringLiteral("value")).toString();
        if (value.isEmpty()) {
            done(makeError(ErrorCode::Protocol,
                           QStringLiteral("invalid response: failed to parse GitHub OIDC response (no `value`)")));
            return;
        }
        done(value.toUtf8());
    });
}

void PackTokenSource::exchangeIdToken(const QByteArray& idToken, std::function<void(Result<QByteArray>)> done)
{
    const QUrl url = m_options.oidcExchangeUrl();
    if (auto ok = PackHttp::checkScheme(m_options, url); !ok) {
        done(ok.error());
        return;
    }
    // assay's field names plus the specification's, so either server shape accepts the request.
    QJsonObject body;
    body.insert(QStringLiteral("token"), QString::fromUtf8(idToken));
    body.insert(QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:token-exchange"));
    body.insert(QStringLiteral("subject_token_type"), QStringLiteral("urn:ietf:params:oauth:token-type:jwt"));
    body.insert(QStringLiteral("id_token"), QString::fromUtf8(idToken));
    body.insert(QStringLiteral("scope"), QStringLiteral("packs:read"));
    HttpRequest req;
    req.url = url;
    req.method = "POST";
    req.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    req.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    req.headers.append(qMakePair(QByteArray("Accept"), QByteArray("application/json")));
    req.maxBodyBytes = 64 << 10;
    req.what = QStringLiteral("OIDC token exchange");
    PackHttp::sendOnce(m_nam, m_options, req, this, [this, done](Result<HttpResponse> r) {
        if (!r) {
            done(r.error());
            return;
        }
        if (r->status == 401 || r->status == 403 || r->status == 400) {
            done(makeError(
                ErrorCode::AuthRequired,
                QStringLiteral("OIDC token exchange failed: HTTP %1%2").arg(r->status).arg(dashedExcerpt(r->body))));
            return;
        }
        if (r->status < 200 || r->status > 299) {
            done(makeError(
                ErrorCode::Network,
                QStringLiteral("token exchange failed: HTTP %1%2").arg(r->status).arg(dashedExcerpt(r->body))));
            return;
        }
        const QJsonObject o = QJsonDocument::fromJson(r->body).object();
        const QString token = o.value(QStringLiteral("access_token")).toString();
        const QJsonValue expiresIn = o.value(QStringLiteral("expires_in"));
        if (token.isEmpty() || !expiresIn.isDouble() || expiresIn.toDouble() < 0) {
            done(makeError(ErrorCode::Protocol,
                           QStringLiteral("invalid response: failed to parse registry token response "
                                          "(access_token and expires_in are required)")));
            return;
        }
        m_cached = token.toUtf8();
        m_expiresAt = QDateTime::currentDateTimeUtc().addSecs(static_cast<qint64>(expiresIn.toDouble()));
        qCInfo(lcAuth).noquote() << "pack registry token obtained through OIDC, valid until"
                                 << m_expiresAt.toString(Qt::ISODate);
        done(m_cached);
    });
}

} // namespace dist
