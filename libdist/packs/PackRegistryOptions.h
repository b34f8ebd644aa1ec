// SPDX-License-Identifier: MIT
#pragma once

#include <net/HttpOptions.h>

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace dist {

// How to reach a SPEC-Pack-Registry-v1 registry and authenticate to it.
struct PackRegistryOptions
{
    QUrl baseUrl = QUrl(QStringLiteral("https://registry.getassay.dev/v1"));
    int timeoutSecs = 30; // whole request, per attempt
    int maxRetries = 3; // after the first attempt: 429, 408, 5xx and transport errors
    int maxRetryAfterMs = 30000; // a server's Retry-After is honoured up to this
    qint64 maxPackBytes = 10485760; // responses beyond this are refused (the canonical-form input limit)
    QByteArray token; // static bearer token (ASSAY_REGISTRY_TOKEN); never logged
    bool oidc = false; // GitHub Actions OIDC exchange (ASSAY_REGISTRY_OIDC=1)
    QUrl oidcRequestUrl; // ACTIONS_ID_TOKEN_REQUEST_URL
    QByteArray oidcRequestToken; // ACTIONS_ID_TOKEN_REQUEST_TOKEN; never logged
    QString oidcAudience = QStringLiteral("https://registry.getassay.dev");
    HttpOptions http; // user agent, insecure-http policy, retry base

    // ASSAY_REGISTRY_URL, ASSAY_REGISTRY_TOKEN, ASSAY_REGISTRY_TIMEOUT, ASSAY_REGISTRY_MAX_RETRIES,
    // ASSAY_REGISTRY_OIDC with ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN. Unparseable numbers keep the default.
    static PackRegistryOptions fromEnvironment(const HttpOptions& http);

    // The exchange endpoint: {base}/auth/oidc/exchange.
    QUrl oidcExchangeUrl() const;
    // "registry.getassay.dev-1a2b3c4d5e6f": host plus a short hash of the whole base URL, for cache paths.
    QString registryKey() const;
};

} // namespace dist
