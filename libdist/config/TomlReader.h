// SPDX-License-Identifier: MIT
#pragma once

#include <core/Result.h>

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace dist {

// TOML documents (registries.conf, runtime client configs) as JSON objects: tables become objects,
// arrays arrays, dates and times their TOML text. Parse errors come back as values with the line.
class TomlReader
{
public:
    static Result<QJsonObject> parse(const QByteArray& toml, const QString& origin);
    static Result<QJsonObject> load(const QString& path);
};

} // namespace dist
