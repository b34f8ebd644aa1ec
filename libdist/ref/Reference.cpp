// SPDX-License-Identifier: MIT
#include "Reference.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace dist {

namespace {

bool isPathLike(const QString& s)
{
    // A name ending in .yaml/.yml is a local pack file, as in assay (so `x@1.0.0.yaml` is a file).
    return s.startsWith(u'/') || s.startsWith(QLatin1String("./")) || s.startsWith(QLatin1String("../")) || s == u"."
        || s == u".." || s.endsWith(QLatin1String(".yaml")) || s.endsWith(QLatin1String(".yml"));
}

} // namespace

Error Reference::invalid(const QString& text, const QString& why)
{
    return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid reference `%1`: %2").arg(displayable(text), why));
}

QString Reference::displayable(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    if (out.size() > 300) {
        out = out.left(300) + QStringLiteral("...");
    }
    return out;
}

QString referenceKindName(ReferenceKind kind)
{
    switch (kind) {
    case ReferenceKind::Oci:
        return QStringLiteral("Oci");
    case ReferenceKind::Https:
        return QStringLiteral("Https");
    case ReferenceKind::File:
        return QStringLiteral("File");
    case ReferenceKind::Fixture:
        return QStringLiteral("Fixture");
    case ReferenceKind::Repo:
        return QStringLiteral("Repo");
    case ReferenceKind::Store:
        return QStringLiteral("Store");
    case ReferenceKind::CacheDigest:
        return QStringLiteral("CacheDigest");
    case ReferenceKind::RegistryPack:
        return QStringLiteral("RegistryPack");
    case ReferenceKind::BundledPack:
        return QStringLiteral("BundledPack");
    }
    return {};
}

bool isReferenceKindName(const QString& name)
{
    for (ReferenceKind k :
         {ReferenceKind::Oci, ReferenceKind::Https, ReferenceKind::File, ReferenceKind::Fixture, ReferenceKind::Repo,
          ReferenceKind::Store, ReferenceKind::CacheDigest, ReferenceKind::RegistryPack, ReferenceKind::BundledPack}) {
        if (referenceKindName(k) == name) {
            return true;
        }
    }
    return false;
}

Result<void> Reference::validatePackName(const QString& name)
{
    if (name.isEmpty()) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("pack name cannot be empty"));
    }
    if (!(name.front() >= u'a' && name.front() <= u'z')) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("pack name must start with a lowercase letter"));
    }
    for (QChar c : name) {
        const char16_t u = c.unicode();
        if (!((u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'-')) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("pack name may only contain lowercase letters, digits, and hyphens"));
        }
    }
    if (name.endsWith(u'-')) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("pack name cannot end with a hyphen"));
    }
    if (name.contains(QLatin1String("--"))) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("pack name cannot have consecutive hyphens"));
    }
    return {};
}

Result<void> Reference::validatePackVersion(const QString& version)
{
    if (version.isEmpty()) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("version is required for registry packs"));
    }
    for (QChar c : version) {
        if (c.isSpace() || c.unicode() < 0x21 || c.unicode() > 0x7e) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("pack version may not contain whitespace or non-ASCII characters"));
        }
    }
    if (version.contains(u'/') || version.contains(u'\\') || version.contains(QLatin1String(".."))) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("pack version may not contain `/`, `\\` or `..`"));
    }
    if (version.startsWith(QLatin1String("sha256:"))) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("a digest is not a version; pin with name@version#sha256:<hex>"));
    }
    return {};
}

bool Reference::isGreenticBizStore() const
{
    return m_kind == ReferenceKind::Store
        && (m_path == u"greentic-biz" || m_path.startsWith(QLatin1String("greentic-biz/")));
}

Result<Reference> Reference::parse(const QString& input)
{
    Reference ref;
    ref.m_raw = input;
    const QString text = input.trimmed();
    if (text.isEmpty()) {
        return Reference::invalid(input, QStringLiteral("empty reference"));
    }
    if (text != input) {
        return Reference::invalid(input, QStringLiteral("leading or trailing whitespace"));
    }
    for (QChar c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) {
            return Reference::invalid(input, QStringLiteral("control characters are not allowed"));
        }
    }

    if (text.startsWith(QLatin1String("sha256:"))) {
        auto digest = Digest::parse(text);
        if (!digest) {
            return Reference::invalid(
                input, QStringLiteral("a cache digest is sha256: followed by 64 lowercase hex characters"));
        }
        ref.m_kind = ReferenceKind::CacheDigest;
        ref.m_digest = digest.value();
        return ref;
    }

    static const QRegularExpression schemeRe(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]*)://"));
    const QRegularExpressionMatch scheme = schemeRe.match(text);
    if (scheme.hasMatch()) {
        const QString name = scheme.captured(1).toLower();
        const QString rest = text.mid(scheme.capturedLength(0));
        if (name == u"oci") {
            auto oci = OciReference::parse(rest);
            if (!oci) {
                return Reference::invalid(input, oci.message().section(QStringLiteral(": "), 1));
            }
            ref.m_kind = ReferenceKind::Oci;
            ref.m_oci = oci.value();
            return ref;
        }
        if (name == u"https" || name == u"http") {
            const QUrl url(text, QUrl::StrictMode);
            if (!url.isValid() || url.host().isEmpty()) {
                return Reference::invalid(input, QStringLiteral("not a valid URL"));
            }
            if (!url.userInfo().isEmpty()) {
                return Reference::invalid(input, QStringLiteral("credentials in URLs are not accepted"));
            }
            ref.m_kind = ReferenceKind::Https;
            ref.m_url = url;
            // BYOS pin: https://host/pack.yaml#sha256:<hex> (the canonical digest for a YAML pack).
            if (url.hasFragment() && url.fragment().startsWith(QLatin1String("sha256:"))) {
                auto pin = Digest::parse(url.fragment());
                if (!pin) {
                    return Reference::invalid(
                        input, QStringLiteral("pinned digest must be sha256: followed by 64 lowercase hex characters"));
                }
                ref.m_digest = pin.value();
                ref.m_url.setFragment(QString());
            }
            return ref;
        }
        if (name == u"file") {
            const QUrl url(text, QUrl::StrictMode);
            if (!url.isValid() || !(url.host().isEmpty() || url.host() == u"localhost")) {
                return Reference::invalid(input, QStringLiteral("file URLs must name a local absolute path"));
            }
            const QString path = url.path();
            if (path.isEmpty() || !path.startsWith(u'/')) {
                return Reference::invalid(input, QStringLiteral("file URLs must name a local absolute path"));
            }
            ref.m_kind = ReferenceKind::File;
            ref.m_path = path;
            return ref;
        }
        if (name == u"fixture") {
            QString fixture = rest;
            while (fixture.startsWith(u'/')) {
                fixture.remove(0, 1);
            }
            if (fixture.isEmpty()) {
                return Reference::invalid(input, QStringLiteral("fixture:// needs a fixture name"));
            }
            if (fixture.split(u'/').contains(QStringLiteral("..")) || fixture.contains(u'\\')) {
                return Reference::invalid(input, QStringLiteral("fixture names may not leave the fixture directory"));
            }
            ref.m_kind = ReferenceKind::Fixture;
            ref.m_path = fixture;
            return ref;
        }
        if (name == u"repo" || name == u"store") {
            if (rest.isEmpty() || rest == u"/") {
                return Reference::invalid(input, QStringLiteral("%1:// needs a target").arg(name));
            }
            ref.m_kind = name == u"repo" ? ReferenceKind::Repo : ReferenceKind::Store;
            ref.m_path = rest;
            return ref;
        }
        return Reference::invalid(input,
                                  QStringLiteral("unsupported scheme `%1://` (use oci://, https://, file://, "
                                                 "fixture://, repo:// or store://)")
                                      .arg(name));
    }

    if (isPathLike(text)) {
        ref.m_kind = ReferenceKind::File;
        ref.m_path = text;
        return ref;
    }
    if (QFileInfo::exists(text)) {
        ref.m_kind = ReferenceKind::File;
        ref.m_path = text;
        return ref;
    }

    const qsizetype slash = text.indexOf(u'/');
    const qsizetype at = text.indexOf(u'@');
    if (slash < 0 && at > 0) {
        // name@version[#sha256:…], the pack registry grammar.
        const QString name = text.left(at);
        QString version = text.mid(at + 1);
        Digest pin;
        if (const qsizetype hash = version.indexOf(u'#'); hash >= 0) {
            const QString pinText = version.mid(hash + 1);
            version = version.left(hash);
            if (!pinText.startsWith(QLatin1String("sha256:"))) {
                return Reference::invalid(input, QStringLiteral("pinned digest must start with 'sha256:'"));
            }
            auto digest = Digest::parse(pinText);
            if (!digest) {
                return Reference::invalid(
                    input, QStringLiteral("pinned digest must be sha256: followed by 64 lowercase hex characters"));
            }
            pin = digest.value();
        }
        if (auto ok = validatePackName(name); !ok) {
            return Reference::invalid(input, ok.message());
        }
        if (auto ok = validatePackVersion(version); !ok) {
            return Reference::invalid(input, ok.message());
        }
        ref.m_kind = ReferenceKind::RegistryPack;
        ref.m_packName = name;
        ref.m_packVersion = version;
        ref.m_digest = pin;
        return ref;
    }

    if (slash > 0 && OciReference::looksLikeRegistryHost(QStringView(text).left(slash))) {
        auto oci = OciReference::parse(text);
        if (!oci) {
            return Reference::invalid(input, oci.message().section(QStringLiteral(": "), 1));
        }
        ref.m_kind = ReferenceKind::Oci;
        ref.m_oci = oci.value();
        return ref;
    }

    if (slash < 0 && at < 0 && validatePackName(text).ok()) {
        ref.m_kind = ReferenceKind::BundledPack;
        ref.m_packName = text;
        return ref;
    }

    if (slash < 0 && at < 0 && !text.contains(u':')) {
        return Reference::invalid(
            input,
            QStringLiteral("no such file, and a name without a registry host is never sent to "
                           "Docker Hub; write ./%1 for a local file or oci://docker.io/library/%1 "
                           "for Docker Hub")
                .arg(text));
    }
    return Reference::invalid(input,
                              QStringLiteral("a registry host is required (a name without one is never sent to Docker "
                                             "Hub); write oci://docker.io/%1 for Docker Hub")
                                  .arg(text));
}

} // namespace dist
