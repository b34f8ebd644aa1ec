// SPDX-License-Identifier: MIT
#include "YamlScalar.h"

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <locale.h>
#include <optional>
#include <string>

namespace dist {

namespace {

// Rust's from_str_radix: an optional sign ('-' only for signed types), at least one digit of
// the radix, nothing else; overflow of 128 bits fails.
std::optional<YamlMagnitude> fromStrRadix(std::string_view s, unsigned radix, bool allowMinus)
{
    YamlMagnitude m;
    if (!s.empty() && (s.front() == '+' || (allowMinus && s.front() == '-'))) {
        m.negative = s.front() == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) {
        return std::nullopt;
    }
    for (char c : s) {
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = static_cast<unsigned>(c - '0');
        } else if (c >= 'a' && c <= 'z') {
            d = static_cast<unsigned>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'Z') {
            d = static_cast<unsigned>(c - 'A' + 10);
        } else {
            return std::nullopt;
        }
        if (d >= radix) {
            return std::nullopt;
        }
        const YamlU128 max = ~YamlU128(0);
        if (m.value > (max - d) / radix) {
            return std::nullopt;
        }
        m.value = m.value * radix + d;
    }
    return m;
}

enum class IntType
{
    U64,
    I64,
    U128,
    I128,
};

bool fits(const YamlMagnitude& m, IntType t)
{
    const YamlU128 one = 1;
    switch (t) {
    case IntType::U64:
        return !m.negative && m.value <= static_cast<YamlU128>(UINT64_MAX);
    case IntType::I64:
        return m.negative ? m.value <= (one << 63) : m.value < (one << 63);
    case IntType::U128:
        return !m.negative;
    case IntType::I128:
        return m.negative ? m.value <= (one << 127) : m.value < (one << 127);
    }
    return false;
}

std::optional<YamlMagnitude> radixAs(std::string_view s, unsigned radix, IntType t)
{
    const bool isSigned = t == IntType::I64 || t == IntType::I128;
    auto m = fromStrRadix(s, radix, isSigned);
    if (m && fits(*m, t)) {
        return m;
    }
    return std::nullopt;
}

bool digitsButNotNumber(std::string_view s)
{
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
        s.remove_prefix(1);
    }
    if (s.size() <= 1 || s.front() != '0') {
        return false;
    }
    for (char c : s.substr(1)) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

// serde_yaml parse_unsigned_int.
std::optional<YamlMagnitude> parseUnsigned(std::string_view scalar, IntType t)
{
    std::string_view unpositive = scalar;
    if (!unpositive.empty() && unpositive.front() == '+') {
        unpositive.remove_prefix(1);
    }
    static constexpr std::pair<std::string_view, unsigned> prefixes[] = {{"0x", 16}, {"0o", 8}, {"0b", 2}};
    for (const auto& [prefix, radix] : prefixes) {
        if (unpositive.substr(0, 2) == prefix) {
            const std::string_view rest = unpositive.substr(2);
            if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
                return std::nullopt;
            }
            if (auto m = radixAs(rest, radix, t)) {
                return m;
            }
        }
    }
    if (!unpositive.empty() && (unpositive.front() == '+' || unpositive.front() == '-')) {
        return std::nullopt;
    }
    if (digitsButNotNumber(scalar)) {
        return std::nullopt;
    }
    return radixAs(unpositive, 10, t);
}

// serde_yaml parse_negative_int (which, despite its name, also takes plain decimals).
std::optional<YamlMagnitude> parseNegative(std::string_view scalar, IntType t)
{
    static constexpr std::pair<std::string_view, unsigned> prefixes[] = {{"-0x", 16}, {"-0o", 8}, {"-0b", 2}};
    for (const auto& [prefix, radix] : prefixes) {
        if (scalar.substr(0, 3) == prefix) {
            const std::string negative = "-" + std::string(scalar.substr(3));
            if (auto m = radixAs(negative, radix, t)) {
                return m;
            }
        }
    }
    if (digitsButNotNumber(scalar)) {
        return std::nullopt;
    }
    return radixAs(scalar, 10, t);
}

// Rust's f64 grammar without inf/nan: [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?
bool isRustDecimal(std::string_view s)
{
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        ++i;
    }
    size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        ++i;
        ++digits;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            ++i;
            ++digits;
        }
    }
    if (digits == 0) {
        return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            ++i;
        }
        size_t expDigits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            ++i;
            ++expDigits;
        }
        if (expDigits == 0) {
            return false;
        }
    }
    return i == s.size();
}

// serde_yaml parse_f64: true when the scalar is a finite float (or one of the YAML inf/nan words).
bool isFloat(std::string_view scalar)
{
    std::string_view unpositive = scalar;
    if (!unpositive.empty() && unpositive.front() == '+') {
        unpositive.remove_prefix(1);
        if (!unpositive.empty() && (unpositive.front() == '+' || unpositive.front() == '-')) {
            return false;
        }
    }
    if (unpositive == ".inf" || unpositive == ".Inf" || unpositive == ".INF" || scalar == "-.inf" || scalar == "-.Inf"
        || scalar == "-.INF" || scalar == ".nan" || scalar == ".NaN" || scalar == ".NAN") {
        return true;
    }
    if (!isRustDecimal(unpositive)) {
        return false; // Rust's "inf"/"nan" spellings parse but are not finite, so they stay strings
    }
    // Correctly rounded and independent of the process locale; a decimal too large for a double
    // becomes infinity, which Rust also treats as "not a float" (the scalar stays a string).
    static const locale_t cLocale = newlocale(LC_ALL_MASK, "C", locale_t(nullptr));
    const std::string text(unpositive);
    const double v = strtod_l(text.c_str(), nullptr, cLocale);
    return std::isfinite(v);
}

} // namespace

YamlScalar resolvePlainScalar(std::string_view v)
{
    YamlScalar r;
    if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") {
        r.kind = YamlScalarKind::Null;
        return r;
    }
    if (v == "true" || v == "True" || v == "TRUE" || v == "false" || v == "False" || v == "FALSE") {
        r.kind = YamlScalarKind::Bool;
        r.boolean = v.front() == 't' || v.front() == 'T';
        return r;
    }
    if (auto m = parseUnsigned(v, IntType::U64)) {
        r.kind = YamlScalarKind::Integer;
        r.magnitude = *m;
        return r;
    }
    if (auto m = parseNegative(v, IntType::I64)) {
        r.kind = YamlScalarKind::Integer;
        r.magnitude = *m;
        return r;
    }
    if (parseUnsigned(v, IntType::U128) || parseNegative(v, IntType::I128)) {
        r.kind = YamlScalarKind::BigInteger;
        return r;
    }
    if (!digitsButNotNumber(v) && isFloat(v)) {
        r.kind = YamlScalarKind::Float;
        return r;
    }
    return r;
}

} // namespace dist
