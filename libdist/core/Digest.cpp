// SPDX-License-Identifier: MIT
#include "Digest.h"

namespace dist {

namespace {
const QString kPrefix = QStringLiteral("sha256:");
}

bool Digest::isValidHex(QStringView hex)
{
    if (hex.size() != 64) {
        return false;
    }
    for (QChar c : hex) {
        const char16_t u = c.unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f'))) {
            return false;
        }
    }
    return true;
}

Result<Digest> Digest::parse(const QString& text)
{
    if (!text.startsWith(kPrefix)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid digest `%1`: expected sha256:<64 lowercase hex>").arg(text));
    }
    const QStringView hex = QStringView(text).mid(kPrefix.size());
    if (!isValidHex(hex)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid digest `%1`: expected sha256:<64 lowercase hex>").arg(text));
    }
    return fromHex(hex.toString());
}

Result<Digest> Digest::parseLenient(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (isValidHex(trimmed)) {
        return fromHex(trimmed);
    }
    return parse(trimmed);
}

Digest Digest::fromHex(const QString& lowercaseHex)
{
    Digest d;
    d.m_hex = lowercaseHex;
    return d;
}

QString Digest::toString() const
{
    return m_hex.isEmpty() ? QString() : kPrefix + m_hex;
}

} // namespace dist
