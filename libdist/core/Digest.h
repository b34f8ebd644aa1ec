// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QHashFunctions>
#include <QString>

namespace dist {

// A sha256 content digest: "sha256:" + 64 lowercase hex characters.
class Digest
{
public:
    Digest() = default;

    // Strict: only the canonical form is accepted.
    static Result<Digest> parse(const QString& text);
    // Lenient for operator input: also accepts bare 64-hex, "sha256-<hex>" never.
    static Result<Digest> parseLenient(const QString& text);
    static Digest fromHex(const QString& lowercaseHex);
    static bool isValidHex(QStringView hex);

    bool isNull() const { return m_hex.isEmpty(); }
    const QString& hex() const { return m_hex; }
    QString toString() const;

    friend bool operator==(const Digest& a, const Digest& b) { return a.m_hex == b.m_hex; }
    friend bool operator!=(const Digest& a, const Digest& b) { return !(a == b); }
    friend bool operator<(const Digest& a, const Digest& b) { return a.m_hex < b.m_hex; }

private:
    QString m_hex;
};

inline size_t qHash(const Digest& d, size_t seed = 0)
{
    return qHash(d.hex(), seed);
}

} // namespace dist
