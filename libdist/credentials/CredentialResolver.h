// SPDX-License-Identifier: MIT
#pragma once

#include "CredentialIndex.h"
#include "CredentialProvider.h"
#include "DockerAuthSource.h"

namespace dist {

class CredentialStore;

// The credentials a pull uses, in order: a tenant's saved token (store://greentic-biz); for a
// registry, GREENTIC_DIST_REGISTRY_TOKEN_<HOST> (+ _USERNAME_<HOST>) from the environment, then what
// `auth login --registry` saved, then Docker/Podman logins and their credential helpers. Saved
// credentials are read from the backend the index says they went to; hosts nobody logged in to never
// touch the keychain.
class CredentialResolver final : public CredentialProvider
{
public:
    CredentialResolver(CredentialStore* keychain, CredentialStore* file, CredentialIndex index = CredentialIndex(),
                       DockerAuthSource docker = DockerAuthSource());

    void lookup(const CredentialQuery& query, QObject* context, Callback done) const override;

    // GHCR_IO for ghcr.io, LOCALHOST_5000 for localhost:5000.
    static QString environmentKey(const QString& host);

private:
    void fromStore(const QString& key, const QString& username, QObject* context, Callback fallback,
                   Callback done) const;

    CredentialStore* m_keychain;
    CredentialStore* m_file;
    CredentialIndex m_index;
    DockerAuthSource m_docker;
};

} // namespace dist
