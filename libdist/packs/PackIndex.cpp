// SPDX-License-Identifier: MIT
#include "PackIndex.h"

#include <cache/CacheLayout.h>
#include <core/AtomicFile.h>
#include <core/Logging.h>
#include <ref/Reference.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace dist {

namespace {

constexpr qint64 kDefaultTtlSecs = 86400;

QString timeText(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime parseTime(const QString& s)
{
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    return t.isValid() ? t.toUTC() : QDateTime();
}

} // namespace

QByteArray PackRecord::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("format_version"), 1);
    o.insert(QStringLiteral("name"), name);
    o.insert(QStringLiteral("version"), version);
    o.insert(QStringLiteral("registry_url"), registryUrl);
    o.insert(QStringLiteral("digest"), digest.toString());
    o.insert(QStringLiteral("content_digest"), contentDigest.toString());
    o.insert(QStringLiteral("etag"), etag.isEmpty() ? QJsonValue() : QJsonValue(QString::fromLatin1(etag)));
    o.insert(QStringLiteral("fetched_at"), timeText(fetchedAt));
    o.insert(QStringLiteral("expires_at"), timeText(expiresAt));
    o.insert(QStringLiteral("key_id"), keyId.isEmpty() ? QJsonValue() : QJsonValue(keyId));
    o.insert(QStringLiteral("signature"),
             envelope.isEmpty() ? QJsonValue() : QJsonValue(QString::fromLatin1(envelope.toBase64())));
    o.insert(QStringLiteral("policy"), policy.isEmpty() ? QJsonValue() : QJsonValue(policy));
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

Result<PackRecord> PackRecord::fromJson(const QByteArray& json)
{
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return makeError(ErrorCode::Cache, QStringLiteral("malformed pack record"));
    }
    const QJsonObject o = doc.object();
    PackRecord r;
    r.name = o.value(QStringLiteral("name")).toString();
    r.version = o.value(QStringLiteral("version")).toString();
    r.registryUrl = o.value(QStringLiteral("registry_url")).toString();
    auto digest = Digest::parse(o.value(QStringLiteral("digest")).toString());
    auto content = Digest::parse(o.value(QStringLiteral("content_digest")).toString());
    if (!digest || !content || r.name.isEmpty() || r.version.isEmpty()) {
        return makeError(ErrorCode::Cache, QStringLiteral("malformed pack record"));
    }
    r.digest = digest.value();
    r.contentDigest = content.value();
    r.etag = o.value(QStringLiteral("etag")).toString().toLatin1();
    r.fetchedAt = parseTime(o.value(QStringLiteral("fetched_at")).toString());
    r.expiresAt = parseTime(o.value(QStringLiteral("expires_at")).toString());
    if (!r.expiresAt.isValid()) {
        return makeError(ErrorCode::Cache, QStringLiteral("malformed pack record (expires_at)"));
    }
    r.keyId = o.value(QStringLiteral("key_id")).toString();
    const QString sig = o.value(QStringLiteral("signature")).toString();
    if (!sig.isEmpty()) {
        r.envelope = QByteArray::fromBase64(sig.toLatin1());
    }
    r.policy = o.value(QStringLiteral("policy")).toString();
    return r;
}

PackIndex::PackIndex(const QString& cacheRoot, const QString& registryKey)
    : m_dir(CacheLayout(cacheRoot).packIndexDir(registryKey))
{
}

QString PackIndex::recordPath(const QString& name, const QString& version) const
{
    return m_dir + u'/' + name + u'/' + version + QStringLiteral(".json");
}

std::optional<PackRecord> PackIndex::read(const QString& name, const QString& version) const
{
    // Names and versions become path components: only ones that cannot leave the index are used.
    if (!Reference::validatePackName(name) || !Reference::validatePackVersion(version)) {
        return std::nullopt;
    }
    QFile f(recordPath(name, version));
    if (!f.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    auto r = PackRecord::fromJson(f.read(8 << 20));
    if (!r || r->name != name || r->version != version) {
        qCWarning(lcPacks).noquote() << "ignoring malformed pack record" << f.fileName();
        return std::nullopt;
    }
    return r.value();
}

Result<void> PackIndex::write(const PackRecord& record) const
{
    if (auto ok = Reference::validatePackName(record.name); !ok) {
        return ok;
    }
    if (auto ok = Reference::validatePackVersion(record.version); !ok) {
        return ok;
    }
    return AtomicFile::write(recordPath(record.name, record.version), record.toJson());
}

void PackIndex::remove(const QString& name, const QString& version) const
{
    if (Reference::validatePackName(name) && Reference::validatePackVersion(version)) {
        QFile::remove(recordPath(name, version));
    }
}

QList<PackRecord> PackIndex::records() const
{
    QList<PackRecord> out;
    QDirIterator it(m_dir, {QStringLiteral("*.json")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (QFileInfo(path).fileName() == u"keys.json") {
            continue;
        }
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            if (auto r = PackRecord::fromJson(f.read(8 << 20))) {
                out.append(r.value());
            }
        }
    }
    return out;
}

std::optional<PackIndex::CachedKeys> PackIndex::readKeys() const
{
    QFile f(m_dir + QStringLiteral("/keys.json"));
    if (!f.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QJsonObject o = QJsonDocument::fromJson(f.read(4 << 20)).object();
    const QDateTime fetched = parseTime(o.value(QStringLiteral("fetched_at")).toString());
    const QByteArray body = QByteArray::fromBase64(o.value(QStringLiteral("body")).toString().toLatin1());
    if (!fetched.isValid() || body.isEmpty()) {
        return std::nullopt;
    }
    return CachedKeys{body, fetched};
}

Result<void> PackIndex::writeKeys(const QByteArray& body, const QDateTime& fetchedAt) const
{
    QJsonObject o;
    o.insert(QStringLiteral("fetched_at"), timeText(fetchedAt));
    o.insert(QStringLiteral("body"), QString::fromLatin1(body.toBase64()));
    return AtomicFile::write(m_dir + QStringLiteral("/keys.json"), QJsonDocument(o).toJson(QJsonDocument::Compact));
}

qint64 PackIndex::maxAgeSecs(const QString& cacheControl)
{
    const QStringList parts = cacheControl.split(u',');
    for (const QString& raw : parts) {
        const QString p = raw.trimmed().toLower();
        if (p == u"no-cache" || p == u"no-store") {
            return 0;
        }
        if (p.startsWith(QLatin1String("max-age="))) {
            bool ok = false;
            const qint64 v = p.mid(8).toLongLong(&ok);
            if (ok) {
                return std::max<qint64>(v, 0);
            }
        }
    }
    return kDefaultTtlSecs;
}

} // namespace dist
