// SPDX-License-Identifier: MIT
#include "ReleaseIndex.h"

#include <cache/Cache.h>
#include <core/Logging.h>
#include <ref/OciReference.h>

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace dist {

Result<void> ReleaseContext::validate() const
{
    if (release.isEmpty()) {
        return {};
    }
    if (channel != u"stable" && channel != u"dev" && channel != u"rnd") {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid input: --channel must be stable, dev or rnd (got `%1`)").arg(channel));
    }
    if (release.contains(u'/') || release.contains(u'\\') || release == u"." || release == u".."
        || release.trimmed() != release) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("invalid input: release context release must be a single path segment"));
    }
    return {};
}

bool ReleaseIndex::isMutableReleaseTag(const QString& ociReference)
{
    QString r = ociReference;
    if (r.startsWith(QLatin1String("oci://"))) {
        r = r.mid(6);
    }
    if (r.contains(u'@')) {
        return false;
    }
    const qsizetype colon = r.lastIndexOf(u':');
    if (colon < 0 || colon < r.lastIndexOf(u'/')) {
        return false;
    }
    const QString tag = r.mid(colon + 1);
    return tag == u"stable" || tag == u"dev" || tag == u"rnd";
}

std::optional<Result<Digest>> ReleaseIndex::lookup(const Cache& cache, const QString& ociReference,
                                                   const ReleaseContext& context, bool offline)
{
    if (!context.isSet() || !isMutableReleaseTag(ociReference)) {
        return std::nullopt;
    }
    const QString path = cache.layout().releaseIndexPath(context.channel, context.release);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QString bare = ociReference.startsWith(QLatin1String("oci://")) ? ociReference.mid(6) : ociReference;
    auto fail = [&](const QString& message) -> std::optional<Result<Digest>> {
        if (!offline) {
            qCInfo(lcClient).noquote() << "ignoring release index" << path << ":" << message;
            return std::nullopt;
        }
        return Result<Digest>(makeError(ErrorCode::InvalidInput, message));
    };
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(16 << 20), &perr);
    if (perr.error != QJsonParseError::NoError || !doc.isObject()) {
        return fail(QStringLiteral("invalid lockfile: release index `%1` is not a JSON object").arg(path));
    }
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("schema")).toString() != u"greentic.release-index.v1"
        || o.value(QStringLiteral("release")).toString() != context.release
        || o.value(QStringLiteral("channel")).toString() != context.channel) {
        return fail(QStringLiteral("invalid input: release index does not match requested release context"));
    }
    if (!o.value(QStringLiteral("refs")).isObject()) {
        return fail(QStringLiteral("invalid lockfile: release index `%1` has no `refs` object").arg(path));
    }
    const QJsonObject refs = o.value(QStringLiteral("refs")).toObject();
    QJsonValue item = refs.value(bare);
    if (item.isUndefined()) {
        item = refs.value(QStringLiteral("oci://") + bare);
    }
    if (item.isUndefined()) {
        return std::nullopt;
    }
    const QJsonObject e = item.toObject();
    const QString digestText = e.value(QStringLiteral("digest")).toString();
    auto digest = Digest::parse(digestText);
    if (!digest) {
        return fail(QStringLiteral("invalid input: release index entry for `%1` has invalid digest `%2`")
                        .arg(bare, digestText));
    }
    QString canonical = e.value(QStringLiteral("canonical_ref")).toString();
    if (canonical.startsWith(QLatin1String("oci://"))) {
        canonical = canonical.mid(6);
    }
    auto pinned = OciReference::parse(canonical);
    if (!pinned || !pinned->isDigestPinned()) {
        return fail(QStringLiteral("invalid input: release index entry for `%1` is not digest-pinned").arg(bare));
    }
    if (pinned->digest() != digest.value()) {
        return fail(QStringLiteral("invalid input: release index entry for `%1` digest does not match canonical ref")
                        .arg(bare));
    }
    auto cached = cache.lookup(digest.value());
    if (!cached) {
        if (cached.code() == ErrorCode::NotFound) {
            return Result<Digest>(
                makeError(ErrorCode::NotFound,
                          QStringLiteral("reference `%1` not found: release %2 (%3) pins %4, which is "
                                         "not in the cache")
                              .arg(bare, context.release, context.channel, digest->toString())));
        }
        if (cached.code() == ErrorCode::Integrity && !QFileInfo::exists(cache.blobPath(digest.value()))) {
            // As upstream decides: a pin whose blob is gone is a missing entry (3), not corruption (6);
            // the pull that would restore it cannot run offline, and `cache verify` reports the rest.
            return Result<Digest>(
                makeError(ErrorCode::NotFound,
                          QStringLiteral("reference `%1` not found: release %2 (%3) pins %4, whose cached blob is "
                                         "missing")
                              .arg(bare, context.release, context.channel, digest->toString())));
        }
        return Result<Digest>(cached.error());
    }
    return Result<Digest>(digest.value());
}

} // namespace dist
