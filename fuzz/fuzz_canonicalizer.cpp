// SPDX-License-Identifier: MIT
// libFuzzer target for the assay canonical form: any input must either canonicalize to valid JSON
// (the same bytes every time) or be rejected with a reason; never crash, hang or overflow.
#include <trust/PackCanonicalizer.h>

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const auto first = dist::PackCanonicalizer::canonicalize(input);
    const auto second = dist::PackCanonicalizer::canonicalize(input);
    if (first.index() != second.index()) {
        std::fputs("canonicalize is not deterministic\n", stderr);
        std::abort();
    }
    if (const auto* json = std::get_if<QByteArray>(&first)) {
        if (*json != std::get<QByteArray>(second)) {
            std::fputs("canonical bytes differ between runs\n", stderr);
            std::abort();
        }
        QJsonParseError error{};
        QJsonDocument::fromJson(*json, &error);
        // Qt refuses bare scalars at the top level; wrap to check the syntax of any value.
        if (error.error != QJsonParseError::NoError) {
            QJsonDocument::fromJson("[" + *json + "]", &error);
        }
        if (error.error != QJsonParseError::NoError) {
            std::fprintf(stderr, "canonical output is not JSON: %s\n", json->left(200).constData());
            std::abort();
        }
    } else if (std::get<dist::CanonicalError>(first).message.isEmpty()) {
        std::fputs("rejection without a reason\n", stderr);
        std::abort();
    }
    return 0;
}
