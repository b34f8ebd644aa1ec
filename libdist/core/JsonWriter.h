// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QString>
#include <QVector>

namespace dist {

// Writes JSON with keys in the order they are given, pretty-printed the way serde_json does it
// (2-space indent, "key": value, [] and {} for empty containers). QJsonDocument sorts keys and
// indents by 4, which would break byte-for-byte compatibility with the Rust client's output.
class JsonWriter
{
public:
    enum class Style
    {
        Pretty,
        Compact,
    };
    explicit JsonWriter(Style style = Style::Pretty);

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(const QString& name);

    JsonWriter& value(const QString& s);
    JsonWriter& value(const char* s) { return value(QString::fromUtf8(s)); }
    JsonWriter& value(bool b);
    JsonWriter& value(qint64 n);
    JsonWriter& value(int n) { return value(static_cast<qint64>(n)); }
    JsonWriter& value(quint64 n);
    JsonWriter& value(double d);
    JsonWriter& null();
    // Any QJsonValue (objects keep QJsonObject's key order, which is sorted).
    JsonWriter& value(const QJsonValue& v);
    // A string or null when the string is null.
    JsonWriter& optional(const QString& s) { return s.isNull() ? null() : value(s); }

    // Helpers for "key": value pairs.
    template <typename T>
    JsonWriter& field(const QString& name, const T& v)
    {
        key(name);
        return value(v);
    }

    QByteArray toByteArray() const; // with a trailing newline in pretty mode
    static QByteArray escape(const QString& s);
    static void escapeInto(QByteArray& out, QStringView s);

private:
    void beforeValue();
    void newline();

    struct Level
    {
        bool isObject;
        int count;
    };
    Style m_style;
    QByteArray m_out;
    QVector<Level> m_stack;
    bool m_afterKey = false;
};

} // namespace dist
