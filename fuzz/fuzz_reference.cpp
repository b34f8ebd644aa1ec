// SPDX-License-Identifier: MIT
// References: every operator-typed string goes through Reference::parse (and OCI ones through
// OciReference::parse); any input is accepted or refused with a reason, never a crash.
#include "FuzzCheck.h"

#include <ref/OciReference.h>
#include <ref/Reference.h>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(dist::fuzz::bytes(data, size));
    const auto a = dist::Reference::parse(text);
    dist::fuzz::checkSame(a, dist::Reference::parse(text));
    const auto oci = dist::OciReference::parse(text);
    dist::fuzz::checkSame(oci, dist::OciReference::parse(text));
    if (oci) {
        // What we print for a reference must parse back to the same reference.
        const auto again = dist::OciReference::parse(oci->toString());
        if (!again || again->toString() != oci->toString()) {
            dist::fuzz::fail("an OCI reference does not survive toString() and parse()");
        }
    }
    return 0;
}
