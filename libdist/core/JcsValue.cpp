// SPDX-License-Identifier: MIT
#include "JcsValue.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace dist {

namespace {

bool bytesLess(const QByteArray& a, const QByteArray& b)
{
    const qsizetype n = std::min(a.size(), b.size());
    const int c = n > 0 ? std::memcmp(a.constData(), b.constData(), static_cast<size_t>(n)) : 0;
    return c < 0 || (c == 0 && a.size() < b.size());
}

void write(QByteArray& out, const JcsValue& v)
{
    switch (v.type) {
    case JcsValue::Type::Null:
        out += "null";
        return;
    case JcsValue::Type::Bool:
        out += v.boolean ? "true" : "false";
        return;
    case JcsValue::Type::Integer:
        out += QByteArray::number(v.integer);
        return;
    case JcsValue::Type::String:
        JcsValue::appendString(out, v.string);
        return;
    case JcsValue::Type::Array:
        out += '[';
        for (size_t i = 0; i < v.items.size(); ++i) {
            if (i > 0) {
                out += ',';
            }
            write(out, v.items[i]);
        }
        out += ']';
        return;
    case JcsValue::Type::Object: {
        std::vector<QByteArray> quoted(v.keys.size());
        for (size_t i = 0; i < v.keys.size(); ++i) {
            JcsValue::appendString(quoted[i], v.keys[i]);
        }
        std::vector<size_t> order(v.keys.size());
        std::iota(order.begin(), order.end(), size_t{0});
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return bytesLess(quoted[a], quoted[b]); });
        out += '{';
        bool first = true;
        for (size_t i : order) {
            if (!first) {
                out += ',';
            }
            first = false;
            out += quoted[i];
            out += ':';
            write(out, v.items[i]);
        }
        out += '}';
        return;
    }
    }
}

} // namespace

void JcsValue::appendString(QByteArray& out, const QByteArray& utf8)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xf];
            } else {
                out += ch;
            }
        }
    }
    out += '"';
}

QByteArray JcsValue::serialize() const
{
    QByteArray out;
    write(out, *this);
    return out;
}

} // namespace dist
