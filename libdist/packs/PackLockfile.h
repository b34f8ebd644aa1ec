// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QByteArray>
#include <QList>
#include <QString>

namespace dist {

// One pack of assay.packs.lock (v2).
struct PackLockEntry
{
    QString name;
    QString version; // registry version, or "bundled" / "local" / "byos"
    Digest digest; // canonical pack digest
    QString source; // bundled | registry | byos | local
    QString registryUrl;
    QString byosUrl;
    QString signatureAlgorithm; // "Ed25519" when signed
    QString signatureKeyId;
    QString fetchedAt; // spec v2 extras, kept when present
    QString etag;
    QString namespaceName;
};

// assay.packs.lock, format version 2 (YAML). Unknown fields are ignored on read, as in assay;
// versions newer than 2 are refused. Writes are atomic.
class PackLockfile
{
public:
    static constexpr int kVersion = 2;
    static constexpr const char* kDefaultName = "assay.packs.lock";

    int version = kVersion;
    QString generatedAt; // RFC 3339
    QString generatedBy = QStringLiteral("greentic-dist/" DIST_VERSION);
    QList<PackLockEntry> packs; // sorted by name

    static Result<PackLockfile> parse(const QByteArray& yaml);
    static Result<PackLockfile> load(const QString& path);
    QByteArray toYaml() const;
    Result<void> save(const QString& path) const;

    // Replaces the entry with the same name, keeps the list sorted, stamps generated_at.
    void add(const PackLockEntry& entry);
    const PackLockEntry* find(const QString& name) const;
    void touch(); // generated_at = now
};

} // namespace dist
