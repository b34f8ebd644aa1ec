// SPDX-License-Identifier: MIT
#include "PackEntries.h"

#include "PackIndex.h"
#include "PackRegistryClient.h"
#include <core/Sha256.h>
#include <trust/PackCanonicalizer.h>

#include <QFile>

namespace dist {

Result<QByteArray> PackEntries::readBounded(const QString& path, const QString& what)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return makeError(f.exists() ? ErrorCode::Io : ErrorCode::NotFound,
                         QStringLiteral("cannot read %1: %2").arg(what, f.errorString()));
    }
    if (f.size() > PackCanonicalizer::kMaxTotalSize) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("%1 is larger than the %2-byte pack limit").arg(what).arg(PackCanonicalizer::kMaxTotalSize));
    }
    return f.readAll();
}

CacheEntry PackEntries::fresh(const QByteArray& content, const QString& raw, const QString& kind,
                              const QString& canonical)
{
    CacheEntry e = CacheEntry::fresh(Sha256::hash(content), content.size(), raw, kind, canonical);
    e.sourceSnapshot.authoritative = false;
    const QString archive = PackCanonicalizer::archiveMediaType(content);
    e.mediaType = archive.isEmpty() ? QStringLiteral("application/x-yaml") : archive;
    e.artifactType = ArtifactType::Pack;
    return e;
}

CacheEntry PackEntries::fromRegistry(const QString& ref, const PackFetch& fetch, const PackRecord& record)
{
    CacheEntry e = fresh(fetch.content, ref, QStringLiteral("RegistryPack"), ref + u'#' + record.digest.toString());
    e.fetchedFrom = fetch.url.toString(QUrl::RemoveUserInfo);
    e.signatureSummary = record.envelope.isEmpty()
        ? SignatureSummary{QStringLiteral("warning"), QStringLiteral("unsigned pack admitted by --allow-unsigned")}
        : SignatureSummary{QStringLiteral("passed"), QStringLiteral("DSSE Ed25519 by %1").arg(record.keyId)};
    e.annotations.insert(QStringLiteral("assay.pack.name"), record.name);
    e.annotations.insert(QStringLiteral("assay.pack.version"), record.version);
    e.annotations.insert(QStringLiteral("assay.pack.digest"), record.digest.toString());
    e.annotations.insert(QStringLiteral("assay.pack.registry"), record.registryUrl);
    e.annotations.insert(QStringLiteral("assay.pack.expires_at"), record.expiresAt.toString(Qt::ISODate));
    if (!fetch.etag.isEmpty()) {
        e.annotations.insert(QStringLiteral("assay.pack.etag"), QString::fromLatin1(fetch.etag));
    }
    if (!record.keyId.isEmpty()) {
        e.annotations.insert(QStringLiteral("assay.pack.key_id"), record.keyId);
    }
    return e;
}

} // namespace dist
