// SPDX-License-Identifier: MIT
// TOML from operators: registries.conf and runtime configs (toml++ with exceptions off).
#include "FuzzCheck.h"

#include <config/RegistriesConf.h>
#include <config/TomlReader.h>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = dist::fuzz::bytes(data, size);
    const QString origin = QStringLiteral("fuzz.toml");
    dist::fuzz::checkSame(dist::TomlReader::parse(input, origin), dist::TomlReader::parse(input, origin));
    dist::fuzz::checkSame(dist::RegistriesConf::parse(input, origin), dist::RegistriesConf::parse(input, origin));
    return 0;
}
