// SPDX-License-Identifier: MIT
#include "PackLockfile.h"

#include <core/AtomicFile.h>
#include <trust/PackCanonicalizer.h>

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace dist {

namespace {

Error lockError(const QString& message)
{
    return makeError(ErrorCode::InvalidInput, QStringLiteral("lockfile error: ") + message);
}

// A YAML scalar for `s`: plain when that reads back as the same string, else double-quoted.
QByteArray scalar(const QString& s)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$"));
    const QByteArray utf8 = s.toUtf8();
    if (safe.match(s).hasMatch() && !s.contains(QLatin1String(": ")) && PackCanonicalizer::plainScalarIsString(utf8)) {
        return utf8;
    }
    QByteArray out = "\"";
    for (char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x" + QByteArray::number(c, 16).rightJustified(2, '0');
        } else {
            out += ch;
        }
    }
    return out + '"';
}

QString text(const QJsonObject& o, const char* key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isDouble()) {
        return QString::number(static_cast<qint64>(v.toDouble()));
    }
    return v.toString();
}

} // namespace

Result<PackLockfile> PackLockfile::parse(const QByteArray& yaml)
{
    // The strict canonical reader doubles as the lockfile reader: no anchors, tags or duplicate keys.
    auto json = PackCanonicalizer::canonicalJson(yaml);
    if (!json) {
        return lockError(QStringLiteral("failed to parse lockfile: ")
                         + json.message().section(QStringLiteral(": "), 1));
    }
    const QJsonDocument doc = QJsonDocument::fromJson(json.value());
    if (!doc.isObject()) {
        return lockError(QStringLiteral("failed to parse lockfile: expected a mapping"));
    }
    const QJsonObject o = doc.object();
    PackLockfile lock;
    const QJsonValue version = o.value(QStringLiteral("version"));
    if (!version.isDouble()) {
        return lockError(QStringLiteral("failed to parse lockfile: `version` must be a number"));
    }
    lock.version = static_cast<int>(version.toDouble());
    if (lock.version > kVersion) {
        return lockError(
            QStringLiteral("lockfile version %1 is newer than supported version %2").arg(lock.version).arg(kVersion));
    }
    if (lock.version < 1) {
        return lockError(QStringLiteral("lockfile version %1 is not a valid version").arg(lock.version));
    }
    lock.generatedAt = text(o, "generated_at");
    lock.generatedBy = text(o, "generated_by");
    const QJsonValue packs = o.value(QStringLiteral("packs"));
    if (!packs.isUndefined() && !packs.isNull() && !packs.isArray()) {
        return lockError(QStringLiteral("failed to parse lockfile: `packs` must be a list"));
    }
    for (const QJsonValue& v : packs.toArray()) {
        const QJsonObject p = v.toObject();
        PackLockEntry e;
        e.name = text(p, "name");
        e.version = text(p, "version");
        e.source = text(p, "source");
        if (e.name.isEmpty() || e.version.isEmpty() || e.source.isEmpty()) {
            return lockError(
                QStringLiteral("failed to parse lockfile: every pack needs name, version, digest and source"));
        }
        auto digest = Digest::parse(text(p, "digest"));
        if (!digest) {
            return lockError(QStringLiteral("pack %1 has an invalid digest `%2`").arg(e.name, text(p, "digest")));
        }
        e.digest = digest.value();
        static const QStringList sources{QStringLiteral("bundled"), QStringLiteral("registry"), QStringLiteral("byos"),
                                         QStringLiteral("local")};
        if (!sources.contains(e.source)) {
            return lockError(QStringLiteral("pack %1 has an unknown source `%2`").arg(e.name, e.source));
        }
        e.registryUrl = text(p, "registry_url");
        e.byosUrl = text(p, "byos_url");
        const QJsonObject sig = p.value(QStringLiteral("signature")).toObject();
        e.signatureAlgorithm = text(sig, "algorithm");
        e.signatureKeyId = text(sig, "key_id");
        e.fetchedAt = text(p, "fetched_at");
        e.etag = text(p, "etag");
        e.namespaceName = text(p, "namespace");
        lock.packs.append(e);
    }
    return lock;
}

Result<PackLockfile> PackLockfile::load(const QString& path)
{
    QFile f(path);
    if (!f.exists()) {
        return makeError(ErrorCode::NotFound, QStringLiteral("lockfile error: lockfile not found: %1").arg(path));
    }
    if (!f.open(QIODevice::ReadOnly)) {
        return lockError(QStringLiteral("failed to read lockfile: %1").arg(f.errorString()));
    }
    if (f.size() > PackCanonicalizer::kMaxTotalSize) {
        return lockError(QStringLiteral("failed to read lockfile: larger than 10 MiB"));
    }
    return parse(f.readAll());
}

QByteArray PackLockfile::toYaml() const
{
    QByteArray out = "# assay.packs.lock\n# DO NOT EDIT - Generated by greentic-dist lock\n";
    out += "version: " + QByteArray::number(version) + '\n';
    out += "generated_at: " + scalar(generatedAt) + '\n';
    out += "generated_by: " + scalar(generatedBy) + '\n';
    if (packs.isEmpty()) {
        return out + "packs: []\n";
    }
    out += "packs:\n";
    for (const PackLockEntry& e : packs) {
        out += "- name: " + scalar(e.name) + '\n';
        out += "  version: " + scalar(e.version) + '\n';
        out += "  digest: " + scalar(e.digest.toString()) + '\n';
        out += "  source: " + scalar(e.source) + '\n';
        const auto optional = [&out](const char* key, const QString& v) {
            if (!v.isEmpty()) {
                out += "  " + QByteArray(key) + ": " + scalar(v) + '\n';
            }
        };
        optional("registry_url", e.registryUrl);
        optional("byos_url", e.byosUrl);
        optional("namespace", e.namespaceName);
        optional("fetched_at", e.fetchedAt);
        optional("etag", e.etag);
        if (!e.signatureKeyId.isEmpty()) {
            out += "  signature:\n";
            out += "    algorithm: "
                + scalar(e.signatureAlgorithm.isEmpty() ? QStringLiteral("Ed25519") : e.signatureAlgorithm) + '\n';
            out += "    key_id: " + scalar(e.signatureKeyId) + '\n';
        }
    }
    return out;
}

Result<void> PackLockfile::save(const QString& path) const
{
    if (auto w = AtomicFile::write(path, toYaml()); !w) {
        return makeError(w.code(), QStringLiteral("lockfile error: failed to write lockfile: ") + w.message());
    }
    return {};
}

void PackLockfile::touch()
{
    generatedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

void PackLockfile::add(const PackLockEntry& entry)
{
    packs.erase(
        std::remove_if(packs.begin(), packs.end(), [&entry](const PackLockEntry& e) { return e.name == entry.name; }),
        packs.end());
    packs.append(entry);
    std::stable_sort(packs.begin(), packs.end(),
                     [](const PackLockEntry& a, const PackLockEntry& b) { return a.name.toUtf8() < b.name.toUtf8(); });
    touch();
}

const PackLockEntry* PackLockfile::find(const QString& name) const
{
    for (const PackLockEntry& e : packs) {
        if (e.name == name) {
            return &e;
        }
    }
    return nullptr;
}

} // namespace dist
