// SPDX-License-Identifier: MIT
#include "JsonWriter.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

namespace dist {

JsonWriter::JsonWriter(Style style)
    : m_style(style)
{
}

void JsonWriter::newline()
{
    if (m_style == Style::Pretty) {
        m_out += '\n';
        m_out.append(m_stack.size() * 2, ' ');
    }
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_stack.isEmpty()) {
        Level& top = m_stack.last();
        if (top.count > 0) {
            m_out += ',';
        }
        ++top.count;
        newline();
    }
}

JsonWriter& JsonWriter::beginObject()
{
    beforeValue();
    m_out += '{';
    m_stack.append({true, 0});
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    const Level top = m_stack.takeLast();
    if (top.count > 0) {
        newline();
    }
    m_out += '}';
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    beforeValue();
    m_out += '[';
    m_stack.append({false, 0});
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    const Level top = m_stack.takeLast();
    if (top.count > 0) {
        newline();
    }
    m_out += ']';
    return *this;
}

JsonWriter& JsonWriter::key(const QString& name)
{
    beforeValue();
    escapeInto(m_out, name);
    m_out += m_style == Style::Pretty ? ": " : ":";
    m_afterKey = true;
    return *this;
}

QByteArray JsonWriter::escape(const QString& s)
{
    QByteArray out;
    escapeInto(out, s);
    return out;
}

void JsonWriter::escapeInto(QByteArray& out, QStringView s)
{
    // Written straight into the output: large documents (100,000 retention decisions) must not
    // pay for a temporary per string.
    static const char hex[] = "0123456789abcdef";
    const qsizetype start = out.size();
    out.resize(start + s.size() * 6 + 2);
    char* p = out.data() + start;
    *p++ = '"';
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c >= 0x20 && c < 0x80 && c != u'"' && c != u'\\') {
            *p++ = static_cast<char>(c);
            continue;
        }
        switch (c) {
        case u'"':
            *p++ = '\\';
            *p++ = '"';
            continue;
        case u'\\':
            *p++ = '\\';
            *p++ = '\\';
            continue;
        case u'\n':
            *p++ = '\\';
            *p++ = 'n';
            continue;
        case u'\r':
            *p++ = '\\';
            *p++ = 'r';
            continue;
        case u'\t':
            *p++ = '\\';
            *p++ = 't';
            continue;
        case u'\b':
            *p++ = '\\';
            *p++ = 'b';
            continue;
        case u'\f':
            *p++ = '\\';
            *p++ = 'f';
            continue;
        default:
            break;
        }
        if (c < 0x20) {
            *p++ = '\\';
            *p++ = 'u';
            *p++ = '0';
            *p++ = '0';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0xf];
            continue;
        }
        // Non-ASCII: UTF-8, with surrogate pairs combined (at most 4 bytes per pair of units).
        char32_t cp = c;
        if (QChar::isHighSurrogate(c) && i + 1 < s.size() && QChar::isLowSurrogate(s[i + 1].unicode())) {
            cp = QChar::surrogateToUcs4(c, s[i + 1].unicode());
            ++i;
        }
        if (cp < 0x800) {
            *p++ = static_cast<char>(0xc0 | (cp >> 6));
            *p++ = static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            *p++ = static_cast<char>(0xe0 | (cp >> 12));
            *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            *p++ = static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            *p++ = static_cast<char>(0xf0 | (cp >> 18));
            *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            *p++ = static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    *p++ = '"';
    out.resize(p - out.data());
}

JsonWriter& JsonWriter::value(const QString& s)
{
    beforeValue();
    escapeInto(m_out, s);
    return *this;
}

JsonWriter& JsonWriter::value(bool b)
{
    beforeValue();
    m_out += b ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::value(qint64 n)
{
    beforeValue();
    m_out += QByteArray::number(n);
    return *this;
}

JsonWriter& JsonWriter::value(quint64 n)
{
    beforeValue();
    m_out += QByteArray::number(n);
    return *this;
}

JsonWriter& JsonWriter::value(double d)
{
    beforeValue();
    if (!std::isfinite(d)) {
        m_out += "null";
    } else if (d == std::floor(d) && std::fabs(d) < 9007199254740992.0) {
        m_out += QByteArray::number(static_cast<qint64>(d));
    } else {
        m_out += QByteArray::number(d, 'g', 17);
    }
    return *this;
}

JsonWriter& JsonWriter::null()
{
    beforeValue();
    m_out += "null";
    return *this;
}

JsonWriter& JsonWriter::value(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return null();
    case QJsonValue::Bool:
        return value(v.toBool());
    case QJsonValue::Double:
        return value(v.toDouble());
    case QJsonValue::String:
        return value(v.toString());
    case QJsonValue::Array: {
        beginArray();
        const QJsonArray a = v.toArray();
        for (const QJsonValue& item : a) {
            value(item);
        }
        return endArray();
    }
    case QJsonValue::Object: {
        beginObject();
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            key(it.key());
            value(it.value());
        }
        return endObject();
    }
    }
    return null();
}

QByteArray JsonWriter::toByteArray() const
{
    QByteArray out = m_out;
    if (m_style == Style::Pretty) {
        out += '\n';
    }
    return out;
}

} // namespace dist
