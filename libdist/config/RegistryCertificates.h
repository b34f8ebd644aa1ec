// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QSslConfiguration>
#include <QStringList>

#include <optional>

namespace dist {

// Per-registry TLS material in the layout of containers-certs.d(5), which podman, skopeo and
// Docker already use: a directory named `host[:port]` holding `*.crt` CA certificates (trusted in
// addition to the system's) and optionally a `*.cert` + `*.key` client certificate. Directories,
// first match wins: ${XDG_CONFIG_HOME:-~/.config}/containers/certs.d, /etc/containers/certs.d,
// /etc/docker/certs.d.
class RegistryCertificates
{
public:
    static QStringList searchDirectories();
    // The directory of `hostPort` in `searchDirectories()`, or empty.
    static QString directoryFor(const QString& hostPort);
    // A TLS configuration with that directory's material, or nothing when there is no directory.
    // InvalidInput when a file in it cannot be used.
    static Result<std::optional<QSslConfiguration>> configurationFor(const QString& hostPort);
};

} // namespace dist
