// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace dist {

struct RegistryCredential
{
    QString username;
    QString secret; // password or token; never logged, never printed, never in an error
};

// Whose credentials a request needs: a registry host, or a store tenant (store://greentic-biz/<tenant>/…
// pulls from ghcr.io with that tenant's token, whatever else is saved for ghcr.io).
struct CredentialQuery
{
    QString registryHost;
    QString tenant;

    QString identity() const { return tenant.isEmpty() ? registryHost : QStringLiteral("tenant:") + tenant; }
};

// Where credentials come from (keychain, file store, docker config, credential helpers, …).
// Lookups are asynchronous because keychains and helpers are; the callback runs on the context's
// thread. No credential is not an error; an unreachable keychain the user saved a token in is.
class CredentialProvider
{
public:
    using Callback = std::function<void(Result<std::optional<RegistryCredential>>)>;

    virtual ~CredentialProvider() = default;
    virtual void lookup(const CredentialQuery& query, QObject* context, Callback done) const = 0;
};

} // namespace dist
