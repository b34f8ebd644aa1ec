// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QLoggingCategory>

#include <cstdio>
#include <cstdlib>

// Invariants every fuzz target checks: a rejection always carries a reason, and the same input
// always gives the same answer.
namespace dist::fuzz {

[[noreturn]] inline void fail(const char* what)
{
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
}

template <typename T>
void checkSame(const Result<T>& a, const Result<T>& b)
{
    if (bool(a) != bool(b)) {
        fail("parsing is not deterministic");
    }
    if (!a) {
        if (a.message().isEmpty()) {
            fail("a rejection without a reason");
        }
        if (a.message() != b.message() || a.code() != b.code()) {
            fail("the same input was rejected two different ways");
        }
    }
}

inline QByteArray bytes(const uint8_t* data, size_t size)
{
    // Warnings about refused input are expected by the million here; keep the output for failures.
    static const bool quiet = [] {
        QLoggingCategory::setFilterRules(QStringLiteral("dist.*=false"));
        return true;
    }();
    (void)quiet;
    return QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
}

} // namespace dist::fuzz
