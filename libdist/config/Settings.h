// SPDX-License-Identifier: MIT
#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace dist {

// The one reader of the environment: every variable greentic-dist honours and every XDG base
// directory is read here and nowhere else in the product (a CMake check holds everyone else to it).
// A Settings is a snapshot of one environment; front ends make one per command and tests make
// one from a QProcessEnvironment of their own.
//
// Precedence, for every setting that has several sources: a command-line flag or GUI choice
// (applied by the front end over what this returns), then the variable, then the file the XDG
// directories hold, then the built-in default. Empty or all-blank values count as unset, and a
// relative XDG_* directory is ignored, as the XDG Base Directory specification requires.
class Settings
{
public:
    explicit Settings(const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());

    // XDG base directories, always absolute.
    QString configHome() const; // $XDG_CONFIG_HOME, else ~/.config
    QString cacheHome() const; // $XDG_CACHE_HOME, else ~/.cache
    QString runtimeDir() const; // $XDG_RUNTIME_DIR, or empty
    QString homeDir() const;

    // Where things live.
    QString cacheRoot() const; // GREENTIC_DIST_CACHE_DIR, GREENTIC_CACHE_DIR, <cacheHome>/greentic/dist
    QString credentialsFile() const; // GREENTIC_DIST_CREDENTIALS_FILE, <configHome>/greentic/dist/credentials.json
    QString credentialsIndexFile() const; // GREENTIC_DIST_CREDENTIALS_INDEX, …/credentials-index.json
    QString credentialStoreChoice() const; // GREENTIC_DIST_CREDENTIAL_STORE, as written
    QString registriesConfFile() const; // CONTAINERS_REGISTRIES_CONF, or empty
    QStringList containerAuthFiles() const; // REGISTRY_AUTH_FILE, runtime, config and Docker auth files, in order
    QStringList certificateDirectories() const; // containers-certs.d, then /etc/containers and /etc/docker
    QString bundledPacksDir() const; // GREENTIC_DIST_BUNDLED_PACKS_DIR, else greentic-dist/packs in XDG_DATA_DIRS
    QString fixtureDir() const; // GREENTIC_FIXTURE_DIR
    QString findExecutable(const QString& program) const; // on $PATH, or empty
    QString glibcTunables() const; // GLIBC_TUNABLES, as written (the GUI asks malloc for huge pages)

    // Pull behaviour.
    bool offline() const; // GREENTIC_DIST_OFFLINE=1
    QString platform() const; // GREENTIC_DIST_PLATFORM, trimmed
    QString repoRegistryBase() const; // GREENTIC_REPO_REGISTRY_BASE
    QString storeRegistryBase() const; // GREENTIC_STORE_REGISTRY_BASE
    QString greenticBizRegistry() const; // GREENTIC_DIST_GREENTIC_BIZ_REGISTRY, trimmed
    std::optional<qint64> cacheMaxBytes() const; // GREENTIC_CACHE_MAX_BYTES when a number >= 0
    std::optional<qint64> extractMaxBytes() const; // GREENTIC_DIST_EXTRACT_MAX_BYTES when > 0

    // HTTP.
    bool allowInsecureLocalHttp() const; // GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP=1
    std::optional<int> timeoutSecs() const; // GREENTIC_DIST_TIMEOUT_SECS when > 0
    std::optional<int> maxAttempts() const; // GREENTIC_DIST_MAX_ATTEMPTS when > 0
    std::optional<int> maxStalls() const; // GREENTIC_DIST_MAX_STALLS when > 0
    std::optional<int> retryBaseMs() const; // GREENTIC_DIST_RETRY_BASE_MS when >= 0
    std::optional<int> rangedConnections() const; // GREENTIC_DIST_RANGED_CONNECTIONS when >= 1
    std::optional<int> rangedMinMiB() const; // GREENTIC_DIST_RANGED_MIN_MIB when >= 1
    std::optional<int> rangedChunkMiB() const; // GREENTIC_DIST_RANGED_CHUNK_MIB when >= 1
    // The proxy variables (HTTPS_PROXY, NO_PROXY, …) are many and case-insensitive; ProxySettings
    // reads them from this environment.
    const QProcessEnvironment& environment() const { return m_env; }

    // Secrets: returned to the caller that sends them, never logged.
    // GREENTIC_DIST_REGISTRY_TOKEN_<KEY> / _USERNAME_<KEY>, KEY being the host as
    // CredentialResolver spells it.
    QString registryToken(const QString& hostKey) const;
    QString registryUsername(const QString& hostKey) const;
    QByteArray runtimeToken() const; // GREENTIC_DIST_RUNTIME_TOKEN

    // The pack registry (assay-registry's variables).
    QString packRegistryUrl() const; // ASSAY_REGISTRY_URL
    QByteArray packRegistryToken() const; // ASSAY_REGISTRY_TOKEN
    std::optional<int> packRegistryTimeoutSecs() const; // ASSAY_REGISTRY_TIMEOUT when > 0
    std::optional<int> packRegistryMaxRetries() const; // ASSAY_REGISTRY_MAX_RETRIES when >= 0
    bool packRegistryOidc() const; // ASSAY_REGISTRY_OIDC=1|true
    QString oidcRequestUrl() const; // ACTIONS_ID_TOKEN_REQUEST_URL
    QByteArray oidcRequestToken() const; // ACTIONS_ID_TOKEN_REQUEST_TOKEN
    QStringList packTrustRootFiles() const; // ASSAY_REGISTRY_TRUST_ROOTS, colon-separated

    // Front ends.
    bool silenceDeprecationWarnings() const; // GREENTIC_SILENCE_DEPRECATION_WARNINGS=1

private:
    QString text(const QString& name) const; // empty when unset or blank
    std::optional<qint64> number(const QString& name, qint64 minimum) const;
    QString xdgDir(const QString& name, const QString& fallback) const;

    QProcessEnvironment m_env;
};

} // namespace dist
