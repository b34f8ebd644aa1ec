// SPDX-License-Identifier: MIT
// Signatures from the outside: greentic DSSE annotations, assay pack envelopes and keys manifests.
#include "FuzzCheck.h"

#include <trust/Dsse.h>
#include <trust/PackSignature.h>
#include <trust/PackTrustStore.h>

#include <QDateTime>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = dist::fuzz::bytes(data, size);
    dist::fuzz::checkSame(dist::DsseEnvelope::parse(input), dist::DsseEnvelope::parse(input));
    const auto envelope = dist::PackSignature::parse(input);
    dist::fuzz::checkSame(envelope, dist::PackSignature::parse(input));
    const QDateTime now = QDateTime::fromSecsSinceEpoch(1795000000, Qt::UTC);
    static const dist::PackTrustStore roots = dist::PackTrustStore::withBuiltinRoots();
    dist::PackTrustStore store = roots;
    const int before = store.keys().size();
    const auto merged = store.mergeManifest(input, now);
    if (!merged && store.keys().size() != before) {
        dist::fuzz::fail("a refused keys manifest still changed the trust store");
    }
    if (envelope) {
        // Nothing random can carry a valid signature by the built-in root.
        if (dist::PackSignature::verifySignatures(envelope.value(), store, now, true)) {
            dist::fuzz::fail("a fuzzed envelope verified");
        }
    }
    return 0;
}
