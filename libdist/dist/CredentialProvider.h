// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

namespace dist {

struct RegistryCredential
{
    QString username;
    QString secret; // password or token; never logged, never printed
};

// Where registry credentials come from (keychain, docker config, …). Lookups are by registry
// host[:port]. Implementations must be cheap to call; the auth layer calls them per challenge.
class CredentialProvider
{
public:
    virtual ~CredentialProvider() = default;
    virtual std::optional<RegistryCredential> credentialFor(const QString& registryHost) const = 0;
};

} // namespace dist
