// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>
#include <ref/OciReference.h>

#include <QList>
#include <QString>
#include <QStringList>

namespace dist {

// One place to fetch an OCI reference from: a mirror or the origin, with the reference rewritten
// for that place.
struct OciEndpoint
{
    OciReference reference;
    bool mirror = false;
    bool insecure = false;
};

// containers-registries.conf(5): `[[registry]]` tables with prefix, location, insecure, blocked,
// mirror-by-digest-only and `[[registry.mirror]]` (location, insecure, pull-from-mirror), plus the
// v1 `[registries.insecure]` / `[registries.block]` lists. The longest matching prefix wins.
class RegistriesConf
{
public:
    struct Mirror
    {
        QString location;
        bool insecure = false;
        QString pullFrom = QStringLiteral("all"); // all | digest-only | tag-only
    };
    struct Registry
    {
        QString prefix;
        QString location;
        bool insecure = false;
        bool blocked = false;
        QList<Mirror> mirrors;
    };

    static Result<RegistriesConf> parse(const QByteArray& toml, const QString& origin);
    static Result<RegistriesConf> load(const QString& path);
    // `override` (--registries-conf) > $CONTAINERS_REGISTRIES_CONF > ${XDG_CONFIG_HOME:-~/.config}/
    // containers/registries.conf > /etc/containers/registries.conf. No file is an empty config.
    static Result<RegistriesConf> loadDefault(const QString& override = QString());
    static QString defaultPath(const QString& override = QString());

    bool isEmpty() const { return m_registries.isEmpty(); }
    const QString& origin() const { return m_origin; }
    const QList<Registry>& registries() const { return m_registries; }

    // The registry table that applies to `ref`, if any.
    const Registry* find(const OciReference& ref) const;
    // Where to fetch `ref` from, in order: the mirrors that may serve this kind of request (by
    // digest or by tag), then the origin. A blocked registry is an error.
    Result<QList<OciEndpoint>> endpoints(const OciReference& ref, bool byDigest) const;
    // host[:port] values that are spoken to over plain http.
    QStringList insecureHosts() const;

private:
    static bool matches(const QString& prefix, const QString& name);
    QString m_origin;
    QList<Registry> m_registries;
};

} // namespace dist
