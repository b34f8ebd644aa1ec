// SPDX-License-Identifier: MIT
// toml++ is used header-only in this one file, with exceptions off, so no exception ever leaves it.
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0
#define TOML_ENABLE_FORMATTERS 0
#include "TomlReader.h"

#include <QFile>
#include <QJsonArray>

#include <cstring>
#include <optional>
#include <string_view>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wshadow"
// toml++ asserts preconditions in its parser that malformed input can break (found by fuzz_toml:
// `d = 1979-05-27T)7:32:00Z`) and then rejects that input properly. A parse error must stay an
// error in every build, never an abort, and never an assumption either (under NDEBUG with clang its
// asserts become __builtin_assume, undefined behaviour when false). So: no-op asserts, no NDEBUG.
#pragma push_macro("NDEBUG")
#undef NDEBUG
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>
#pragma pop_macro("NDEBUG")
#pragma GCC diagnostic pop

namespace dist {

namespace {

QString text(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QJsonValue convert(const toml::node& node);

QJsonObject convertTable(const toml::table& table)
{
    QJsonObject o;
    for (const auto& [key, value] : table) {
        o.insert(text(key.str()), convert(value));
    }
    return o;
}

QJsonValue convert(const toml::node& node)
{
    if (const auto* t = node.as_table()) {
        return convertTable(*t);
    }
    if (const auto* a = node.as_array()) {
        QJsonArray out;
        for (const auto& v : *a) {
            out.append(convert(v));
        }
        return out;
    }
    if (const auto* s = node.as_string()) {
        return text(s->get());
    }
    if (const auto* i = node.as_integer()) {
        return static_cast<double>(i->get());
    }
    if (const auto* f = node.as_floating_point()) {
        return f->get();
    }
    if (const auto* b = node.as_boolean()) {
        return b->get();
    }
    if (const auto* d = node.as_date()) {
        const auto v = d->get();
        return QStringLiteral("%1-%2-%3")
            .arg(v.year, 4, 10, QLatin1Char('0'))
            .arg(v.month, 2, 10, QLatin1Char('0'))
            .arg(v.day, 2, 10, QLatin1Char('0'));
    }
    if (const auto* t = node.as_time()) {
        const auto v = t->get();
        return QStringLiteral("%1:%2:%3")
            .arg(v.hour, 2, 10, QLatin1Char('0'))
            .arg(v.minute, 2, 10, QLatin1Char('0'))
            .arg(v.second, 2, 10, QLatin1Char('0'));
    }
    if (const auto* dt = node.as_date_time()) {
        const auto v = dt->get();
        QString s = QStringLiteral("%1-%2-%3T%4:%5:%6")
                        .arg(v.date.year, 4, 10, QLatin1Char('0'))
                        .arg(v.date.month, 2, 10, QLatin1Char('0'))
                        .arg(v.date.day, 2, 10, QLatin1Char('0'))
                        .arg(v.time.hour, 2, 10, QLatin1Char('0'))
                        .arg(v.time.minute, 2, 10, QLatin1Char('0'))
                        .arg(v.time.second, 2, 10, QLatin1Char('0'));
        if (v.offset) {
            const int minutes = v.offset->minutes;
            s += minutes == 0 ? QStringLiteral("Z")
                              : QStringLiteral("%1%2:%3")
                                    .arg(minutes < 0 ? u'-' : u'+')
                                    .arg(std::abs(minutes) / 60, 2, 10, QLatin1Char('0'))
                                    .arg(std::abs(minutes) % 60, 2, 10, QLatin1Char('0'));
        }
        return s;
    }
    return QJsonValue();
}

} // namespace

namespace {

// toml++ 3.3 reaches __builtin_unreachable() (undefined behaviour, found by fuzz_toml under UBSan)
// when a non-ASCII character appears outside a string or a comment, e.g. `a = 1 ¡`. TOML allows
// non-ASCII only inside strings and comments, so such input is refused here, before toml++ sees it.
// The scan follows toml++'s tokens up to its first error; it stops where toml++ would stop.
std::optional<int> strayNonAscii(const QByteArray& t)
{
    enum class In
    {
        Code,
        Comment,
        Basic,
        Literal,
        MultiBasic,
        MultiLiteral
    };
    In in = In::Code;
    int line = 1;
    const auto at = [&t](qsizetype i, const char* s) { return t.mid(i, qsizetype(std::strlen(s))) == s; };
    for (qsizetype i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (c == '\n') {
            ++line;
            if (in == In::Comment || in == In::Basic || in == In::Literal) {
                in = In::Code; // a single-line string ends (as an error) at the newline
            }
            continue;
        }
        switch (in) {
        case In::Code:
            if (static_cast<unsigned char>(c) >= 0x80) {
                return line;
            }
            if (c == '#') {
                in = In::Comment;
            } else if (at(i, "\"\"\"")) {
                in = In::MultiBasic;
                i += 2;
            } else if (at(i, "'''")) {
                in = In::MultiLiteral;
                i += 2;
            } else if (c == '"') {
                in = In::Basic;
            } else if (c == '\'') {
                in = In::Literal;
            }
            break;
        case In::Basic:
        case In::MultiBasic:
            if (c == '\\') {
                ++i; // the escaped character never ends the string
                if (i < t.size() && t[i] == '\n') {
                    ++line;
                }
            } else if (in == In::Basic && c == '"') {
                in = In::Code;
            } else if (in == In::MultiBasic && at(i, "\"\"\"")) {
                in = In::Code;
                i += 2;
            }
            break;
        case In::Literal:
            if (c == '\'') {
                in = In::Code;
            }
            break;
        case In::MultiLiteral:
            if (at(i, "'''")) {
                in = In::Code;
                i += 2;
            }
            break;
        case In::Comment:
            break;
        }
    }
    return std::nullopt;
}

} // namespace

Result<QJsonObject> TomlReader::parse(const QByteArray& toml, const QString& origin)
{
    if (const auto line = strayNonAscii(toml)) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("%1: line %2: a non-ASCII character outside a string or comment").arg(origin).arg(*line));
    }
    const std::string_view source(toml.constData(), static_cast<size_t>(toml.size()));
    toml::parse_result result = toml::parse(source);
    if (!result) {
        const toml::parse_error& e = result.error();
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("%1: line %2: %3").arg(origin).arg(e.source().begin.line).arg(text(e.description())));
    }
    return convertTable(result.table());
}

Result<QJsonObject> TomlReader::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(f.exists() ? ErrorCode::Io : ErrorCode::NotFound,
                         QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    }
    if (f.size() > (4 << 20)) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("%1 is larger than 4 MiB").arg(path));
    }
    return parse(f.readAll(), path);
}

} // namespace dist
