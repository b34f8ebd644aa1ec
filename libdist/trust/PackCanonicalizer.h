// SPDX-License-Identifier: MIT
#pragma once

#include "YamlPreScan.h"
#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <variant>

namespace dist {

// The assay canonical form of a YAML pack: strict YAML (libyaml, serde_yaml 0.9 scalar rules) →
// JSON → JCS → sha256. A document either canonicalizes or is rejected with the reason assay would
// give; there is no raw-bytes fallback here, by design (see docs/COMPATIBILITY.md).
class PackCanonicalizer
{
public:
    static constexpr int kMaxDepth = 50;
    static constexpr int kMaxKeysPerMapping = 10000;
    static constexpr qint64 kMaxStringLength = 1048576;
    static constexpr qint64 kMaxTotalSize = 10485760;
    static constexpr qint64 kMaxSafeInteger = 9007199254740992LL; // 2^53, inclusive

    static std::variant<QByteArray, CanonicalError> canonicalize(QByteArrayView yaml);

    // The JCS bytes, or an error with `code` whose message starts "canonicalization failed".
    static Result<QByteArray> canonicalJson(QByteArrayView yaml, ErrorCode code = ErrorCode::InvalidInput);
    static Result<Digest> canonicalDigest(QByteArrayView yaml, ErrorCode code = ErrorCode::InvalidInput);

    // What a registry pack's digest and signature cover: the canonical JSON of a YAML pack, or the
    // bytes themselves of a pack archive (a .gtpack: zip, or a gzip/zstd tarball), which has no
    // YAML form. Anything that is not an archive must canonicalize: no raw fallback for YAML.
    static Result<QByteArray> signedForm(QByteArrayView content, ErrorCode code = ErrorCode::InvalidInput);
    // The media type of a pack archive, by its magic bytes; empty for anything else.
    static QString archiveMediaType(QByteArrayView content);

    // Whether `text` written as a plain YAML scalar reads back as this string (not null, a bool,
    // a number). Writers quote everything else.
    static bool plainScalarIsString(QByteArrayView text);
};

} // namespace dist
