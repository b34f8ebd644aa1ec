// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QList>
#include <QString>

namespace dist {

struct LockEntry
{
    QString reference; // first of "reference", "ref"; empty for digest-only entries
    Digest digest; // optional pin: the manifest digest for OCI, the content digest otherwise
    QString name;
    QString signature; // base64 DSSE envelope, verified by the trust layer when present
};

// The `pull --lock` file of the Rust client. Two shapes: a JSON array of entries, or
// {"schema_version": n, "components": [entries]}. An entry is a reference string or an object.
class Lockfile
{
public:
    static Result<QList<LockEntry>> parse(const QByteArray& json);
    static Result<QList<LockEntry>> load(const QString& path);
};

} // namespace dist
