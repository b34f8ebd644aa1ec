// SPDX-License-Identifier: MIT
#include "LockCommands.h"

#include "CommandContext.h"
#include "ExitCode.h"

#include <client/PackLocker.h>
#include <core/JsonWriter.h>

namespace dist::cli {

namespace {

QCommandLineOption lockOption()
{
    return QCommandLineOption(QStringLiteral("lock"), QStringLiteral("The lockfile (default ./assay.packs.lock)."),
                              QStringLiteral("FILE"));
}

QString lockPath(const QCommandLineParser& parser)
{
    return parser.isSet(QStringLiteral("lock")) ? parser.value(QStringLiteral("lock"))
                                                : QString::fromLatin1(PackLockfile::kDefaultName);
}

void writeEntry(JsonWriter& w, const PackLockEntry& e)
{
    w.beginObject()
        .field(QStringLiteral("name"), e.name)
        .field(QStringLiteral("version"), e.version)
        .field(QStringLiteral("digest"), e.digest.toString())
        .field(QStringLiteral("source"), e.source);
    w.key(QStringLiteral("registry_url")).optional(e.registryUrl.isEmpty() ? QString() : e.registryUrl);
    w.key(QStringLiteral("byos_url")).optional(e.byosUrl.isEmpty() ? QString() : e.byosUrl);
    w.key(QStringLiteral("key_id")).optional(e.signatureKeyId.isEmpty() ? QString() : e.signatureKeyId);
    w.endObject();
}

} // namespace

QList<QCommandLineOption> LockGenerateCommand::options() const
{
    return {lockOption()};
}

void LockGenerateCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList& args, Done done)
{
    const QString path = lockPath(parser);
    auto* locker = new PackLocker(ctx.client(), ctx.eventContext());
    locker->generate(args, [&ctx, done, path, locker](Result<PackLockfile> r) {
        locker->deleteLater();
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        if (auto saved = r->save(path); !saved) {
            done(ctx.fail(saved.error()));
            return;
        }
        if (ctx.globals().json) {
            JsonWriter w;
            w.beginObject().field(QStringLiteral("lockfile"), path);
            w.key(QStringLiteral("packs")).beginArray();
            for (const PackLockEntry& e : r->packs) {
                writeEntry(w, e);
            }
            w.endArray().endObject();
            ctx.writeOut(w.toByteArray());
        } else {
            for (const PackLockEntry& e : r->packs) {
                ctx.print(QStringLiteral("%1  %2  %3  %4").arg(e.name, e.version, e.digest.toString(), e.source));
            }
            if (!ctx.globals().quiet) {
                ctx.printErr(QStringLiteral("wrote %1 (%2 packs)").arg(path).arg(r->packs.size()));
            }
        }
        done(0);
    });
}

QList<QCommandLineOption> LockVerifyCommand::options() const
{
    return {lockOption()};
}

void LockVerifyCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList&, Done done)
{
    const QString path = lockPath(parser);
    auto lock = PackLockfile::load(path);
    if (!lock) {
        done(ctx.fail(lock.error()));
        return;
    }
    auto* locker = new PackLocker(ctx.client(), ctx.eventContext());
    locker->verify(lock.value(), [&ctx, done, path, locker](Result<LockVerification> r) {
        locker->deleteLater();
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        using S = LockCheck::Status;
        if (ctx.globals().json) {
            JsonWriter w;
            w.beginObject().field(QStringLiteral("lockfile"), path).field(QStringLiteral("all_match"), r->allMatch());
            w.key(QStringLiteral("packs")).beginArray();
            for (const LockCheck& c : r->checks) {
                w.beginObject()
                    .field(QStringLiteral("name"), c.name)
                    .field(QStringLiteral("version"), c.version)
                    .field(QStringLiteral("source"), c.source)
                    .field(QStringLiteral("status"), lockStatusName(c.status))
                    .field(QStringLiteral("expected"), c.expected.toString());
                w.key(QStringLiteral("actual")).optional(c.actual.isNull() ? QString() : c.actual.toString());
                w.key(QStringLiteral("detail")).optional(c.detail.isEmpty() ? QString() : c.detail);
                w.endObject();
            }
            w.endArray().endObject();
            ctx.writeOut(w.toByteArray());
        } else {
            for (const LockCheck& c : r->checks) {
                QString line
                    = QStringLiteral("%1  %2@%3").arg(lockStatusName(c.status).leftJustified(10), c.name, c.version);
                if (c.status == S::Mismatched) {
                    line += QStringLiteral(": expected %1, got %2").arg(c.expected.toString(), c.actual.toString());
                } else if (!c.detail.isEmpty()) {
                    line += QStringLiteral(": ") + c.detail;
                }
                ctx.print(line);
            }
        }
        const int mismatched = r->count(S::Mismatched);
        const int missing = r->count(S::Missing);
        const int failed = r->count(S::Failed);
        if (mismatched + missing + failed == 0) {
            done(0);
            return;
        }
        ctx.printErr(QStringLiteral("lockfile verification failed: %1 mismatched, %2 missing, %3 untrusted%4")
                         .arg(mismatched)
                         .arg(missing)
                         .arg(failed)
                         .arg(mismatched > 0
                                  ? QStringLiteral(" (run `greentic-dist lock update` if the change is intended)")
                                  : QString()));
        done(mismatched + failed > 0 ? ExitCode::Integrity : ExitCode::NotFound);
    });
}

QList<QCommandLineOption> LockUpdateCommand::options() const
{
    return {lockOption()};
}

void LockUpdateCommand::run(CommandContext& ctx, const QCommandLineParser& parser, const QStringList&, Done done)
{
    const QString path = lockPath(parser);
    auto loaded = PackLockfile::load(path);
    if (!loaded) {
        done(ctx.fail(loaded.error()));
        return;
    }
    auto lock = std::make_shared<PackLockfile>(loaded.value());
    const QByteArray before = lock->toYaml();
    auto* locker = new PackLocker(ctx.client(), ctx.eventContext());
    locker->update(lock, [&ctx, done, path, lock, before, locker](Result<QStringList> r) {
        locker->deleteLater();
        if (!r) {
            done(ctx.fail(r.error()));
            return;
        }
        if (lock->toYaml() != before) {
            lock->version = PackLockfile::kVersion;
            lock->generatedBy = QStringLiteral("greentic-dist/" DIST_VERSION);
            if (auto saved = lock->save(path); !saved) {
                done(ctx.fail(saved.error()));
                return;
            }
        }
        if (ctx.globals().json) {
            JsonWriter w;
            w.beginObject().field(QStringLiteral("lockfile"), path);
            w.key(QStringLiteral("updated")).beginArray();
            for (const QString& n : r.value()) {
                w.value(n);
            }
            w.endArray().endObject();
            ctx.writeOut(w.toByteArray());
        } else {
            for (const QString& n : r.value()) {
                const PackLockEntry* e = lock->find(n);
                ctx.print(QStringLiteral("updated  %1@%2  %3").arg(n, e->version, e->digest.toString()));
            }
            if (!ctx.globals().quiet) {
                ctx.printErr(r->isEmpty() ? QStringLiteral("%1 is up to date").arg(path)
                                          : QStringLiteral("updated %1 packs in %2").arg(r->size()).arg(path));
            }
        }
        done(0);
    });
}

} // namespace dist::cli
