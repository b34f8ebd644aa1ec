// SPDX-License-Identifier: MIT
#include "Lockfile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace dist {

namespace {

Error invalid(const QString& why)
{
    return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid lockfile: %1").arg(why));
}

Result<QString> optionalString(const QJsonObject& o, const QString& key, int index)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull()) {
        return QString();
    }
    if (!v.isString()) {
        return invalid(QStringLiteral("entry %1: `%2` must be a string").arg(index).arg(key));
    }
    return v.toString();
}

} // namespace

Result<QList<LockEntry>> Lockfile::parse(const QByteArray& json)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError) {
        return invalid(QStringLiteral("%1 at offset %2").arg(perr.errorString()).arg(perr.offset));
    }
    QJsonArray items;
    if (doc.isArray()) {
        items = doc.array();
    } else if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue schema = o.value(QStringLiteral("schema_version"));
        if (!schema.isUndefined() && !schema.isNull()
            && (!schema.isDouble() || schema.toDouble() < 0 || schema.toDouble() != std::floor(schema.toDouble()))) {
            return invalid(QStringLiteral("`schema_version` must be a non-negative integer"));
        }
        const QJsonValue components = o.value(QStringLiteral("components"));
        if (components.isUndefined() || components.isNull()) {
            return QList<LockEntry>();
        }
        if (!components.isArray()) {
            return invalid(QStringLiteral("`components` must be an array"));
        }
        items = components.toArray();
    } else {
        return invalid(QStringLiteral("expected an array of entries or an object with `components`"));
    }

    QList<LockEntry> out;
    out.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonValue item = items.at(i);
        const int index = static_cast<int>(i);
        LockEntry e;
        if (item.isString()) {
            e.reference = item.toString();
        } else if (item.isObject()) {
            const QJsonObject o = item.toObject();
            auto reference = optionalString(o, QStringLiteral("reference"), index);
            auto ref = optionalString(o, QStringLiteral("ref"), index);
            auto digest = optionalString(o, QStringLiteral("digest"), index);
            auto name = optionalString(o, QStringLiteral("name"), index);
            auto signature = optionalString(o, QStringLiteral("signature"), index);
            for (const auto* r : {&reference, &ref, &digest, &name, &signature}) {
                if (!*r) {
                    return r->error();
                }
            }
            e.reference = !reference->isEmpty() ? reference.value() : ref.value();
            e.name = name.value();
            e.signature = signature.value();
            if (!digest->isEmpty()) {
                auto d = Digest::parse(digest.value());
                if (!d) {
                    return invalid(
                        QStringLiteral("entry %1: `%2` is not a sha256 digest").arg(index).arg(digest.value()));
                }
                e.digest = d.value();
            }
        } else {
            return invalid(QStringLiteral("entry %1 must be a string or an object").arg(index));
        }
        if (e.reference.isEmpty() && e.digest.isNull()) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("invalid input: lock entry %1 missing ref").arg(index));
        }
        out.append(e);
    }
    return out;
}

Result<QList<LockEntry>> Lockfile::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(f.exists() ? ErrorCode::Io : ErrorCode::NotFound,
                         QStringLiteral("cannot read lockfile `%1`: %2").arg(path, f.errorString()));
    }
    if (f.size() > (64 << 20)) {
        return invalid(QStringLiteral("`%1` is larger than 64 MiB").arg(path));
    }
    return parse(f.readAll());
}

} // namespace dist
