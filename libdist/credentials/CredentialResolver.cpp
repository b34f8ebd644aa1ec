// SPDX-License-Identifier: MIT
#include "CredentialResolver.h"

#include "CredentialStore.h"
#include <config/Settings.h>

#include <QTimer>

namespace dist {

CredentialResolver::CredentialResolver(CredentialStore* keychain, CredentialStore* file, CredentialIndex index,
                                       DockerAuthSource docker)
    : m_keychain(keychain)
    , m_file(file)
    , m_index(std::move(index))
    , m_docker(std::move(docker))
{
}

QString CredentialResolver::environmentKey(const QString& host)
{
    QString key = host.toUpper();
    for (QChar& c : key) {
        if (!((c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9'))) {
            c = u'_';
        }
    }
    return key;
}

void CredentialResolver::fromStore(const QString& key, const QString& username, QObject* context, Callback fallback,
                                   Callback done) const
{
    const auto entry = m_index.find(key);
    CredentialStore* store = !entry ? nullptr : entry->backend == u"file" ? m_file : m_keychain;
    if (!store) {
        if (entry) {
            // Saved in a backend this build or invocation cannot reach.
            QTimer::singleShot(0, context, [done, entry] {
                done(makeError(ErrorCode::AuthRequired,
                               QStringLiteral("credentials for `%1` were saved in the %2 store, which is not available "
                                              "here")
                                   .arg(entry->key, entry->backend)));
            });
            return;
        }
        fallback(std::optional<RegistryCredential>());
        return;
    }
    store->read(key, context, [username, fallback, done](Result<std::optional<StoredCredential>> r) {
        if (!r) {
            done(r.error());
            return;
        }
        if (!r->has_value()) {
            fallback(std::optional<RegistryCredential>());
            return;
        }
        const StoredCredential& c = **r;
        if (c.secret.isEmpty()) {
            fallback(std::optional<RegistryCredential>());
            return;
        }
        done(std::optional<RegistryCredential>(
            RegistryCredential{username.isEmpty() ? c.username : username, c.secret}));
    });
}

void CredentialResolver::lookup(const CredentialQuery& query, QObject* context, Callback done) const
{
    auto none = [context, done](Result<std::optional<RegistryCredential>>) {
        QTimer::singleShot(0, context, [done] { done(std::optional<RegistryCredential>()); });
    };
    if (!query.tenant.isEmpty()) {
        // GHCR takes Basic <tenant>:<token> at its token endpoint.
        fromStore(CredentialKey::tenant(query.tenant), query.tenant, context, none, done);
        return;
    }
    const QString envKey = environmentKey(query.registryHost);
    const Settings settings;
    const QString token = settings.registryToken(envKey);
    if (!token.isEmpty()) {
        QString username = settings.registryUsername(envKey);
        if (username.isEmpty()) {
            username = QStringLiteral("token");
        }
        QTimer::singleShot(0, context, [done, username, token] {
            done(std::optional<RegistryCredential>(RegistryCredential{username, token}));
        });
        return;
    }
    const QString host = query.registryHost;
    DockerAuthSource docker = m_docker;
    auto fromDocker = [docker, host, context, done](Result<std::optional<RegistryCredential>>) {
        const DockerAuthSource::Hit hit = docker.find(host);
        if (hit.credential) {
            QTimer::singleShot(0, context, [done, c = *hit.credential] { done(std::optional<RegistryCredential>(c)); });
        } else if (!hit.helper.isEmpty()) {
            DockerAuthSource::askHelper(hit.helper, host, context, done);
        } else {
            QTimer::singleShot(0, context, [done] { done(std::optional<RegistryCredential>()); });
        }
    };
    fromStore(CredentialKey::registry(host), QString(), context, fromDocker, done);
}

} // namespace dist
