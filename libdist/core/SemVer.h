// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace dist {

// Semantic versions (MAJOR.MINOR.PATCH[-pre][+build]) with semver 2.0 precedence.
class SemVer
{
public:
    static std::optional<SemVer> parse(const QString& text);
    // <0, 0, >0 like strcmp; build metadata is ignored.
    static int compare(const SemVer& a, const SemVer& b);

private:
    quint64 m_major = 0;
    quint64 m_minor = 0;
    quint64 m_patch = 0;
    QStringList m_pre;
};

} // namespace dist
