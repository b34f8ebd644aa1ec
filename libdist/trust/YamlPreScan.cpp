// SPDX-License-Identifier: MIT
#include "YamlPreScan.h"

#include <QList>
#include <QSet>
#include <QStringView>

#include <utility>
#include <vector>

namespace dist {

namespace {

CanonicalError fail(CanonicalErrorKind kind, const QString& message)
{
    return CanonicalError{kind, message};
}

qsizetype utf8Length(QStringView s)
{
    qsizetype n = 0;
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < 0x80) {
            n += 1;
        } else if (c < 0x800) {
            n += 2;
        } else if (QChar::isHighSurrogate(c) && i + 1 < s.size() && QChar::isLowSurrogate(s[i + 1].unicode())) {
            n += 4;
            ++i;
        } else {
            n += 3;
        }
    }
    return n;
}

qsizetype leadingSpace(QStringView s)
{
    qsizetype i = 0;
    while (i < s.size() && s[i].isSpace()) {
        ++i;
    }
    return i;
}

// The code point starting at index i (a lone surrogate stands for itself).
char32_t codePointAt(QStringView s, qsizetype i)
{
    const char16_t c = s[i].unicode();
    if (QChar::isHighSurrogate(c) && i + 1 < s.size() && QChar::isLowSurrogate(s[i + 1].unicode())) {
        return QChar::surrogateToUcs4(c, s[i + 1].unicode());
    }
    return c;
}

// `&name` / `*name` outside quotes. Quotes toggle without regard to escapes, as in assay.
std::optional<CanonicalError> scanAnchors(QStringView trimmed, int lineNo)
{
    bool inSingle = false;
    bool inDouble = false;
    for (qsizetype i = 0; i < trimmed.size(); ++i) {
        const QChar c = trimmed[i];
        if (c == u'\'' && !inDouble) {
            inSingle = !inSingle;
        } else if (c == u'"' && !inSingle) {
            inDouble = !inDouble;
        } else if ((c == u'&' || c == u'*') && !inSingle && !inDouble && i + 1 < trimmed.size()) {
            const char32_t next = codePointAt(trimmed, i + 1);
            if (next == U'_' || QChar::isLetterOrNumber(next)) {
                const QString where = QStringLiteral("line %1").arg(lineNo);
                return c == u'&'
                    ? fail(CanonicalErrorKind::AnchorFound, QStringLiteral("YAML anchor found at ") + where)
                    : fail(CanonicalErrorKind::AliasFound, QStringLiteral("YAML alias found at ") + where);
            }
        }
    }
    return std::nullopt;
}

// Odd count of unescaped quotes before the first occurrence of `pattern`.
bool insideQuotes(QStringView line, QStringView pattern)
{
    const qsizetype pos = line.indexOf(pattern);
    if (pos < 0) {
        return false;
    }
    const QStringView before = line.left(pos);
    const qsizetype dq = before.count(u'"') - before.count(QStringLiteral("\\\""));
    const qsizetype sq = before.count(u'\'') - before.count(QStringLiteral("\\'"));
    return dq % 2 == 1 || sq % 2 == 1;
}

std::optional<CanonicalError> scanTags(QStringView trimmed)
{
    const bool hasBang = trimmed.contains(QLatin1String("!!"));
    const bool hasAngle = trimmed.contains(QLatin1String("!<"));
    if (!hasBang && !hasAngle) {
        return std::nullopt;
    }
    if (insideQuotes(trimmed, u"!!") || insideQuotes(trimmed, u"!<")) {
        return std::nullopt;
    }
    const qsizetype start = hasBang ? trimmed.indexOf(QLatin1String("!!")) : trimmed.indexOf(QLatin1String("!<"));
    qsizetype end = start;
    while (end < trimmed.size() && !trimmed[end].isSpace() && trimmed[end] != u':') {
        ++end;
    }
    if (end == trimmed.size()) {
        // No terminator: assay keeps at most 20 bytes of the tag.
        end = start;
        qsizetype bytes = 0;
        while (end < trimmed.size()) {
            const qsizetype w = utf8Length(trimmed.mid(end, QChar::isHighSurrogate(trimmed[end].unicode()) ? 2 : 1));
            if (bytes + w > 20) {
                break;
            }
            bytes += w;
            end += QChar::isHighSurrogate(trimmed[end].unicode()) ? 2 : 1;
        }
    }
    return fail(CanonicalErrorKind::TagFound,
                QStringLiteral("YAML tag not allowed: ") + trimmed.mid(start, end - start).toString());
}

std::optional<QString> extractKey(QStringView line)
{
    const QStringView trimmed = line.trimmed();
    if (trimmed.startsWith(u'-')) {
        return std::nullopt;
    }
    if (trimmed == u"|" || trimmed == u">" || trimmed == u"|-" || trimmed == u">-") {
        return std::nullopt;
    }
    if (trimmed.startsWith(u'"') || trimmed.startsWith(u'\'')) {
        const QChar quote = trimmed[0];
        const QStringView rest = trimmed.mid(1);
        qsizetype end = -1;
        for (qsizetype i = 0; i < rest.size(); ++i) {
            if (quote == u'"' && rest[i] == u'\\' && i + 1 < rest.size() && rest[i + 1] == u'"') {
                ++i; // an escaped quote does not close a double-quoted key
            } else if (rest[i] == quote) {
                end = i;
                break;
            }
        }
        if (end >= 0 && rest.mid(end + 1).trimmed().startsWith(u':')) {
            return rest.left(end).toString(); // raw text: no unescaping, as in assay
        }
        return std::nullopt;
    }

    int depth = 0;
    for (qsizetype i = 0; i < trimmed.size(); ++i) {
        const QChar c = trimmed[i];
        if (c == u'[' || c == u'{') {
            ++depth;
        } else if (c == u']' || c == u'}') {
            depth = depth > 0 ? depth - 1 : 0;
        } else if (c == u':' && depth == 0) {
            const QStringView key = trimmed.left(i).trimmed();
            if (!key.isEmpty() && !key.contains(u' ')) {
                return key.toString();
            }
            return std::nullopt;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<CanonicalError> YamlPreScan::scan(const QString& content)
{
    std::vector<std::pair<qsizetype, QSet<QString>>> scopes;
    scopes.emplace_back(0, QSet<QString>());

    int lineNo = 0;
    qsizetype pos = 0;
    while (pos < content.size()) {
        qsizetype nl = content.indexOf(u'\n', pos);
        if (nl < 0) {
            nl = content.size();
        }
        QStringView line = QStringView(content).mid(pos, nl - pos);
        pos = nl + 1;
        ++lineNo;
        if (line.endsWith(u'\r')) {
            line.chop(1);
        }
        const QStringView trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(u'#')) {
            continue;
        }
        const qsizetype indent = utf8Length(line.left(leadingSpace(line)));

        if (trimmed == u"---" || trimmed.startsWith(QLatin1String("--- ")) || trimmed == u"...") {
            return fail(CanonicalErrorKind::MultiDocument, QStringLiteral("multi-document YAML not allowed"));
        }
        if (auto e = scanAnchors(trimmed, lineNo)) {
            return e;
        }
        if (auto e = scanTags(trimmed)) {
            return e;
        }

        // Each list item opens a fresh key scope, so `- a: 1\n- a: 2` passes and
        // `- a: 1\n  a: 2` does not.
        const bool listItem = trimmed.startsWith(u'-');
        const QStringView keySource = listItem ? trimmed.mid(1).trimmed() : trimmed;
        if (listItem) {
            while (scopes.size() > 1 && scopes.back().first >= indent) {
                scopes.pop_back();
            }
            scopes.emplace_back(indent + 1, QSet<QString>());
        }
        const std::optional<QString> key = extractKey(keySource);
        if (!key) {
            continue;
        }
        if (*key == u"<<") {
            return fail(CanonicalErrorKind::MergeKey,
                        QStringLiteral("YAML parse error: reason=merge_key_not_allowed: merge keys (<<) not allowed"));
        }
        if (!listItem) {
            while (scopes.size() > 1 && scopes.back().first > indent) {
                scopes.pop_back();
            }
            if (scopes.back().first < indent) {
                scopes.emplace_back(indent, QSet<QString>());
            }
        }
        QSet<QString>& keys = scopes.back().second;
        if (keys.contains(*key)) {
            return fail(CanonicalErrorKind::DuplicateKey, QStringLiteral("duplicate key: ") + *key);
        }
        keys.insert(*key);
    }
    return std::nullopt;
}

} // namespace dist
