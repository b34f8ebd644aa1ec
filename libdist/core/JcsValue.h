// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

#include <vector>

namespace dist {

// A JSON value as the assay canonical form needs it: integers only (floats never get this far),
// strings as UTF-8 bytes, object members in document order until serialized.
struct JcsValue
{
    enum class Type
    {
        Null,
        Bool,
        Integer,
        String,
        Array,
        Object,
    };

    Type type = Type::Null;
    bool boolean = false;
    qint64 integer = 0;
    QByteArray string; // String: the UTF-8 text
    std::vector<JcsValue> items; // Array elements, Object member values
    std::vector<QByteArray> keys; // Object member names (parallel to items)

    // Compact JCS bytes as serde_jcs 0.2.0 writes them: members ordered by the bytes of their
    // escaped, quoted names (not RFC 8785's UTF-16 order; the two differ only for names with
    // spaces, '!', quotes, backslashes, controls or characters beyond the BMP).
    QByteArray serialize() const;
    static void appendString(QByteArray& out, const QByteArray& utf8);
};

} // namespace dist
