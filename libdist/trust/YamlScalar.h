// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

namespace dist {

// How serde_yaml 0.9 reads an untagged plain scalar (YAML 1.2 core schema with Rust's integer
// ranges and float grammar): the part of pack canonicalization that decides whether `1e3`, `0x1F`
// or `~` is a number, null or a string. Internal to the trust room.
__extension__ typedef unsigned __int128 YamlU128;

struct YamlMagnitude
{
    bool negative = false;
    YamlU128 value = 0;
};

enum class YamlScalarKind
{
    Null,
    Bool,
    Integer, // within i64/u64
    BigInteger, // only i128/YamlU128 can hold it
    Float,
    String,
};

struct YamlScalar
{
    YamlScalarKind kind = YamlScalarKind::String;
    bool boolean = false;
    YamlMagnitude magnitude;
};

// serde_yaml's visit_untagged_scalar for a plain scalar.
YamlScalar resolvePlainScalar(std::string_view v);

} // namespace dist
