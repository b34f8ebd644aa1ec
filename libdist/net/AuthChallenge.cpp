// SPDX-License-Identifier: MIT
#include "AuthChallenge.h"

namespace dist {

namespace {

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' || c == '#'
        || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' || c == '+' || c == '-' || c == '.' || c == '^'
        || c == '_' || c == '`' || c == '|' || c == '~' || c == '/' || c == ':' || c == '=';
}

void skipSpace(const QByteArray& s, qsizetype& i)
{
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
        ++i;
    }
}

} // namespace

QList<AuthChallenge> AuthChallenge::parse(const QByteArray& header)
{
    QList<AuthChallenge> out;
    qsizetype i = 0;
    const QByteArray& s = header;
    while (i < s.size()) {
        skipSpace(s, i);
        while (i < s.size() && s[i] == ',') {
            ++i;
            skipSpace(s, i);
        }
        // scheme
        const qsizetype start = i;
        while (i < s.size() && isTokenChar(s[i]) && s[i] != '=') {
            ++i;
        }
        if (i == start) {
            break;
        }
        AuthChallenge ch;
        ch.scheme = QString::fromLatin1(s.mid(start, i - start)).toLower();
        // params: key=value or key="quoted", separated by commas, until the next scheme token
        for (;;) {
            skipSpace(s, i);
            const qsizetype keyStart = i;
            while (i < s.size() && isTokenChar(s[i]) && s[i] != '=') {
                ++i;
            }
            const qsizetype keyEnd = i;
            skipSpace(s, i);
            if (keyEnd == keyStart || i >= s.size() || s[i] != '=') {
                // Not a parameter: this is the start of the next challenge (or junk).
                i = keyStart;
                break;
            }
            ++i; // '='
            skipSpace(s, i);
            QByteArray value;
            if (i < s.size() && s[i] == '"') {
                ++i;
                while (i < s.size() && s[i] != '"') {
                    if (s[i] == '\\' && i + 1 < s.size()) {
                        ++i;
                    }
                    value += s[i];
                    ++i;
                }
                ++i; // closing quote
            } else {
                while (i < s.size() && s[i] != ',' && s[i] != ' ' && s[i] != '\t') {
                    value += s[i];
                    ++i;
                }
            }
            ch.params.insert(QString::fromLatin1(s.mid(keyStart, keyEnd - keyStart)).toLower(),
                             QString::fromUtf8(value));
            skipSpace(s, i);
            if (i < s.size() && s[i] == ',') {
                ++i;
                continue;
            }
            break;
        }
        out.append(ch);
    }
    return out;
}

} // namespace dist
