// SPDX-License-Identifier: MIT
#pragma once

#include "PackRegistryOptions.h"
#include <core/Result.h>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>

#include <functional>

class QNetworkAccessManager;

namespace dist {

class CredentialProvider;

// The bearer token for pack-registry requests: ASSAY_REGISTRY_TOKEN, else a GitHub Actions OIDC
// token exchanged at {base}/auth/oidc/exchange (cached until 60 s before it expires), else a token
// saved for the registry host (`auth login --registry HOST`), else none. Tokens never reach logs
// or error messages.
class PackTokenSource final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PackTokenSource)

public:
    using Done = std::function<void(Result<QByteArray>)>; // empty: send no Authorization

    PackTokenSource(QNetworkAccessManager* nam, const PackRegistryOptions& options,
                    const CredentialProvider* credentials, QObject* parent = nullptr);

    void token(Done done);
    // The registry refused the token: the next token() exchanges a fresh one (OIDC only).
    // Returns whether a retry with a new token makes sense.
    bool invalidate();
    bool usesOidc() const { return m_options.token.isEmpty() && m_options.oidc; }
    bool hasStaticToken() const { return !m_options.token.isEmpty(); }

    int exchanges() const { return m_exchanges; } // for tests: how often the network was asked

    static constexpr int kRefreshMarginSecs = 60;

private:
    void exchange(int attempt);
    void requestIdToken(std::function<void(Result<QByteArray>)> done);
    void exchangeIdToken(const QByteArray& idToken, std::function<void(Result<QByteArray>)> done);
    void finishExchange(const Result<QByteArray>& result, int attempt);

    QNetworkAccessManager* m_nam;
    PackRegistryOptions m_options;
    const CredentialProvider* m_credentials;
    QByteArray m_cached;
    QDateTime m_expiresAt;
    QList<Done> m_waiting;
    bool m_exchanging = false;
    int m_exchanges = 0;
};

} // namespace dist
