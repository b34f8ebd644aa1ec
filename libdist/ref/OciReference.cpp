// SPDX-License-Identifier: MIT
#include "OciReference.h"

#include "Reference.h"

#include <QHostAddress>
#include <QRegularExpression>

namespace dist {

namespace {

bool isValidHost(const QString& host)
{
    // host[:port], where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
    static const QRegularExpression re(QStringLiteral(
        R"(^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?$)"));
    const QRegularExpressionMatch m = re.match(host);
    if (!m.hasMatch()) {
        return false;
    }
    if (m.hasCaptured(1)) {
        const int port = m.captured(1).toInt();
        if (port < 1 || port > 65535) {
            return false;
        }
    }
    return true;
}

} // namespace

bool OciReference::looksLikeRegistryHost(QStringView segment)
{
    return segment.contains(u'.') || segment.contains(u':') || segment == u"localhost" || segment.startsWith(u'[');
}

bool OciReference::isValidRepository(const QString& repository)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$)"));
    return re.match(repository).hasMatch();
}

bool OciReference::isValidTag(const QString& tag)
{
    static const QRegularExpression re(QStringLiteral(R"(^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$)"));
    return re.match(tag).hasMatch();
}

Result<OciReference> OciReference::parse(const QString& text)
{
    if (text.isEmpty()) {
        return Reference::invalid(text, QStringLiteral("empty reference"));
    }
    for (QChar c : text) {
        if (c.isSpace() || c.unicode() < 0x20 || c.unicode() > 0x7e) {
            return Reference::invalid(text,
                                      QStringLiteral("references may not contain whitespace or non-ASCII characters"));
        }
    }
    OciReference ref;
    QString rest = text;
    const qsizetype at = rest.indexOf(u'@');
    if (at >= 0) {
        const QString digestText = rest.mid(at + 1);
        if (!digestText.startsWith(QLatin1String("sha256:"))) {
            return Reference::invalid(text, QStringLiteral("only sha256 digests are supported after `@`"));
        }
        auto digest = Digest::parse(digestText);
        if (!digest) {
            return Reference::invalid(
                text, QStringLiteral("the digest must be sha256: followed by 64 lowercase hex characters"));
        }
        ref.m_digest = digest.value();
        rest = rest.left(at);
    }
    const qsizetype slash = rest.indexOf(u'/');
    if (slash <= 0) {
        return Reference::invalid(text, QStringLiteral("a registry host is required, as in ghcr.io/org/name:tag"));
    }
    const QString host = rest.left(slash);
    if (!looksLikeRegistryHost(host)) {
        return Reference::invalid(text,
                                  QStringLiteral("`%1` is not a registry host; to pull from Docker Hub write "
                                                 "oci://docker.io/%2")
                                      .arg(host, rest));
    }
    if (!isValidHost(host)) {
        return Reference::invalid(text, QStringLiteral("`%1` is not a valid registry host").arg(host));
    }
    QString path = rest.mid(slash + 1);
    const qsizetype colon = path.lastIndexOf(u':');
    if (colon >= 0) {
        ref.m_tag = path.mid(colon + 1);
        path = path.left(colon);
        if (!isValidTag(ref.m_tag)) {
            return Reference::invalid(text, QStringLiteral("`%1` is not a valid tag").arg(ref.m_tag));
        }
    }
    if (!isValidRepository(path)) {
        return Reference::invalid(text,
                                  QStringLiteral("`%1` is not a valid repository name (lowercase letters, digits and "
                                                 "separators . _ __ - between path components)")
                                      .arg(path));
    }
    if (host.size() + 1 + path.size() > 255) {
        return Reference::invalid(text, QStringLiteral("registry host and repository are longer than 255 characters"));
    }
    ref.m_registry = host.toLower();
    ref.m_repository = path;
    if (ref.m_tag.isEmpty() && ref.m_digest.isNull()) {
        ref.m_tag = QStringLiteral("latest");
        ref.m_implicitTag = true;
    }
    return ref;
}

QString OciReference::manifestReference() const
{
    return isDigestPinned() ? m_digest.toString() : m_tag;
}

QString OciReference::repositoryPath() const
{
    return m_registry + u'/' + m_repository;
}

QString OciReference::toString() const
{
    QString s = repositoryPath();
    if (!m_tag.isEmpty() && !m_implicitTag) {
        s += u':' + m_tag;
    }
    if (isDigestPinned()) {
        s += u'@' + m_digest.toString();
    } else if (m_implicitTag) {
        s += u':' + m_tag;
    }
    return s;
}

OciReference OciReference::withDigest(const Digest& digest) const
{
    OciReference copy = *this;
    copy.m_digest = digest;
    if (copy.m_implicitTag) {
        copy.m_tag.clear();
        copy.m_implicitTag = false;
    }
    return copy;
}

bool OciReference::isLoopbackRegistry() const
{
    QString host = m_registry;
    if (host.startsWith(u'[')) {
        host = host.mid(1, host.indexOf(u']') - 1);
    } else if (const qsizetype c = host.lastIndexOf(u':'); c >= 0) {
        host = host.left(c);
    }
    if (host == u"localhost") {
        return true;
    }
    const QHostAddress addr(host);
    return !addr.isNull() && addr.isLoopback();
}

} // namespace dist
