// SPDX-License-Identifier: MIT
#include "DevLayout.h"

#include <core/SemVer.h>

#include <QDirIterator>
#include <QFileInfo>
#include <QSet>

#include <algorithm>

namespace dist::serve {

namespace {

const QString kPacks = QStringLiteral("packs");
const QString kComponents = QStringLiteral("components");

bool looksLikeVersion(const QString& s)
{
    return !s.isEmpty() && s.front().isDigit() && DevLayout::isSafeSegment(s);
}

} // namespace

Result<DevLayout::Kind> DevLayout::parseKind(const QString& text)
{
    if (text.isEmpty() || text == u"auto") {
        return Kind::Auto;
    }
    if (text == u"flat") {
        return Kind::Flat;
    }
    if (text == u"nested" || text == u"by-id-and-version") {
        return Kind::Nested;
    }
    return Error{ErrorCode::InvalidInput,
                 QStringLiteral("invalid layout '%1': expected flat, nested or auto").arg(text)};
}

QString DevLayout::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Flat:
        return QStringLiteral("flat");
    case Kind::Nested:
        return QStringLiteral("nested");
    case Kind::Auto:
        break;
    }
    return QStringLiteral("flat and nested");
}

bool DevLayout::isSafeSegment(const QString& s)
{
    if (s.isEmpty() || s.size() > 255 || s == u"." || s == u".." || s.contains(QStringLiteral(".."))) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9') || c == u'.'
            || c == u'_' || c == u'-' || c == u'+';
    });
}

Result<DevLayout> DevLayout::open(const QString& root, Kind kind)
{
    const QFileInfo info(root);
    if (!info.exists()) {
        return Error{ErrorCode::NotFound, QStringLiteral("serve root %1 does not exist").arg(root)};
    }
    if (!info.isDir()) {
        return Error{ErrorCode::InvalidInput, QStringLiteral("serve root %1 is not a directory").arg(root)};
    }
    const QDir dir(info.absoluteFilePath());
    if (!dir.exists(kPacks) && !dir.exists(kComponents)) {
        return Error{ErrorCode::InvalidInput,
                     QStringLiteral("serve root %1 has neither packs/ nor components/").arg(dir.absolutePath())};
    }
    return DevLayout(dir, kind);
}

DevLayout::DevLayout(const QDir& root, Kind kind)
    : m_root(root)
    , m_kind(kind)
{
}

QString DevLayout::firstExisting(const QStringList& candidates) const
{
    for (const QString& rel : candidates) {
        const QFileInfo f(m_root.filePath(rel));
        if (f.isFile()) {
            return f.absoluteFilePath();
        }
    }
    return {};
}

QString DevLayout::component(const QString& id, const QString& version) const
{
    if (!isSafeSegment(id) || !isSafeSegment(version)) {
        return {};
    }
    QStringList c;
    if (m_kind != Kind::Nested) {
        c << kComponents + u'/' + id + u'-' + version + u".wasm";
    }
    if (m_kind != Kind::Flat) {
        c << kComponents + u'/' + id + u'/' + version + u"/component.wasm";
    }
    return firstExisting(c);
}

QString DevLayout::pack(const QString& id, const QString& version) const
{
    if (!isSafeSegment(id) || !isSafeSegment(version)) {
        return {};
    }
    QStringList c;
    if (m_kind != Kind::Nested) {
        c << kPacks + u'/' + id + u'-' + version + u".gtpack";
    }
    if (m_kind != Kind::Flat) {
        c << kPacks + u'/' + id + u'/' + version + u"/pack.gtpack";
    }
    return firstExisting(c);
}

QString DevLayout::packYaml(const QString& name, const QString& version) const
{
    if (!isSafeSegment(name) || !isSafeSegment(version)) {
        return {};
    }
    QStringList c;
    if (m_kind != Kind::Nested) {
        c << kPacks + u'/' + name + u'-' + version + u".yaml" << kPacks + u'/' + name + u'-' + version + u".yml";
    }
    if (m_kind != Kind::Flat) {
        c << kPacks + u'/' + name + u'/' + version + u"/pack.yaml";
    }
    return firstExisting(c);
}

QString DevLayout::packSecrets(const QString& id) const
{
    if (!isSafeSegment(id)) {
        return {};
    }
    QStringList c;
    if (m_kind != Kind::Nested) {
        c << kPacks + u'/' + id + u".secrets.json";
    }
    if (m_kind != Kind::Flat) {
        c << kPacks + u'/' + id + u"/secrets.json";
    }
    return firstExisting(c);
}

QStringList DevLayout::versions(const QString& dir, const QString& id, const QStringList& flatSuffixes,
                                const QStringList& nestedFiles) const
{
    if (!isSafeSegment(id)) {
        return {};
    }
    QSet<QString> found;
    if (m_kind != Kind::Nested) {
        const QDir d(m_root.filePath(dir));
        const QString prefix = id + u'-';
        for (const QString& name : d.entryList(QDir::Files)) {
            for (const QString& suffix : flatSuffixes) {
                if (name.startsWith(prefix) && name.endsWith(suffix)) {
                    const QString v = name.mid(prefix.size(), name.size() - prefix.size() - suffix.size());
                    // "hello-pack-0.1.0" is version 0.1.0 of hello-pack, not "pack-0.1.0" of hello.
                    if (looksLikeVersion(v)) {
                        found.insert(v);
                    }
                }
            }
        }
    }
    if (m_kind != Kind::Flat) {
        const QDir d(m_root.filePath(dir + u'/' + id));
        for (const QString& v : d.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            if (!isSafeSegment(v)) {
                continue;
            }
            for (const QString& file : nestedFiles) {
                if (QFileInfo(d.filePath(v + u'/' + file)).isFile()) {
                    found.insert(v);
                }
            }
        }
    }
    QStringList out(found.begin(), found.end());
    std::sort(out.begin(), out.end(), [](const QString& a, const QString& b) {
        const auto va = SemVer::parse(a);
        const auto vb = SemVer::parse(b);
        if (va && vb) {
            const int c = SemVer::compare(*va, *vb);
            return c != 0 ? c > 0 : a < b;
        }
        if (va || vb) {
            return bool(va);
        }
        return a < b;
    });
    return out;
}

QStringList DevLayout::componentVersions(const QString& id) const
{
    return versions(kComponents, id, {QStringLiteral(".wasm")}, {QStringLiteral("component.wasm")});
}

QStringList DevLayout::packVersions(const QString& id) const
{
    return versions(kPacks, id, {QStringLiteral(".gtpack"), QStringLiteral(".yaml"), QStringLiteral(".yml")},
                    {QStringLiteral("pack.gtpack"), QStringLiteral("pack.yaml")});
}

QStringList DevLayout::packYamlVersions(const QString& name) const
{
    return versions(kPacks, name, {QStringLiteral(".yaml"), QStringLiteral(".yml")}, {QStringLiteral("pack.yaml")});
}

int DevLayout::countFiles() const
{
    int n = 0;
    for (const QString& dir : {kPacks, kComponents}) {
        QDirIterator it(
            m_root.filePath(dir),
            {QStringLiteral("*.gtpack"), QStringLiteral("*.wasm"), QStringLiteral("*.yaml"), QStringLiteral("*.yml")},
            QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            ++n;
        }
    }
    return n;
}

} // namespace dist::serve
