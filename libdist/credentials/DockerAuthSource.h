// SPDX-License-Identifier: MIT
#pragma once

#include "CredentialProvider.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace dist {

// Read-only: the logins operators already have for Docker and Podman. Looks at REGISTRY_AUTH_FILE,
// $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json and
// $DOCKER_CONFIG/config.json (or ~/.docker/config.json): `auths` (base64 user:password), then
// `credHelpers` for the host and `credsStore`, both through `docker-credential-<helper> get`.
class DockerAuthSource
{
public:
    DockerAuthSource();
    explicit DockerAuthSource(const QStringList& files);

    static QStringList defaultFiles();
    // "https://index.docker.io/v1/" and "docker.io" are one registry; schemes and paths are dropped.
    static QString normalizeHost(const QString& key);

    struct Hit
    {
        std::optional<RegistryCredential> credential; // from `auths`
        QString helper; // else: the helper to ask
    };
    // The first file that knows the host wins.
    Hit find(const QString& host) const;

    // Runs `docker-credential-<helper> get` with the server on stdin (no secret on argv).
    static void askHelper(const QString& helper, const QString& host, QObject* context,
                          CredentialProvider::Callback done);

private:
    QStringList m_files;
};

} // namespace dist
