// SPDX-License-Identifier: MIT
#include "Settings.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace dist {

Settings::Settings(const QProcessEnvironment& env)
    : m_env(env)
{
}

QString Settings::text(const QString& name) const
{
    const QString v = m_env.value(name);
    return v.trimmed().isEmpty() ? QString() : v;
}

std::optional<qint64> Settings::number(const QString& name, qint64 minimum) const
{
    bool ok = false;
    const qint64 v = m_env.value(name).trimmed().toLongLong(&ok);
    if (!ok || v < minimum) {
        return std::nullopt;
    }
    return v;
}

QString Settings::homeDir() const
{
    const QString home = text(QStringLiteral("HOME"));
    return QDir::isAbsolutePath(home) ? QDir::cleanPath(home) : QDir::homePath();
}

QString Settings::xdgDir(const QString& name, const QString& fallback) const
{
    const QString v = text(name);
    return QDir::isAbsolutePath(v) ? v : homeDir() + fallback;
}

QString Settings::configHome() const
{
    return xdgDir(QStringLiteral("XDG_CONFIG_HOME"), QStringLiteral("/.config"));
}

QString Settings::cacheHome() const
{
    return xdgDir(QStringLiteral("XDG_CACHE_HOME"), QStringLiteral("/.cache"));
}

QString Settings::runtimeDir() const
{
    const QString v = text(QStringLiteral("XDG_RUNTIME_DIR"));
    return QDir::isAbsolutePath(v) ? v : QString();
}

QString Settings::cacheRoot() const
{
    for (const QString& name : {QStringLiteral("GREENTIC_DIST_CACHE_DIR"), QStringLiteral("GREENTIC_CACHE_DIR")}) {
        if (QString v = text(name); !v.isEmpty()) {
            return v;
        }
    }
    return cacheHome() + QStringLiteral("/greentic/dist");
}

QString Settings::credentialsFile() const
{
    const QString v = text(QStringLiteral("GREENTIC_DIST_CREDENTIALS_FILE"));
    return v.isEmpty() ? configHome() + QStringLiteral("/greentic/dist/credentials.json") : v;
}

QString Settings::credentialsIndexFile() const
{
    const QString v = text(QStringLiteral("GREENTIC_DIST_CREDENTIALS_INDEX"));
    return v.isEmpty() ? configHome() + QStringLiteral("/greentic/dist/credentials-index.json") : v;
}

QString Settings::credentialStoreChoice() const
{
    return m_env.value(QStringLiteral("GREENTIC_DIST_CREDENTIAL_STORE"));
}

QString Settings::registriesConfFile() const
{
    return text(QStringLiteral("CONTAINERS_REGISTRIES_CONF"));
}

QStringList Settings::containerAuthFiles() const
{
    QStringList files;
    if (const QString f = text(QStringLiteral("REGISTRY_AUTH_FILE")); !f.isEmpty()) {
        files << f;
    }
    if (const QString runtime = runtimeDir(); !runtime.isEmpty()) {
        files << runtime + QStringLiteral("/containers/auth.json");
    }
    files << configHome() + QStringLiteral("/containers/auth.json");
    const QString docker = text(QStringLiteral("DOCKER_CONFIG"));
    files << (docker.isEmpty() ? homeDir() + QStringLiteral("/.docker") : docker) + QStringLiteral("/config.json");
    return files;
}

QStringList Settings::certificateDirectories() const
{
    return {configHome() + QStringLiteral("/containers/certs.d"), QStringLiteral("/etc/containers/certs.d"),
            QStringLiteral("/etc/docker/certs.d")};
}

QString Settings::bundledPacksDir() const
{
    if (const QString v = text(QStringLiteral("GREENTIC_DIST_BUNDLED_PACKS_DIR")); !v.isEmpty()) {
        return v;
    }
    // XDG_DATA_HOME, then XDG_DATA_DIRS (default /usr/local/share:/usr/share), as QStandardPaths'
    // GenericDataLocation, but from this environment.
    QStringList dirs{xdgDir(QStringLiteral("XDG_DATA_HOME"), QStringLiteral("/.local/share"))};
    QString dataDirs = text(QStringLiteral("XDG_DATA_DIRS"));
    if (dataDirs.isEmpty()) {
        dataDirs = QStringLiteral("/usr/local/share:/usr/share");
    }
    for (const QString& d : dataDirs.split(u':', Qt::SkipEmptyParts)) {
        if (QDir::isAbsolutePath(d)) {
            dirs << d;
        }
    }
    for (const QString& d : std::as_const(dirs)) {
        const QString candidate = d + QStringLiteral("/greentic-dist/packs");
        if (QFileInfo(candidate).isDir()) {
            return candidate;
        }
    }
    return {};
}

QString Settings::fixtureDir() const
{
    return text(QStringLiteral("GREENTIC_FIXTURE_DIR"));
}

QString Settings::findExecutable(const QString& program) const
{
    const QStringList path = m_env.value(QStringLiteral("PATH")).split(u':', Qt::SkipEmptyParts);
    return path.isEmpty() ? QString() : QStandardPaths::findExecutable(program, path);
}

QString Settings::glibcTunables() const
{
    return m_env.value(QStringLiteral("GLIBC_TUNABLES"));
}

bool Settings::offline() const
{
    return m_env.value(QStringLiteral("GREENTIC_DIST_OFFLINE")) == u"1";
}

QString Settings::platform() const
{
    return m_env.value(QStringLiteral("GREENTIC_DIST_PLATFORM")).trimmed();
}

QString Settings::repoRegistryBase() const
{
    return text(QStringLiteral("GREENTIC_REPO_REGISTRY_BASE"));
}

QString Settings::storeRegistryBase() const
{
    return text(QStringLiteral("GREENTIC_STORE_REGISTRY_BASE"));
}

QString Settings::greenticBizRegistry() const
{
    return m_env.value(QStringLiteral("GREENTIC_DIST_GREENTIC_BIZ_REGISTRY")).trimmed();
}

std::optional<qint64> Settings::cacheMaxBytes() const
{
    return number(QStringLiteral("GREENTIC_CACHE_MAX_BYTES"), 0);
}

std::optional<qint64> Settings::extractMaxBytes() const
{
    return number(QStringLiteral("GREENTIC_DIST_EXTRACT_MAX_BYTES"), 1);
}

bool Settings::allowInsecureLocalHttp() const
{
    return m_env.value(QStringLiteral("GREENTIC_DIST_ALLOW_INSECURE_LOCAL_HTTP")) == u"1";
}

namespace {

std::optional<int> asInt(std::optional<qint64> v)
{
    if (!v || *v > std::numeric_limits<int>::max()) {
        return std::nullopt;
    }
    return static_cast<int>(*v);
}

} // namespace

std::optional<int> Settings::timeoutSecs() const
{
    return asInt(number(QStringLiteral("GREENTIC_DIST_TIMEOUT_SECS"), 1));
}

std::optional<int> Settings::maxAttempts() const
{
    return asInt(number(QStringLiteral("GREENTIC_DIST_MAX_ATTEMPTS"), 1));
}

std::optional<int> Settings::maxStalls() const
{
    return asInt(number(QStringLiteral("GREENTIC_DIST_MAX_STALLS"), 1));
}

std::optional<int> Settings::retryBaseMs() const
{
    return asInt(number(QStringLiteral("GREENTIC_DIST_RETRY_BASE_MS"), 0));
}

std::optional<int> Settings::rangedConnections() const
{
    return asInt(number(QStringLiteral("GREENTIC_DIST_RANGED_CONNECTIONS"), 1));
}

std::optional<int> Settings::rangedMinMiB() const
{
    return asInt(number(QStringLiteral("GREENTIC_DIST_RANGED_MIN_MIB"), 1));
}

std::optional<int> Settings::rangedChunkMiB() const
{
    return asInt(number(QStringLiteral("GREENTIC_DIST_RANGED_CHUNK_MIB"), 1));
}

QString Settings::registryToken(const QString& hostKey) const
{
    return m_env.value(QStringLiteral("GREENTIC_DIST_REGISTRY_TOKEN_") + hostKey);
}

QString Settings::registryUsername(const QString& hostKey) const
{
    return m_env.value(QStringLiteral("GREENTIC_DIST_REGISTRY_USERNAME_") + hostKey);
}

QByteArray Settings::runtimeToken() const
{
    return m_env.value(QStringLiteral("GREENTIC_DIST_RUNTIME_TOKEN")).toUtf8();
}

QString Settings::packRegistryUrl() const
{
    return m_env.value(QStringLiteral("ASSAY_REGISTRY_URL"));
}

QByteArray Settings::packRegistryToken() const
{
    return m_env.value(QStringLiteral("ASSAY_REGISTRY_TOKEN")).toUtf8();
}

std::optional<int> Settings::packRegistryTimeoutSecs() const
{
    return asInt(number(QStringLiteral("ASSAY_REGISTRY_TIMEOUT"), 1));
}

std::optional<int> Settings::packRegistryMaxRetries() const
{
    return asInt(number(QStringLiteral("ASSAY_REGISTRY_MAX_RETRIES"), 0));
}

bool Settings::packRegistryOidc() const
{
    const QString v = m_env.value(QStringLiteral("ASSAY_REGISTRY_OIDC"));
    return v == u"1" || v.compare(u"true", Qt::CaseInsensitive) == 0;
}

QString Settings::oidcRequestUrl() const
{
    return m_env.value(QStringLiteral("ACTIONS_ID_TOKEN_REQUEST_URL"));
}

QByteArray Settings::oidcRequestToken() const
{
    return m_env.value(QStringLiteral("ACTIONS_ID_TOKEN_REQUEST_TOKEN")).toUtf8();
}

QStringList Settings::packTrustRootFiles() const
{
    return m_env.value(QStringLiteral("ASSAY_REGISTRY_TRUST_ROOTS")).split(u':', Qt::SkipEmptyParts);
}

bool Settings::silenceDeprecationWarnings() const
{
    return m_env.value(QStringLiteral("GREENTIC_SILENCE_DEPRECATION_WARNINGS")) == u"1";
}

} // namespace dist
