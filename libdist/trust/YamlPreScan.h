// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

namespace dist {

enum class CanonicalErrorKind
{
    InputTooLarge,
    InvalidUtf8,
    AnchorFound,
    AliasFound,
    TagFound,
    MultiDocument,
    DuplicateKey,
    MergeKey,
    FloatNotAllowed,
    IntegerOutOfRange,
    MaxDepthExceeded,
    MaxKeysExceeded,
    StringTooLong,
    ParseError,
};

struct CanonicalError
{
    CanonicalErrorKind kind = CanonicalErrorKind::ParseError;
    QString message; // the assay Display text, e.g. "duplicate key: name"
};

// The line-based pre-scan of assay's parse_yaml_strict, reproduced rule for rule (including its
// deliberate false positives such as `R&D` or a duplicate-looking line inside a block scalar) so
// that exactly the same documents are accepted and rejected, and therefore digested.
class YamlPreScan
{
public:
    static std::optional<CanonicalError> scan(const QString& content);
};

} // namespace dist
