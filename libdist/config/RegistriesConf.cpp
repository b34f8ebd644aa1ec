// SPDX-License-Identifier: MIT
#include "RegistriesConf.h"

#include "Settings.h"
#include "TomlReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace dist {

namespace {

Error invalid(const QString& origin, const QString& why)
{
    return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid registries.conf %1: %2").arg(origin, why));
}

QString hostOf(const QString& location)
{
    return location.section(u'/', 0, 0);
}

// The reference text for `name` (host/repository) with the tag and digest of `ref`.
Result<OciReference> rewrite(const OciReference& ref, const QString& name)
{
    QString text = name;
    if (!ref.tag().isEmpty()) {
        text += u':' + ref.tag();
    }
    if (ref.isDigestPinned()) {
        text += u'@' + ref.digest().toString();
    }
    return OciReference::parse(text);
}

} // namespace

Result<RegistriesConf> RegistriesConf::parse(const QByteArray& toml, const QString& origin)
{
    auto doc = TomlReader::parse(toml, origin);
    if (!doc) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid registries.conf ") + doc.message());
    }
    RegistriesConf conf;
    conf.m_origin = origin;
    const QJsonValue list = doc->value(QStringLiteral("registry"));
    if (!list.isUndefined() && !list.isArray()) {
        return invalid(origin, QStringLiteral("[[registry]] must be an array of tables"));
    }
    for (const QJsonValue& v : list.toArray()) {
        const QJsonObject o = v.toObject();
        Registry r;
        r.location = o.value(QStringLiteral("location")).toString();
        r.prefix = o.value(QStringLiteral("prefix")).toString(r.location);
        r.insecure = o.value(QStringLiteral("insecure")).toBool();
        r.blocked = o.value(QStringLiteral("blocked")).toBool();
        const bool digestOnly = o.value(QStringLiteral("mirror-by-digest-only")).toBool();
        if (r.prefix.isEmpty()) {
            return invalid(origin, QStringLiteral("a [[registry]] needs a location or a prefix"));
        }
        if (r.prefix.startsWith(QLatin1String("*.")) && r.prefix.contains(u'/')) {
            return invalid(origin, QStringLiteral("wildcard prefix %1 may only name hosts").arg(r.prefix));
        }
        for (const QJsonValue& m : o.value(QStringLiteral("mirror")).toArray()) {
            const QJsonObject mo = m.toObject();
            Mirror mirror;
            mirror.location = mo.value(QStringLiteral("location")).toString();
            mirror.insecure = mo.value(QStringLiteral("insecure")).toBool();
            mirror.pullFrom = mo.value(QStringLiteral("pull-from-mirror")).toString(QStringLiteral("all"));
            if (digestOnly) {
                mirror.pullFrom = QStringLiteral("digest-only");
            }
            if (mirror.location.isEmpty()) {
                return invalid(origin, QStringLiteral("a mirror of %1 has no location").arg(r.prefix));
            }
            if (mirror.pullFrom != u"all" && mirror.pullFrom != u"digest-only" && mirror.pullFrom != u"tag-only") {
                return invalid(origin, QStringLiteral("pull-from-mirror must be all, digest-only or tag-only"));
            }
            r.mirrors.append(mirror);
        }
        conf.m_registries.append(r);
    }
    // v1 format: [registries.insecure] / [registries.block] host lists.
    const QJsonObject v1 = doc->value(QStringLiteral("registries")).toObject();
    for (const auto& [table, insecure] : {std::pair{"insecure", true}, std::pair{"block", false}}) {
        for (const QJsonValue& host :
             v1.value(QLatin1String(table)).toObject().value(QStringLiteral("registries")).toArray()) {
            Registry r;
            r.prefix = host.toString();
            r.location = r.prefix;
            r.insecure = insecure;
            r.blocked = !insecure;
            if (!r.prefix.isEmpty()) {
                conf.m_registries.append(r);
            }
        }
    }
    return conf;
}

Result<RegistriesConf> RegistriesConf::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    }
    return parse(f.read(4 << 20), path);
}

QString RegistriesConf::defaultPath(const QString& override)
{
    if (!override.isEmpty()) {
        return override;
    }
    const Settings settings;
    if (const QString fromEnv = settings.registriesConfFile(); !fromEnv.isEmpty()) {
        return fromEnv;
    }
    const QString user = settings.configHome() + QStringLiteral("/containers/registries.conf");
    if (QFileInfo::exists(user)) {
        return user;
    }
    const QString system = QStringLiteral("/etc/containers/registries.conf");
    return QFileInfo::exists(system) ? system : QString();
}

Result<RegistriesConf> RegistriesConf::loadDefault(const QString& override)
{
    const QString path = defaultPath(override);
    if (path.isEmpty()) {
        return RegistriesConf();
    }
    return load(path);
}

bool RegistriesConf::matches(const QString& prefix, const QString& name)
{
    if (prefix.startsWith(QLatin1String("*."))) {
        const QString host = hostOf(name).section(u':', 0, 0);
        return host.endsWith(prefix.mid(1)) && host.size() > prefix.size() - 1;
    }
    if (!name.startsWith(prefix)) {
        return false;
    }
    if (name.size() == prefix.size()) {
        return true;
    }
    const QChar next = name.at(prefix.size());
    return next == u'/' || next == u':' || next == u'@';
}

const RegistriesConf::Registry* RegistriesConf::find(const OciReference& ref) const
{
    const QString name = ref.repositoryPath();
    const Registry* best = nullptr;
    qsizetype bestLength = -1;
    for (const Registry& r : m_registries) {
        // A wildcard counts as shorter than any exact prefix.
        const qsizetype length = r.prefix.startsWith(QLatin1String("*.")) ? 0 : r.prefix.size();
        if (matches(r.prefix, name) && length > bestLength) {
            best = &r;
            bestLength = length;
        }
    }
    return best;
}

Result<QList<OciEndpoint>> RegistriesConf::endpoints(const OciReference& ref, bool byDigest) const
{
    const Registry* r = find(ref);
    if (!r) {
        return QList<OciEndpoint>{OciEndpoint{ref, false, false}};
    }
    if (r->blocked) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("registry %1 is blocked by %2").arg(ref.registry(), m_origin));
    }
    const QString name = ref.repositoryPath();
    const bool wildcard = r->prefix.startsWith(QLatin1String("*."));
    // What follows the matched prefix (for a wildcard: everything after the host).
    const QString rest = wildcard ? name.mid(hostOf(name).size()) : name.mid(r->prefix.size());
    QList<OciEndpoint> out;
    for (const Mirror& m : r->mirrors) {
        if ((byDigest && m.pullFrom == u"tag-only") || (!byDigest && m.pullFrom == u"digest-only")) {
            continue;
        }
        auto mirrored = rewrite(ref, m.location + rest);
        if (!mirrored) {
            return invalid(m_origin,
                           QStringLiteral("mirror %1 gives an invalid reference for %2").arg(m.location, name));
        }
        // A mirror never receives the origin's tenant credentials.
        mirrored->setAuthTenant(QString());
        out.append(OciEndpoint{mirrored.value(), true, m.insecure});
    }
    OciReference primary = ref;
    if (!wildcard && !r->location.isEmpty() && r->location != r->prefix) {
        auto moved = rewrite(ref, r->location + rest);
        if (!moved) {
            return invalid(m_origin,
                           QStringLiteral("location %1 gives an invalid reference for %2").arg(r->location, name));
        }
        moved->setAuthTenant(ref.authTenant());
        primary = moved.value();
    }
    out.append(OciEndpoint{primary, false, r->insecure});
    return out;
}

QStringList RegistriesConf::insecureHosts() const
{
    QStringList hosts;
    for (const Registry& r : m_registries) {
        if (r.insecure && !r.prefix.startsWith(QLatin1String("*."))) {
            hosts.append(hostOf(r.location.isEmpty() ? r.prefix : r.location));
        }
        for (const Mirror& m : r.mirrors) {
            if (m.insecure) {
                hosts.append(hostOf(m.location));
            }
        }
    }
    hosts.removeDuplicates();
    return hosts;
}

} // namespace dist
