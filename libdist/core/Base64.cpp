// SPDX-License-Identifier: MIT
#include "Base64.h"

namespace dist {

std::optional<QByteArray> decodeCanonicalBase64(QByteArrayView text)
{
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    const QByteArray input = text.toByteArray();
    auto decoded = QByteArray::fromBase64Encoding(input, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        return std::nullopt;
    }
    // Re-encoding must give back the input: rejects missing padding and non-zero trailing bits.
    if ((*decoded).toBase64() != input) {
        return std::nullopt;
    }
    return *decoded;
}

} // namespace dist
