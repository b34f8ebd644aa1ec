// SPDX-License-Identifier: MIT
#include "ReferenceMapper.h"

#include "DistOptions.h"

namespace dist {

namespace {

// `target` under `base`, unless the target already names a registry host.
Result<OciReference> mapOnto(const QString& base, const QString& target, const QString& raw)
{
    QString b = base.trimmed();
    if (b.startsWith(QLatin1String("oci://"))) {
        b = b.mid(6);
    }
    while (b.endsWith(u'/')) {
        b.chop(1);
    }
    QString t = target;
    while (t.startsWith(u'/')) {
        t.remove(0, 1);
    }
    const qsizetype slash = t.indexOf(u'/');
    const QString mapped
        = (slash > 0 && OciReference::looksLikeRegistryHost(QStringView(t).left(slash))) ? t : b + u'/' + t;
    auto oci = OciReference::parse(mapped);
    if (!oci) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid reference `%1`: it maps to `%2`, which is not a valid OCI reference")
                             .arg(raw, mapped));
    }
    return oci;
}

Error baseUnset(const QString& raw, const QString& variable, const QString& scheme)
{
    return makeError(ErrorCode::AuthRequired,
                     QStringLiteral("resolution unavailable for `%1`: set %2 to the registry that serves %3 references")
                         .arg(raw, variable, scheme));
}

} // namespace

Error offlineError(const QString& raw, bool tag)
{
    if (tag) {
        return makeError(
            ErrorCode::Offline,
            QStringLiteral("offline mode forbids fetching `%1`: a tag can only be resolved online; pin it by "
                           "digest (…@sha256:<manifest digest>) to use the cache offline")
                .arg(raw));
    }
    return makeError(ErrorCode::Offline, QStringLiteral("offline mode forbids fetching `%1`").arg(raw));
}

ReferenceMapper::ReferenceMapper(const DistOptions& options, const Cache& cache)
    : m_options(options)
    , m_cache(cache)
{
}

Result<OciReference> ReferenceMapper::ociFor(const Reference& ref) const
{
    if (m_options.registriesError) {
        return *m_options.registriesError;
    }
    switch (ref.kind()) {
    case ReferenceKind::Oci:
        return ref.oci();
    case ReferenceKind::Repo:
        if (m_options.repoRegistryBase.trimmed().isEmpty()) {
            return baseUnset(ref.raw(), QStringLiteral("GREENTIC_REPO_REGISTRY_BASE"), QStringLiteral("repo://"));
        }
        return mapOnto(m_options.repoRegistryBase, ref.path(), ref.raw());
    case ReferenceKind::Store:
        if (ref.isGreenticBizStore()) {
            return greenticBiz(ref);
        }
        if (m_options.storeRegistryBase.trimmed().isEmpty()) {
            return baseUnset(ref.raw(), QStringLiteral("GREENTIC_STORE_REGISTRY_BASE"), QStringLiteral("store://"));
        }
        return mapOnto(m_options.storeRegistryBase, ref.path(), ref.raw());
    default:
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid reference `%1`").arg(ref.raw()));
    }
}

Result<OciReference> ReferenceMapper::greenticBiz(const Reference& ref) const
{
    const QStringList parts = ref.path().split(u'/');
    const QString tenant = parts.value(1).trimmed();
    QString package = parts.mid(2).join(u'/');
    while (package.startsWith(u'/')) {
        package.remove(0, 1);
    }
    while (package.endsWith(u'/')) {
        package.chop(1);
    }
    if (parts.size() < 3) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("invalid input: store://greentic-biz refs must include `<tenant>/<package-path>`"));
    }
    if (tenant.isEmpty() || package.isEmpty()) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral(
                "invalid input: store://greentic-biz refs must include non-empty `<tenant>/<package-path>`"));
    }
    // The tenant selects credentials; it is not part of the registry path.
    auto mapped = OciReference::parse(m_options.greenticBizRegistry + QStringLiteral("/greentic-biz/") + package);
    if (!mapped) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid reference `%1`: %2")
                             .arg(ref.raw(), mapped.message().section(QStringLiteral(": "), 1)));
    }
    mapped->setAuthTenant(tenant);
    return mapped;
}

std::optional<Result<Digest>> ReferenceMapper::releasePin(const Reference& ref, const OciReference& oci,
                                                          const ReleaseContext& release) const
{
    if (!release.isSet()) {
        return std::nullopt;
    }
    // OCI references are looked up as written; repo:// and store:// by the reference they map to.
    QString key = ref.kind() == ReferenceKind::Oci ? ref.raw() : oci.toString();
    if (key.startsWith(QLatin1String("oci://"))) {
        key = key.mid(6);
    }
    return ReleaseIndex::lookup(m_cache, key, release, m_options.offline);
}

} // namespace dist
