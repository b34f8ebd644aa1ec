// SPDX-License-Identifier: MIT
#pragma once

#include <core/Digest.h>
#include <core/Result.h>

#include <QString>

namespace dist {

// host/repository[:tag][@sha256:...] with an explicit registry host. Docker Hub is never implied.
class OciReference
{
public:
    static Result<OciReference> parse(const QString& text);

    const QString& registry() const { return m_registry; }
    const QString& repository() const { return m_repository; }
    const QString& tag() const { return m_tag; } // empty when only a digest was given
    const Digest& digest() const { return m_digest; }
    bool isDigestPinned() const { return !m_digest.isNull(); }
    bool tagWasImplicit() const { return m_implicitTag; }

    // The thing to ask the registry for: the digest when pinned, else the tag.
    QString manifestReference() const;
    // registry/repository[:tag][@digest], without a scheme.
    QString toString() const;
    // registry/repository (no tag, no digest).
    QString repositoryPath() const;
    OciReference withDigest(const Digest& digest) const;
    // For store://greentic-biz/<tenant>/… references: the tenant whose credentials authenticate the
    // requests. Not part of the reference's text.
    const QString& authTenant() const { return m_authTenant; }
    void setAuthTenant(const QString& tenant) { m_authTenant = tenant; }
    // True for localhost, 127.0.0.0/8 and ::1.
    bool isLoopbackRegistry() const;

    static bool isValidRepository(const QString& repository);
    static bool isValidTag(const QString& tag);
    static bool looksLikeRegistryHost(QStringView segment);

private:
    QString m_registry;
    QString m_repository;
    QString m_tag;
    Digest m_digest;
    bool m_implicitTag = false;
    QString m_authTenant;
};

} // namespace dist
