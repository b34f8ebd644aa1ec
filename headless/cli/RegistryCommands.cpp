// SPDX-License-Identifier: MIT
#include "RegistryCommands.h"

#include "CommandContext.h"

#include <core/AtomicFile.h>
#include <core/JsonWriter.h>
#include <packs/PackRegistryClient.h>
#include <packs/PackResolver.h>

#include <QFile>

namespace dist::cli {

namespace {

void writeKey(JsonWriter& w, const PackKey& k)
{
    w.beginObject()
        .field(QStringLiteral("key_id"), k.keyId)
        .field(QStringLiteral("algorithm"), k.algorithm)
        .field(QStringLiteral("pinned"), k.pinned)
        .field(QStringLiteral("origin"), k.origin);
    w.key(QStringLiteral("description")).optional(k.description.isEmpty() ? QString() : k.description);
    w.key(QStringLiteral("expires_at")).optional(k.expiresAt ? k.expiresAt->toString(Qt::ISODate) : QString());
    w.endObject();
}

void printTrust(CommandContext& ctx, const PackTrustStore& trust, const std::optional<KeysMergeReport>& report)
{
    QList<PackKey> keys = trust.keys();
    std::sort(keys.begin(), keys.end(),
              [](const PackKey& a, const PackKey& b) { return a.pinned != b.pinned ? a.pinned : a.keyId < b.keyId; });
    if (ctx.globals().json) {
        JsonWriter w;
        w.beginObject();
        w.key(QStringLiteral("manifest"));
        if (report) {
            w.beginObject()
                .field(QStringLiteral("signed"), report->signedManifest)
                .field(QStringLiteral("added"), report->added)
                .field(QStringLiteral("revoked"), report->revoked)
                .field(QStringLiteral("skipped"), report->skipped)
                .field(QStringLiteral("expires_at"), report->expiresAt.toString(Qt::ISODate));
            w.key(QStringLiteral("signed_by")).optional(report->signedBy.isEmpty() ? QString() : report->signedBy);
            w.key(QStringLiteral("warnings")).beginArray();
            for (const QString& s : report->warnings) {
                w.value(s);
            }
            w.endArray().endObject();
        } else {
            w.null();
        }
        w.key(QStringLiteral("keys")).beginArray();
        for (const PackKey& k : keys) {
            writeKey(w, k);
        }
        w.endArray();
        w.key(QStringLiteral("revoked")).beginArray();
        QStringList revoked = trust.revokedKeyIds();
        revoked.sort();
        for (const QString& id : revoked) {
            w.value(id);
        }
        w.endArray().endObject();
        ctx.writeOut(w.toByteArray());
        return;
    }
    for (const PackKey& k : keys) {
        QString line = QStringLiteral("%1  %2  %3")
                           .arg(k.keyId, k.pinned ? QStringLiteral("root    ") : QStringLiteral("manifest"), k.origin);
        if (k.expiresAt) {
            line += QStringLiteral("  expires %1").arg(k.expiresAt->toString(Qt::ISODate));
        }
        if (!k.description.isEmpty()) {
            line += QStringLiteral("  (%1)").arg(k.description);
        }
        ctx.print(line);
    }
    for (const QString& id : trust.revokedKeyIds()) {
        ctx.print(QStringLiteral("%1  revoked").arg(id));
    }
    if (report && !ctx.globals().quiet) {
        ctx.printErr(QStringLiteral("keys manifest: %1 added, %2 revoked, %3 skipped, %4, valid until %5")
                         .arg(report->added)
                         .arg(report->revoked)
                         .arg(report->skipped)
                         .arg(report->signedManifest ? QStringLiteral("signed by ") + report->signedBy
                                                     : QStringLiteral("unsigned"))
                         .arg(report->expiresAt.toString(Qt::ISODate)));
        for (const QString& w : report->warnings) {
            ctx.printErr(QStringLiteral("warning: ") + w);
        }
    }
}

} // namespace

void RegistryVersionsCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList& args, Done done)
{
    const QString name = args.first();
    if (auto ok = Reference::validatePackName(name); !ok) {
        done(ctx.fail(
            makeError(ErrorCode::InvalidInput, QStringLiteral("invalid pack name `%1`: %2").arg(name, ok.message()))));
        return;
    }
    if (ctx.globals().offline) {
        done(ctx.fail(
            makeError(ErrorCode::Offline, QStringLiteral("offline: listing versions needs the pack registry"))));
        return;
    }
    ctx.client().packs().registry().versions(name, [&ctx, done](Result<PackVersions> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        if (ctx.globals().json) {
            JsonWriter w;
            w.beginObject().field(QStringLiteral("name"), r->name);
            w.key(QStringLiteral("versions")).beginArray();
            for (const PackVersionInfo& v : r->versions) {
                w.beginObject().field(QStringLiteral("version"), v.version);
                w.key(QStringLiteral("digest")).optional(v.digest.isEmpty() ? QString() : v.digest);
                w.key(QStringLiteral("published_at")).optional(v.publishedAt.isEmpty() ? QString() : v.publishedAt);
                w.field(QStringLiteral("deprecated"), v.deprecated);
                w.key(QStringLiteral("deprecation_message"))
                    .optional(v.deprecationMessage.isEmpty() ? QString() : v.deprecationMessage);
                w.endObject();
            }
            w.endArray().endObject();
            ctx.writeOut(w.toByteArray());
        } else {
            for (const PackVersionInfo& v : r->versions) {
                QString line = QStringLiteral("%1  %2  %3").arg(v.version, v.digest, v.publishedAt);
                if (v.deprecated) {
                    line += QStringLiteral("  deprecated")
                        + (v.deprecationMessage.isEmpty() ? QString() : QStringLiteral(": ") + v.deprecationMessage);
                }
                ctx.print(line.trimmed());
            }
        }
        done(0);
    });
}

QList<QCommandLineOption> RegistryFetchCommand::options() const
{
    return {
        QCommandLineOption(QStringLiteral("output"), QStringLiteral("Also write the verified pack to this file."),
                           QStringLiteral("FILE")),
        QCommandLineOption(QStringLiteral("no-cache"),
                           QStringLiteral("Ask the registry even when a fresh verified copy is cached.")),
    };
}

void RegistryFetchCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args,
                               Done done)
{
    const QString text = args.first();
    auto ref = Reference::parse(text);
    if (ref && ref->kind() != ReferenceKind::RegistryPack) {
        ref = makeError(ErrorCode::InvalidInput,
                        QStringLiteral("invalid pack reference `%1`: expected NAME@VERSION[#sha256:…]").arg(text));
    }
    if (!ref) {
        done(ctx.fail(ref.error()));
        return;
    }
    const QString output = parser.value(QStringLiteral("output"));
    ctx.client().packs().resolve(
        ref.value(), Digest(),
        [&ctx, done, output](Result<ResolvedPack> r) {
            if (!r) {
                done(ctx.fail(r.error()));
                return;
            }
            QString path = r->entry.localPath;
            if (!output.isEmpty()) {
                QFile in(r->entry.localPath);
                if (!in.open(QIODevice::ReadOnly)) {
                    done(ctx.fail(
                        makeError(ErrorCode::Io, QStringLiteral("cannot read the cached pack: ") + in.errorString())));
                    return;
                }
                if (auto w = AtomicFile::write(output, in.readAll()); !w) {
                    done(ctx.fail(w.error()));
                    return;
                }
                path = output;
            }
            if (ctx.globals().json) {
                JsonWriter w;
                w.beginObject()
                    .field(QStringLiteral("reference"), r->reference)
                    .field(QStringLiteral("name"), r->name)
                    .field(QStringLiteral("version"), r->version)
                    .field(QStringLiteral("digest"), r->digest.toString())
                    .field(QStringLiteral("content_digest"), r->contentDigest.toString())
                    .field(QStringLiteral("source"), r->source)
                    .field(QStringLiteral("registry_url"), r->registryUrl)
                    .field(QStringLiteral("signed"), r->signedPack);
                w.key(QStringLiteral("key_id")).optional(r->keyId.isEmpty() ? QString() : r->keyId);
                w.field(QStringLiteral("expires_at"), r->expiresAt.toString(Qt::ISODate))
                    .field(QStringLiteral("path"), path)
                    .endObject();
                ctx.writeOut(w.toByteArray());
            } else {
                if (ctx.globals().verbose) {
                    ctx.printErr(
                        QStringLiteral("%1@%2: %3, %4 (%5)")
                            .arg(r->name, r->version, r->digest.toString(),
                                 r->signedPack ? QStringLiteral("signed by ") + r->keyId : QStringLiteral("unsigned"),
                                 r->source));
                }
                ctx.print(path);
            }
            done(0);
        },
        parser.isSet(QStringLiteral("no-cache")));
}

void RegistryKeysCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList&, Done done)
{
    PackResolver& packs = ctx.client().packs();
    if (packs.setupError()) {
        done(ctx.fail(*packs.setupError()));
        return;
    }
    if (ctx.globals().offline) {
        printTrust(ctx, packs.trust(), std::nullopt); // roots and the remembered manifest
        done(0);
        return;
    }
    packs.refreshKeys([&ctx, &packs, done](Result<KeysMergeReport> r) {
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        printTrust(ctx, packs.trust(), r.value());
        done(0);
    });
}

} // namespace dist::cli
