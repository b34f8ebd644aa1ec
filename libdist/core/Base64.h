// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace dist {

// RFC 4648 standard alphabet with canonical padding and no stray bits, the way Rust's base64
// STANDARD engine decodes: anything a different encoder could not have produced is refused.
std::optional<QByteArray> decodeCanonicalBase64(QByteArrayView text);

} // namespace dist
