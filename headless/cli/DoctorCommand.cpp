// SPDX-License-Identifier: MIT
#include "DoctorCommand.h"

#include "CommandContext.h"
#include "ExitCode.h"
#include "ProgressPrinter.h"

#include <cache/CacheUsage.h>
#include <cache/EntryIndex.h>
#include <client/DistClient.h>
#include <config/ProxySettings.h>
#include <config/RegistriesConf.h>
#include <config/RegistryCertificates.h>
#include <core/JsonWriter.h>
#include <credentials/CredentialIndex.h>
#include <oci/OciManifest.h>

#include <QDir>
#include <QFileInfo>
#include <QStorageInfo>
#include <QTemporaryFile>

namespace dist::cli {

namespace {

enum class Status
{
    Ok,
    Warn,
    Fail,
};

struct Check
{
    Check(QString n, Status s = Status::Ok, QString d = {}, ErrorCode c = ErrorCode::InvalidInput)
        : name(std::move(n))
        , status(s)
        , detail(std::move(d))
        , code(c)
    {
    }

    QString name;
    Status status;
    QString detail;
    ErrorCode code; // what a failure exits with
};

QString statusName(Status s)
{
    switch (s) {
    case Status::Ok:
        return QStringLiteral("ok");
    case Status::Warn:
        return QStringLiteral("warn");
    case Status::Fail:
        return QStringLiteral("fail");
    }
    return {};
}

Check checkCache(const Cache& cache, qint64 cap)
{
    Check c{QStringLiteral("cache"), Status::Ok, {}, ErrorCode::Io};
    if (!QDir().mkpath(cache.ingestDir())) {
        return {c.name, Status::Fail, QStringLiteral("cannot create `%1`").arg(cache.ingestDir()), ErrorCode::Io};
    }
    QTemporaryFile probe(cache.ingestDir() + QStringLiteral("/doctor-XXXXXX"));
    if (!probe.open()) {
        return {c.name, Status::Fail,
                QStringLiteral("cannot write in `%1`: %2").arg(cache.ingestDir(), probe.errorString()), ErrorCode::Io};
    }
    QStringList problems;
    const CacheUsage usage = CacheUsage::of(EntryIndex(cache).summaries(&problems));
    const qint64 bytes = usage.total.bytes;
    const int corrupt = usage.corrupt;
    c.detail = QStringLiteral("%1: %2 %3, %4")
                   .arg(cache.root())
                   .arg(usage.total.entries)
                   .arg(usage.total.entries == 1 ? QStringLiteral("entry") : QStringLiteral("entries"),
                        ProgressPrinter::humanBytes(bytes));
    if (cap > 0) {
        c.detail += QStringLiteral(" of a %1 cap").arg(ProgressPrinter::humanBytes(cap));
        if (bytes > cap / 10 * 9) {
            c.status = Status::Warn;
            c.detail += QStringLiteral(" (over 90%: `greentic-dist retention plan` shows what would go)");
        }
    }
    if (corrupt > 0 || !problems.isEmpty()) {
        c.status = Status::Warn;
        c.detail
            += QStringLiteral("; %1 corrupt and %2 unreadable entries (`greentic-dist cache gc`, `retention apply`)")
                   .arg(corrupt)
                   .arg(problems.size());
    }
    return c;
}

Check checkDisk(const Cache& cache)
{
    const QStorageInfo storage(cache.root());
    const qint64 free = storage.bytesAvailable();
    Check c{QStringLiteral("disk"), Status::Ok,
            QStringLiteral("%1 free on %2").arg(ProgressPrinter::humanBytes(free), storage.rootPath())};
    if (free >= 0 && free < (qint64(1) << 30)) {
        c.status = Status::Warn;
        c.detail += QStringLiteral(" (less than 1 GiB: large pulls will fail)");
    }
    return c;
}

Check checkProxies()
{
    auto proxies = ProxySettings::fromEnvironment();
    if (!proxies) {
        return {QStringLiteral("proxy"), Status::Fail, proxies.message()};
    }
    if (proxies->isEmpty()) {
        return {QStringLiteral("proxy"), Status::Ok,
                QStringLiteral("no proxy variables: every host is reached directly")};
    }
    const QUrl ghcr(QStringLiteral("https://ghcr.io/v2/"));
    return {QStringLiteral("proxy"), Status::Ok,
            QStringLiteral("https://ghcr.io via %1").arg(proxies->describeFor(ghcr))};
}

Check checkRegistriesConf(const DistOptions& options, const QString& override)
{
    Check c{QStringLiteral("registries.conf")};
    if (options.registriesError) {
        return {c.name, Status::Fail, options.registriesError->message};
    }
    const QString path = RegistriesConf::defaultPath(override);
    if (!options.registries || options.registries->isEmpty()) {
        c.detail = path.isEmpty() || !QFileInfo::exists(path)
            ? QStringLiteral("none (no mirrors, no insecure registries)")
            : QStringLiteral("%1: no registry tables").arg(path);
        return c;
    }
    int mirrors = 0;
    for (const RegistriesConf::Registry& r : options.registries->registries()) {
        mirrors += static_cast<int>(r.mirrors.size());
    }
    c.detail = QStringLiteral("%1: %2 registries, %3 mirrors, insecure: %4")
                   .arg(options.registries->origin())
                   .arg(options.registries->registries().size())
                   .arg(mirrors)
                   .arg(options.registries->insecureHosts().isEmpty() ? QStringLiteral("none")
                                                                      : options.registries->insecureHosts().join(u' '));
    return c;
}

Check checkCertificates()
{
    QStringList found;
    for (const QString& base : RegistryCertificates::searchDirectories()) {
        const QStringList hosts = QDir(base).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        if (!hosts.isEmpty()) {
            found << QStringLiteral("%1: %2").arg(base, hosts.join(QStringLiteral(", ")));
        }
        for (const QString& host : hosts) {
            if (auto tls = RegistryCertificates::configurationFor(host); !tls) {
                return {QStringLiteral("certificates"), Status::Fail, tls.message()};
            }
        }
    }
    return {QStringLiteral("certificates"), Status::Ok,
            found.isEmpty() ? QStringLiteral("no certs.d directories: the system's CAs only")
                            : found.join(QStringLiteral("; "))};
}

Check checkCredentials(const Result<QString>& choice)
{
    const QList<CredentialIndexEntry> saved = CredentialIndex().entries();
    Check c{QStringLiteral("credentials")};
    if (!choice) {
        return {c.name, Status::Fail, choice.message()};
    }
    c.detail = QStringLiteral("new logins go to the %1; %2 saved login(s)")
                   .arg(choice.value() == u"file" ? QStringLiteral("file store") : QStringLiteral("OS keychain"))
                   .arg(saved.size());
    return c;
}

Check checkPacks(const PackResolverOptions& packs)
{
    Check c{QStringLiteral("packs")};
    for (const QString& file : packs.trustRootFiles) {
        if (!QFileInfo(file).isReadable()) {
            return {c.name, Status::Fail, QStringLiteral("trust root file `%1` cannot be read").arg(file)};
        }
    }
    const QString token = !packs.registry.token.isEmpty() ? QStringLiteral("a token from ASSAY_REGISTRY_TOKEN")
        : packs.registry.oidc                             ? QStringLiteral("GitHub OIDC")
                                                          : QStringLiteral("no token");
    c.detail = QStringLiteral("%1 with %2; the built-in root plus %3 trust root file(s)%4")
                   .arg(packs.registry.baseUrl.toString(), token)
                   .arg(packs.trustRootFiles.size())
                   .arg(packs.allowUnsigned ? QStringLiteral("; unsigned packs admitted") : QString());
    if (packs.allowUnsigned) {
        c.status = Status::Warn;
    }
    return c;
}

Check checkPlatform(const QString& platform)
{
    if (!platform.isEmpty()) {
        return {QStringLiteral("platform"), Status::Ok, QStringLiteral("image indexes: %1 only").arg(platform)};
    }
    return {QStringLiteral("platform"), Status::Ok,
            QStringLiteral("image indexes: a wasm entry (wasip2 first), else linux/%1").arg(hostOciArchitecture())};
}

} // namespace

void DoctorCommand::run(CommandContext& ctx, const QCommandLineParser&, const QStringList&, Done done)
{
    const DistOptions& options = ctx.client().options();
    QList<Check> checks{checkCache(ctx.cache(), options.cacheMaxBytes),
                        checkDisk(ctx.cache()),
                        checkProxies(),
                        checkRegistriesConf(options, ctx.globals().registriesConf),
                        checkCertificates(),
                        checkCredentials(ctx.credentialStoreChoice()),
                        checkPacks(options.packs),
                        checkPlatform(options.layers.platform)};
    if (options.offline) {
        checks.append({QStringLiteral("offline"), Status::Warn,
                       QStringLiteral("offline mode is on: only pinned references already in the cache resolve")});
    }

    const Check* failed = nullptr;
    JsonWriter w;
    w.beginArray();
    for (const Check& c : checks) {
        if (c.status == Status::Fail && !failed) {
            failed = &c;
        }
        if (ctx.globals().json) {
            w.beginObject()
                .field(QStringLiteral("check"), c.name)
                .field(QStringLiteral("status"), statusName(c.status))
                .field(QStringLiteral("detail"), c.detail)
                .endObject();
        } else {
            ctx.print(QStringLiteral("%1 %2 %3")
                          .arg(statusName(c.status).leftJustified(4), c.name.leftJustified(15), c.detail));
        }
    }
    w.endArray();
    if (ctx.globals().json) {
        ctx.writeOut(w.toByteArray());
    }
    done(failed ? exitCodeFor(failed->code) : ExitCode::Ok);
}

} // namespace dist::cli
