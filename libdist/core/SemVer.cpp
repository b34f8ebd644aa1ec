// SPDX-License-Identifier: MIT
#include "SemVer.h"

#include <QRegularExpression>

namespace dist {

std::optional<SemVer> SemVer::parse(const QString& text)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$)"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch()) {
        return std::nullopt;
    }
    SemVer v;
    bool ok1 = false;
    bool ok2 = false;
    bool ok3 = false;
    v.m_major = m.captured(1).toULongLong(&ok1);
    v.m_minor = m.captured(2).toULongLong(&ok2);
    v.m_patch = m.captured(3).toULongLong(&ok3);
    if (!ok1 || !ok2 || !ok3) {
        return std::nullopt;
    }
    if (m.hasCaptured(4) && !m.captured(4).isEmpty()) {
        v.m_pre = m.captured(4).split(u'.');
    }
    return v;
}

int SemVer::compare(const SemVer& a, const SemVer& b)
{
    for (auto [x, y] :
         {std::pair{a.m_major, b.m_major}, std::pair{a.m_minor, b.m_minor}, std::pair{a.m_patch, b.m_patch}}) {
        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    // A pre-release sorts before the release it precedes.
    if (a.m_pre.isEmpty() || b.m_pre.isEmpty()) {
        return a.m_pre.isEmpty() == b.m_pre.isEmpty() ? 0 : (a.m_pre.isEmpty() ? 1 : -1);
    }
    for (qsizetype i = 0; i < std::min(a.m_pre.size(), b.m_pre.size()); ++i) {
        bool na = false;
        bool nb = false;
        const quint64 ia = a.m_pre.at(i).toULongLong(&na);
        const quint64 ib = b.m_pre.at(i).toULongLong(&nb);
        if (na && nb) {
            if (ia != ib) {
                return ia < ib ? -1 : 1;
            }
        } else if (na != nb) {
            return na ? -1 : 1; // numeric identifiers sort before alphanumeric ones
        } else if (const int c = a.m_pre.at(i).compare(b.m_pre.at(i)); c != 0) {
            return c < 0 ? -1 : 1;
        }
    }
    return a.m_pre.size() == b.m_pre.size() ? 0 : (a.m_pre.size() < b.m_pre.size() ? -1 : 1);
}

} // namespace dist
