// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QDir>
#include <QString>
#include <QStringList>

namespace dist::serve {

// The directory a dev distributor serves, in greentic-distributor-dev's layouts:
//   flat:   packs/<id>-<version>.gtpack, components/<id>-<version>.wasm
//   nested: packs/<id>/<version>/pack.gtpack, components/<id>/<version>/component.wasm
// plus assay YAML packs for the pack registry API (packs/<name>-<version>.yaml or
// packs/<name>/<version>/pack.yaml) and optional secret requirements per pack
// (packs/<id>.secrets.json or packs/<id>/secrets.json). Auto looks in both layouts, flat first.
class DevLayout
{
public:
    enum class Kind
    {
        Auto,
        Flat,
        Nested
    };

    static Result<Kind> parseKind(const QString& text);
    static QString kindName(Kind kind);
    // Ids and versions become path segments, so anything that could escape the root is refused.
    static bool isSafeSegment(const QString& s);

    static Result<DevLayout> open(const QString& root, Kind kind);

    QString root() const { return m_root.absolutePath(); }
    Kind kind() const { return m_kind; }

    // Existing file paths, or empty when there is none.
    QString component(const QString& id, const QString& version) const;
    QString pack(const QString& id, const QString& version) const;
    QString packYaml(const QString& name, const QString& version) const;
    QString packSecrets(const QString& id) const;

    // Versions present on disk, highest semver first (non-semver names last, by name).
    QStringList componentVersions(const QString& id) const;
    QStringList packVersions(const QString& id) const; // .gtpack and .yaml alike
    QStringList packYamlVersions(const QString& name) const;

    // Everything served, for the startup summary.
    int countFiles() const;

private:
    DevLayout(const QDir& root, Kind kind);

    QString firstExisting(const QStringList& candidates) const;
    QStringList versions(const QString& dir, const QString& id, const QStringList& flatSuffixes,
                         const QStringList& nestedFiles) const;

    QDir m_root;
    Kind m_kind;
};

} // namespace dist::serve
