// SPDX-License-Identifier: MIT
#pragma once

#include "OciReference.h"
#include <core/Digest.h>
#include <core/Result.h>

#include <QString>
#include <QUrl>

namespace dist {

// Where an artifact comes from (SPEC §3). Names match the Rust client's source kinds where one exists.
enum class ReferenceKind
{
    Oci,
    Https,
    File,
    Fixture,
    Repo,
    Store,
    CacheDigest,
    RegistryPack, // name@version[#sha256:…] from the pack registry
    BundledPack, // a single-segment name that may name a bundled pack
};

QString referenceKindName(ReferenceKind kind); // "Oci", "Https", … (PascalCase as in entry.json)
bool isReferenceKindName(const QString& name); // one of the names above, exactly

class Reference
{
public:
    // Syntax only: no network, no environment. `oci://` and bare `host/repo` forms both yield Oci.
    // Plain relative names are files only when they exist on disk (checked against the CWD).
    static Result<Reference> parse(const QString& text);

    ReferenceKind kind() const { return m_kind; }
    const QString& raw() const { return m_raw; }
    const OciReference& oci() const { return m_oci; } // Oci
    const QUrl& url() const { return m_url; } // Https (http or https)
    const QString& path() const { return m_path; } // File (as given), Fixture (name), Repo/Store (target)
    const Digest& digest() const { return m_digest; } // CacheDigest; the pin of RegistryPack and Https (#sha256:)
    const QString& packName() const { return m_packName; } // RegistryPack, BundledPack
    const QString& packVersion() const { return m_packVersion; } // RegistryPack

    // store://greentic-biz/<tenant>/<path>
    bool isGreenticBizStore() const;

    // The text with control characters escaped and the length bounded, for one-line messages.
    static QString displayable(const QString& text);
    // InvalidInput "invalid reference `TEXT`: WHY", the one wording of every reference error.
    static Error invalid(const QString& text, const QString& why);

    static Result<void> validatePackName(const QString& name);
    static Result<void> validatePackVersion(const QString& version);

private:
    ReferenceKind m_kind = ReferenceKind::Oci;
    QString m_raw;
    OciReference m_oci;
    QUrl m_url;
    QString m_path;
    Digest m_digest;
    QString m_packName;
    QString m_packVersion;
};

} // namespace dist
