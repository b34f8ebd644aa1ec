// SPDX-License-Identifier: MIT
// OCI manifests and indexes as a registry might send them, under each content type we accept.
#include "FuzzCheck.h"

#include <oci/OciManifest.h>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = dist::fuzz::bytes(data, size);
    for (const char* type : {"application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
                             "application/vnd.docker.distribution.manifest.v2+json",
                             "application/vnd.docker.distribution.manifest.list.v2+json", ""}) {
        const QString contentType = QString::fromLatin1(type);
        dist::fuzz::checkSame(dist::OciManifest::parse(body, contentType), dist::OciManifest::parse(body, contentType));
    }
    return 0;
}
