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
        m_out += QByteArray(m_stack.size() * 2, ' ');
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
    m_stack.append({ true, 0 });
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
    m_stack.append({ false, 0 });
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
    m_out += escape(name);
    m_out += m_style == Style::Pretty ? ": " : ":";
    m_afterKey = true;
    return *this;
}

QByteArray JsonWriter::escape(const QString& s)
{
    QByteArray out;
    out.reserve(s.size() + 2);
    out += '"';
    const QByteArray utf8 = s.toUtf8();
    for (char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
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
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (u < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

JsonWriter& JsonWriter::value(const QString& s)
{
    beforeValue();
    m_out += escape(s);
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
