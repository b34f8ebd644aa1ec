// SPDX-License-Identifier: MIT
#include "DistClient.h"

#include <cache/IngestFile.h>
#include <config/Settings.h>
#include <core/AtomicFile.h>
#include <core/Background.h>
#include <core/LockWaiter.h>
#include <core/Logging.h>
#include <core/Sha256.h>
#include <extract/TarExtractor.h>
#include <net/RegistryAuth.h>
#include <retention/Retention.h>
#include <trust/PackCanonicalizer.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QTimer>

namespace dist {

namespace {

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

struct FileKind
{
    QString mediaType;
    ArtifactType type;
};

FileKind fileKindFor(const QString& path)
{
    const QString lower = path.toLower();
    if (lower.endsWith(QLatin1String(".gtpack"))) {
        return {QStringLiteral("application/vnd.greentic.gtpack+zip"), ArtifactType::Pack};
    }
    if (lower.endsWith(QLatin1String(".tar.gz")) || lower.endsWith(QLatin1String(".tgz"))) {
        return {QStringLiteral("application/vnd.oci.image.layer.v1.tar+gzip"), ArtifactType::Bundle};
    }
    if (lower.endsWith(QLatin1String(".tar.zst"))) {
        return {QStringLiteral("application/vnd.oci.image.layer.v1.tar+zstd"), ArtifactType::Bundle};
    }
    if (lower.endsWith(QLatin1String(".yaml")) || lower.endsWith(QLatin1String(".yml"))) {
        return {QStringLiteral("application/x-yaml"), ArtifactType::Pack};
    }
    if (lower.endsWith(QLatin1String(".tar"))) {
        return {QStringLiteral("application/vnd.oci.image.layer.v1.tar"), ArtifactType::Bundle};
    }
    if (lower.endsWith(QLatin1String(".json"))) {
        return {QStringLiteral("application/json"), ArtifactType::Component};
    }
    return {QStringLiteral("application/wasm"), ArtifactType::Component};
}

struct LocalIngest
{
    std::shared_ptr<IngestFile> sink; // finished: hashed and flushed, ready to commit
    Digest digest;
    FileKind kind;
};

// Copies a local file into the ingest directory, hashing it in the same pass, and types it.
// Runs on a pool thread: it touches nothing but the two files.
Result<LocalIngest> ingestLocalFile(const QString& ingestDir, const QString& path, const QString& raw)
{
    auto ingest = IngestFile::openTemporary(ingestDir);
    if (!ingest) {
        return ingest.error();
    }
    std::shared_ptr<IngestFile> sink(std::move(ingest).value());
    auto failed = [&sink](Error e) -> Result<LocalIngest> {
        sink->discard();
        return e;
    };
    QFile source(path);
    if (!source.open(QIODevice::ReadOnly)) {
        return failed(makeError(ErrorCode::Io, QStringLiteral("cannot read `%1`: %2").arg(raw, source.errorString())));
    }
    QByteArray buffer(1 << 20, Qt::Uninitialized);
    for (;;) {
        const qint64 n = source.read(buffer.data(), buffer.size());
        if (n < 0) {
            return failed(
                makeError(ErrorCode::Io, QStringLiteral("cannot read `%1`: %2").arg(raw, source.errorString())));
        }
        if (n == 0) {
            break;
        }
        if (auto w = sink->write(buffer.constData(), n); !w) {
            return failed(w.error());
        }
    }
    auto digest = sink->finish();
    if (!digest) {
        return failed(digest.error());
    }
    FileKind kind = fileKindFor(QFileInfo(path).absoluteFilePath());
    if (kind.type == ArtifactType::Bundle
        && TarExtractor::holdsTopLevelFile(sink->path(), QStringLiteral("pack.yaml"))) {
        // Typed by content, as a registry pull types it: a tarball with a pack.yaml is a pack.
        // (the ingested copy is read: those are the bytes that get recorded)
        QString packType = kind.mediaType;
        packType.replace(QLatin1String("vnd.oci.image.layer.v1.tar"), QLatin1String("vnd.greentic.pack.v1+tar"));
        kind = {packType, ArtifactType::Pack};
    }
    return LocalIngest{sink, digest.value(), kind};
}

CacheEntry baseEntry(const Digest& digest, qint64 size, const QString& raw, const QString& kind,
                     const QString& canonical)
{
    CacheEntry e;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    e.digest = digest;
    e.sizeBytes = size;
    e.sourceKind = kind;
    e.rawRef = raw;
    e.canonicalRef = canonical;
    e.fetchedAt = now;
    e.lastAccessedAt = now;
    e.state = EntryState::Ready;
    e.sourceSnapshot = SourceSnapshot{raw, canonical, kind, raw == canonical};
    return e;
}

// A cached entry is reused only when it is sound; one that `cache verify` marked Corrupt (or whose
// blob vanished) is fetched again rather than served.
Result<CacheEntry> reusable(Result<CacheEntry> entry)
{
    if (entry && entry->state == EntryState::Corrupt) {
        return makeError(
            ErrorCode::Integrity,
            QStringLiteral("corrupt artifact `%1`: marked corrupt by cache verify").arg(entry->digest.toString()));
    }
    return entry;
}

// Clears whatever broken entry occupies a digest before a fresh copy is committed. Callers hold the
// digest's lock.
void clearBroken(Cache& cache, const Digest& d)
{
    auto existing = cache.stat(d);
    if ((existing && existing->state == EntryState::Corrupt) || (!existing && existing.code() != ErrorCode::NotFound)) {
        qCWarning(lcCache).noquote() << "replacing broken cache entry" << d.toString();
        (void)cache.remove(d);
    }
}

bool isYamlPackPath(const QString& path)
{
    return path.endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive)
        || path.endsWith(QLatin1String(".yml"), Qt::CaseInsensitive);
}

bool isLoopbackHost(const QString& host)
{
    return OciReference::parse(host + QStringLiteral("/x")).ok()
        && OciReference::parse(host + QStringLiteral("/x"))->isLoopbackRegistry();
}

} // namespace

struct DistClient::BlobJob
{
    QString raw;
    QString sourceKind;
    OciResolution res;
    std::shared_ptr<QLockFile> lock;
    std::unique_ptr<IngestFile> ingest;
    QList<std::function<void(const Result<CacheEntry>&, bool)>> waiters;
};

DistOptions DistOptions::fromEnvironment(const QString& cacheDirOverride)
{
    const Settings settings;
    DistOptions o;
    o.cacheRoot = Cache::resolveRoot(cacheDirOverride);
    o.offline = settings.offline();
    o.http = HttpOptions::fromEnvironment();
    o.fixtureDir = settings.fixtureDir();
    o.repoRegistryBase = settings.repoRegistryBase();
    o.storeRegistryBase = settings.storeRegistryBase();
    o.cacheMaxBytes = Retention::cacheCapFromEnvironment();
    // The CLI refuses a malformed value up front; elsewhere it simply matches no index entry.
    o.layers.platform = settings.platform();
    if (const QString biz = settings.greenticBizRegistry(); !biz.isEmpty()) {
        o.greenticBizRegistry = biz;
    }
    o.packs = PackResolverOptions::fromEnvironment(o.http);
    o.loadRegistries();
    return o;
}

void DistOptions::loadRegistries(const QString& overridePath)
{
    auto conf = RegistriesConf::loadDefault(overridePath);
    if (conf) {
        registries = std::make_shared<const RegistriesConf>(conf.value());
        registriesError.reset();
    } else {
        registries.reset();
        registriesError = conf.error();
    }
}

DistClient::DistClient(QNetworkAccessManager* nam, const DistOptions& options, const CredentialProvider* credentials,
                       QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_credentials(credentials)
    , m_options(options)
    , m_cache(options.cacheRoot)
    , m_auth(new RegistryAuth(nam, credentials, options.http, this))
    , m_oci(new OciClient(nam, m_auth, options.http, this))
    , m_packs(nullptr)
{
    m_oci->setRegistries(options.registries);
    PackResolverOptions packs = options.packs;
    packs.offline = packs.offline || options.offline;
    m_packs = new PackResolver(
        nam, m_cache, packs, credentials,
        [this](const QString& raw, const QByteArray& content, const CacheEntry& entry,
               std::function<void(Result<CacheEntry>)> done) {
            storePackContent(raw, content, entry, std::move(done));
        },
        this);
}

DistClient::~DistClient() = default;

template <typename F>
void DistClient::later(F&& f)
{
    QTimer::singleShot(0, this, std::forward<F>(f));
}

void DistClient::cancelAll()
{
    for (const QPointer<HttpExchange>& e : std::as_const(m_exchanges)) {
        if (e) {
            e->cancel();
        }
    }
    m_exchanges.clear();
    m_oci->cancelAll();
    m_packs->cancelAll();
}

Result<OciReference> DistClient::ociFor(const Reference& ref) const
{
    if (m_options.registriesError) {
        return *m_options.registriesError;
    }
    auto mapOnto = [](const QString& base, const QString& target, const QString& raw) -> Result<OciReference> {
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
        // A target that already names a registry host is used as it is.
        const qsizetype slash = t.indexOf(u'/');
        const QString mapped
            = (slash > 0 && OciReference::looksLikeRegistryHost(QStringView(t).left(slash))) ? t : b + u'/' + t;
        auto oci = OciReference::parse(mapped);
        if (!oci) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("invalid reference `%1`: it maps to `%2`, which is not a valid OCI "
                                            "reference")
                                 .arg(raw, mapped));
        }
        return oci;
    };

    switch (ref.kind()) {
    case ReferenceKind::Oci:
        return ref.oci();
    case ReferenceKind::Repo:
        if (m_options.repoRegistryBase.trimmed().isEmpty()) {
            return makeError(ErrorCode::AuthRequired,
                             QStringLiteral("resolution unavailable for `%1`: set GREENTIC_REPO_REGISTRY_BASE to the "
                                            "registry that serves repo:// references")
                                 .arg(ref.raw()));
        }
        return mapOnto(m_options.repoRegistryBase, ref.path(), ref.raw());
    case ReferenceKind::Store: {
        if (ref.isGreenticBizStore()) {
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
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("invalid input: store://greentic-biz refs must include "
                                                "`<tenant>/<package-path>`"));
            }
            if (tenant.isEmpty() || package.isEmpty()) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("invalid input: store://greentic-biz refs must include non-empty "
                                                "`<tenant>/<package-path>`"));
            }
            // The tenant selects credentials; it is not part of the registry path.
            auto mapped
                = OciReference::parse(m_options.greenticBizRegistry + QStringLiteral("/greentic-biz/") + package);
            if (!mapped) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("invalid reference `%1`: %2")
                                     .arg(ref.raw(), mapped.message().section(QStringLiteral(": "), 1)));
            }
            mapped->setAuthTenant(tenant);
            return mapped;
        }
        if (m_options.storeRegistryBase.trimmed().isEmpty()) {
            return makeError(ErrorCode::AuthRequired,
                             QStringLiteral("resolution unavailable for `%1`: set GREENTIC_STORE_REGISTRY_BASE to the "
                                            "registry that serves store:// references")
                                 .arg(ref.raw()));
        }
        return mapOnto(m_options.storeRegistryBase, ref.path(), ref.raw());
    }
    default:
        return makeError(ErrorCode::InvalidInput, QStringLiteral("invalid reference `%1`").arg(ref.raw()));
    }
}

std::optional<Result<Digest>> DistClient::releasePin(const Reference& ref, const OciReference& oci,
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

void DistClient::resolve(const QString& reference, std::function<void(Result<Digest>)> done,
                         const ReleaseContext& release)
{

    auto ref = Reference::parse(reference);
    if (!ref) {
        later([done, e = ref.error()] { done(e); });
        return;
    }
    switch (ref->kind()) {
    case ReferenceKind::CacheDigest: {
        auto hit = m_cache.lookup(ref->digest());
        later([done, hit, d = ref->digest()] { hit ? done(d) : done(hit.error()); });
        return;
    }
    case ReferenceKind::File:
        if (isYamlPackPath(ref->path())) {
            // A local pack is identified by its canonical digest, without copying it into the cache.
            QFile f(ref->path());
            Result<Digest> digest
                = makeError(ErrorCode::NotFound, QStringLiteral("reference `%1` not found").arg(reference));
            if (f.exists() && (!f.open(QIODevice::ReadOnly) || f.size() > PackCanonicalizer::kMaxTotalSize)) {
                digest = makeError(
                    ErrorCode::InvalidInput,
                    QStringLiteral("cannot read pack `%1`: %2")
                        .arg(reference, f.isOpen() ? QStringLiteral("larger than 10 MiB") : f.errorString()));
            } else if (f.isOpen()) {
                auto d = PackCanonicalizer::canonicalDigest(f.readAll(), ErrorCode::InvalidInput);
                digest = d
                    ? Result<Digest>(d.value())
                    : Result<Digest>(makeError(d.code(), QStringLiteral("pack `%1`: %2").arg(reference, d.message())));
            }
            later([done, digest] { done(digest); });
            return;
        }
        [[fallthrough]];
    case ReferenceKind::Fixture: {
        QString path = ref->path();
        if (ref->kind() == ReferenceKind::Fixture) {
            if (m_options.fixtureDir.isEmpty()) {
                later([done] {
                    done(makeError(ErrorCode::InvalidInput,
                                   QStringLiteral("invalid input: fixture:// requires GREENTIC_FIXTURE_DIR")));
                });
                return;
            }
            path = m_options.fixtureDir + u'/' + path;
            if (!path.endsWith(QLatin1String(".wasm"))) {
                path += QStringLiteral(".wasm");
            }
        }
        auto digest = Sha256::hashFile(path);
        later([done, digest, reference] {
            if (!digest && digest.code() == ErrorCode::NotFound) {
                done(makeError(ErrorCode::NotFound, QStringLiteral("reference `%1` not found").arg(reference)));
            } else {
                done(digest);
            }
        });
        return;
    }
    case ReferenceKind::Https:
        pull(reference, Digest(), [done](Result<PullResult> r) { r ? done(r->digest) : done(r.error()); });
        return;
    case ReferenceKind::RegistryPack:
    case ReferenceKind::BundledPack:
        pull(reference, Digest(), [done](Result<PullResult> r) { r ? done(r->digest) : done(r.error()); });
        return;
    default:
        break;
    }
    auto oci = ociFor(ref.value());
    if (!oci) {
        later([done, e = oci.error()] { done(e); });
        return;
    }
    if (auto pinned = releasePin(ref.value(), oci.value(), release)) {
        later([done, pinned = *pinned] { done(pinned); });
        return;
    }
    if (oci->isDigestPinned() && m_cache.lookup(oci->digest())) {
        later([done, d = oci->digest()] { done(d); });
        return;
    }
    if (m_options.offline) {
        later([done, reference, tag = !oci->isDigestPinned()] { done(offlineError(reference, tag)); });
        return;
    }
    withTenantCredentials(oci.value(), [this, oci = oci.value(), done](Result<void> ready) {
        if (!ready) {
            done(ready.error());
            return;
        }
        m_oci->resolve(oci, m_options.layers,
                       [done](Result<OciResolution> r) { r ? done(r->manifestDigest) : done(r.error()); });
    });
}

void DistClient::pull(const QString& reference, const Digest& pin, PullDone done, const ReleaseContext& release)
{
    auto ref = Reference::parse(reference);
    if (!ref) {
        later([done, e = ref.error()] { done(e); });
        return;
    }
    switch (ref->kind()) {
    case ReferenceKind::CacheDigest: {
        if (!pin.isNull() && pin != ref->digest()) {
            later([done, reference, pin] {
                done(makeError(ErrorCode::Integrity,
                               QStringLiteral("corrupt artifact `%1`: lock digest %2 did not "
                                              "match resolved descriptor %1")
                                   .arg(reference, pin.toString())));
            });
            return;
        }
        auto hit = reusable(m_cache.lookup(ref->digest()));
        if (hit) {
            hit = m_cache.open(hit->digest);
        }
        later([done, hit, reference, d = ref->digest()] {
            hit ? done(PullResult{reference, d, hit.value(), false}) : done(hit.error());
        });
        return;
    }
    case ReferenceKind::File:
        if (isYamlPackPath(ref->path())) {
            pullYamlPack(reference, ref.value(), pin, std::move(done));
            return;
        }
        pullLocalFile(reference, ref.value(), ref->path(), pin, std::move(done));
        return;

    case ReferenceKind::Fixture: {
        if (m_options.fixtureDir.isEmpty()) {
            later([done] {
                done(makeError(ErrorCode::InvalidInput,
                               QStringLiteral("invalid input: fixture:// requires GREENTIC_FIXTURE_DIR")));
            });
            return;
        }
        QString path = m_options.fixtureDir + u'/' + ref->path();
        if (!path.endsWith(QLatin1String(".wasm"))) {
            path += QStringLiteral(".wasm");
        }
        pullLocalFile(reference, ref.value(), path, pin, std::move(done));
        return;
    }
    case ReferenceKind::Https: {
        if (isYamlPackPath(ref->url().path())) {
            pullYamlPack(reference, ref.value(), pin, std::move(done));
            return;
        }
        // https://…#sha256:<hex> pins the content like a lockfile digest does.
        if (!pin.isNull() && !ref->digest().isNull() && pin != ref->digest()) {
            later([done, reference, pin] {
                done(makeError(
                    ErrorCode::Integrity,
                    QStringLiteral("digest mismatch for `%1`: the lockfile pins %2").arg(reference, pin.toString())));
            });
            return;
        }
        pullHttps(reference, ref.value(), pin.isNull() ? ref->digest() : pin, std::move(done));
        return;
    }
    case ReferenceKind::RegistryPack:
    case ReferenceKind::BundledPack:
        pullPack(reference, ref.value(), pin, std::move(done));
        return;
    default:
        break;
    }
    auto oci = ociFor(ref.value());
    if (!oci) {
        later([done, e = oci.error()] { done(e); });
        return;
    }
    if (auto pinned = releasePin(ref.value(), oci.value(), release); pinned && pin.isNull()) {
        if (!*pinned) {
            later([done, e = pinned->error()] { done(e); });
            return;
        }
        pullOci(reference, ref.value(), oci.value(), pinned->value(), m_options.layers, std::move(done));
        return;
    }
    pullOci(reference, ref.value(), oci.value(), pin, m_options.layers, std::move(done));
}

void DistClient::pullOciPack(const QString& reference, PullDone done)
{
    auto ref = Reference::parse(reference);
    if (!ref) {
        later([done, e = ref.error()] { done(e); });
        return;
    }
    auto oci = ociFor(ref.value());
    if (!oci) {
        later([done, e = oci.error()] { done(e); });
        return;
    }
    LayerPolicy layers = m_options.layers;
    layers.packOnly = true;
    pullOci(reference, ref.value(), oci.value(), Digest(), layers, std::move(done));
}

void DistClient::pullOci(const QString& raw, const Reference& ref, OciReference oci, const Digest& pin,
                         const LayerPolicy& layers, PullDone done)
{
    if (!pin.isNull()) {
        if (oci.isDigestPinned() && oci.digest() != pin) {
            later([done, raw, pin, d = oci.digest()] {
                done(makeError(ErrorCode::Integrity,
                               QStringLiteral("corrupt artifact `%1`: lock digest %2 did not "
                                              "match resolved descriptor %3")
                                   .arg(raw, pin.toString(), d.toString())));
            });
            return;
        }
        oci = oci.withDigest(pin);
    }
    if (oci.isDigestPinned()) {
        auto hit = reusable(m_cache.lookup(oci.digest()));
        if (hit) {
            hit = m_cache.open(hit->digest);
            later([done, hit, raw, d = oci.digest()] {
                hit ? done(PullResult{raw, d, hit.value(), false}) : done(hit.error());
            });
            return;
        }
    }
    if (m_options.offline) {
        later([done, raw, tag = !oci.isDigestPinned()] { done(offlineError(raw, tag)); });
        return;
    }
    const QString kind = referenceKindName(ref.kind());
    withTenantCredentials(oci, [this, oci, raw, kind, layers, done](Result<void> ready) {
        if (!ready) {
            done(ready.error());
            return;
        }
        fetchOci(raw, kind, oci, layers, done);
    });
}

void DistClient::withTenantCredentials(const OciReference& oci, std::function<void(Result<void>)> then)
{
    if (oci.authTenant().isEmpty()) {
        later([then] { then({}); });
        return;
    }
    const QString tenant = oci.authTenant();
    auto missing = [tenant] {
        return makeError(ErrorCode::AuthRequired,
                         QStringLiteral("store auth error: tenant `%1` has no saved credentials; "
                                        "run `greentic-dist auth login %1` first")
                             .arg(tenant),
                         ErrorDetail::NoSavedCredentials);
    };
    if (!m_credentials) {
        later([then, missing] { then(missing()); });
        return;
    }
    m_credentials->lookup(CredentialQuery{oci.registry(), tenant}, this,
                          [then, missing](Result<std::optional<RegistryCredential>> c) {
                              if (!c) {
                                  then(c.error());
                              } else if (!c->has_value()) {
                                  then(missing());
                              } else {
                                  then({});
                              }
                          });
}

void DistClient::fetchOci(const QString& raw, const QString& kind, const OciReference& oci, const LayerPolicy& layers,
                          PullDone done)
{
    m_oci->resolve(oci, layers, [this, raw, kind, done](Result<OciResolution> res) {
        if (!res) {
            done(res.error());
            return;
        }
        const OciResolution resolution = res.value();
        const Digest content = resolution.choice.layer.digest;
        auto complete = [this, raw, resolution, done](const Result<CacheEntry>& entry, bool fetched) {
            if (!entry) {
                done(entry.error());
                return;
            }
            const Digest content = entry->digest;
            for (const Digest& m : {resolution.manifestDigest, resolution.platformManifestDigest}) {
                if (!m.isNull()) {
                    if (auto r = m_cache.recordManifest(m, content); !r) {
                        done(r.error());
                        return;
                    }
                }
            }
            done(PullResult{raw, resolution.manifestDigest, entry.value(), fetched});
        };

        auto hit = reusable(m_cache.open(content));
        if (hit) {
            complete(hit, false);
            return;
        }
        auto& job = m_blobJobs[content];
        const bool start = !job;
        if (start) {
            job = std::make_shared<BlobJob>();
            job->raw = raw;
            job->sourceKind = kind;
            job->res = resolution;
        }
        job->waiters.append(complete);
        if (start) {
            startBlobJob(content);
        }
    });
}

void DistClient::startBlobJob(const Digest& content)
{
    std::shared_ptr<BlobJob> job = m_blobJobs.value(content);
    LockWaiter::acquire(
        m_cache.lockPath(content), this,
        [this, content, job](Result<std::shared_ptr<QLockFile>> lock) {
            if (!lock) {
                finishBlobJob(content, lock.error(), false);
                return;
            }
            job->lock = lock.value();
            // Another process may have committed it while we waited for the lock.
            if (auto hit = reusable(m_cache.open(content))) {
                finishBlobJob(content, hit, false);
                return;
            }
            clearBroken(m_cache, content);
            const OciDescriptor layer = job->res.choice.layer;
            auto ingest = IngestFile::openForDigest(m_cache.ingestDir(), content, layer.size, true);
            if (!ingest) {
                finishBlobJob(content, ingest.error(), false);
                return;
            }
            job->ingest = std::move(ingest).value();
            if (job->ingest->size() > 0) {
                qCInfo(lcClient).noquote() << "resuming" << content.toString() << "from byte" << job->ingest->size();
            }
            const QString raw = job->raw;
            m_oci->fetchBlob(
                job->res.reference, layer, job->ingest.get(),
                [this, content, job](Result<QString> r) {
                    if (!r) {
                        if (r.code() == ErrorCode::Integrity) {
                            job->ingest->discard();
                        }
                        finishBlobJob(content, r.error(), false);
                        return;
                    }
                    auto actual = job->ingest->finish();
                    if (!actual) {
                        finishBlobJob(content, actual.error(), false);
                        return;
                    }
                    if (actual.value() != content) {
                        job->ingest->discard();
                        finishBlobJob(content,
                                      makeError(ErrorCode::Integrity,
                                                QStringLiteral("corrupt artifact `%1`: fetched digest %2 did not match "
                                                               "the layer digest %3")
                                                    .arg(job->raw, actual->toString(), content.toString())),
                                      false);
                        return;
                    }
                    const OciResolution& res = job->res;
                    const QString canonical = QStringLiteral("oci://%1@%2")
                                                  .arg(res.reference.repositoryPath(), res.manifestDigest.toString());
                    CacheEntry e = baseEntry(content, job->ingest->size(), job->raw, job->sourceKind, canonical);
                    e.mediaType = res.choice.layer.mediaType;
                    e.artifactType = res.choice.type;
                    e.annotations = res.manifest.annotations;
                    e.manifestDigest = res.manifestDigest.toString();
                    e.platformManifestDigest = res.platformManifestDigest.toString();
                    e.manifestMediaType = res.manifestMediaType;
                    e.artifactMediaType = res.manifest.artifactType.isEmpty() ? res.manifest.config.mediaType
                                                                              : res.manifest.artifactType;
                    e.fetchedFrom = r.value(); // the mirror or the origin the blob came from
                    finishBlobJob(content, commitAndEnforceCap(*job->ingest, e), true);
                },
                [this, raw](qint64 received, qint64 total) { Q_EMIT progress(raw, received, total); });
        },
        [this, content, job] {
            Q_EMIT waiting(job->raw, QStringLiteral("another process is fetching %1").arg(content.toString()));
        });
}

void DistClient::finishBlobJob(const Digest& content, const Result<CacheEntry>& result, bool fetched)
{
    std::shared_ptr<BlobJob> job = m_blobJobs.take(content);
    if (!job) {
        return;
    }
    if (job->lock) {
        job->lock->unlock();
    }
    for (const auto& waiter : std::as_const(job->waiters)) {
        waiter(result, fetched);
    }
}

void DistClient::pullLocalFile(const QString& raw, const Reference& ref, const QString& path, const Digest& pin,
                               PullDone done)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        later(
            [done, raw] { done(makeError(ErrorCode::NotFound, QStringLiteral("reference `%1` not found").arg(raw))); });
        return;
    }
    if (!info.isFile()) {
        later([done, raw] {
            done(makeError(ErrorCode::InvalidInput,
                           QStringLiteral("invalid reference `%1`: not a regular file").arg(raw)));
        });
        return;
    }
    if (!pin.isNull()) {
        if (auto hit = reusable(m_cache.lookup(pin))) {
            auto opened = m_cache.open(hit->digest);
            later([done, opened, raw, pin] {
                opened ? done(PullResult{raw, pin, opened.value(), false}) : done(opened.error());
            });
            return;
        }
    }
    // Copying and hashing a file of any size, and looking into a tarball, happen on a pool thread:
    // the caller's event loop (the GUI, a batch of pulls) keeps running meanwhile.
    runInBackground<Result<LocalIngest>>(
        this, [ingestDir = m_cache.ingestDir(), path, raw] { return ingestLocalFile(ingestDir, path, raw); },
        [this, raw, ref, pin, absolute = info.absoluteFilePath(),
         done = std::move(done)](Result<LocalIngest> ingested) mutable {
            if (!ingested) {
                done(ingested.error());
                return;
            }
            const LocalIngest& in = ingested.value();
            CacheEntry e = baseEntry(in.digest, in.sink->size(), raw, referenceKindName(ref.kind()),
                                     QStringLiteral("file://%1@%2").arg(absolute, in.digest.toString()));
            e.mediaType = in.kind.mediaType;
            e.artifactType = in.kind.type;
            e.fetchedFrom = absolute;
            commitIngest(raw, in.sink, e, pin, std::move(done));
        });
}

void DistClient::pullHttps(const QString& raw, const Reference& ref, const Digest& pin, PullDone done)
{
    const QUrl url = ref.url();
    if (!pin.isNull()) {
        if (auto hit = reusable(m_cache.lookup(pin))) {
            auto opened = m_cache.open(hit->digest);
            later([done, opened, raw, pin] {
                opened ? done(PullResult{raw, pin, opened.value(), false}) : done(opened.error());
            });
            return;
        }
    }
    if (m_options.offline) {
        later([done, raw] { done(offlineError(raw, false)); });
        return;
    }
    if (url.scheme() == u"http" && !(m_options.http.allowInsecureLocalHttp && isLoopbackHost(url.host()))) {
        later([done, url] {
            done(makeError(ErrorCode::InvalidInput,
                           QStringLiteral("insecure url `%1`: only https is allowed")
                               .arg(url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo))));
        });
        return;
    }
    auto ingest = IngestFile::openTemporary(m_cache.ingestDir());
    if (!ingest) {
        later([done, e = ingest.error()] { done(e); });
        return;
    }
    std::shared_ptr<IngestFile> sink(std::move(ingest).value());
    HttpRequest req;
    req.url = url;
    req.what = url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment);
    auto* exchange = new HttpExchange(m_nam, nullptr, m_options.http, this);
    m_exchanges.append(exchange);
    exchange->start(
        req, sink.get(),
        [this, raw, ref, sink, pin, done, url](Result<HttpResponse> r) {
            if (!r) {
                sink->discard();
                done(r.error());
                return;
            }
            auto digest = sink->finish();
            if (!digest) {
                sink->discard();
                done(digest.error());
                return;
            }
            QString mediaType = QString::fromLatin1(r->header("Content-Type")).section(u';', 0, 0).trimmed();
            if (mediaType.isEmpty()) {
                mediaType = QStringLiteral("application/wasm");
            }
            const QString clean = url.toString(QUrl::RemoveUserInfo | QUrl::RemoveFragment);
            CacheEntry e = baseEntry(digest.value(), sink->size(), raw, referenceKindName(ref.kind()),
                                     clean + u'@' + digest->toString());
            e.mediaType = mediaType;
            e.artifactType = fileKindFor(url.path()).type;
            e.fetchedFrom = url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment);
            commitIngest(raw, sink, e, pin, done);
        },
        [this, raw](qint64 received, qint64 total) { Q_EMIT progress(raw, received, total); });
}

void DistClient::commitIngest(const QString& raw, std::shared_ptr<IngestFile> ingest, CacheEntry entry,
                              const Digest& pin, PullDone done)
{
    const Digest digest = entry.digest;
    if (!pin.isNull() && pin != digest) {
        ingest->discard();
        later([done, raw, pin, digest] {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("corrupt artifact `%1`: lock digest %2 did not match "
                                          "the content digest %3")
                               .arg(raw, pin.toString(), digest.toString())));
        });
        return;
    }
    if (auto hit = reusable(m_cache.open(digest))) {
        ingest->discard();
        later([done, hit, raw, digest] { done(PullResult{raw, digest, hit.value(), false}); });
        return;
    }
    LockWaiter::acquire(m_cache.lockPath(digest), this,
                        [this, raw, ingest, entry, digest, done](Result<std::shared_ptr<QLockFile>> lock) {
                            if (!lock) {
                                ingest->discard();
                                done(lock.error());
                                return;
                            }
                            clearBroken(m_cache, digest);
                            auto committed = commitAndEnforceCap(*ingest, entry);

                            lock.value()->unlock();
                            if (!committed) {
                                ingest->discard();
                                done(committed.error());
                                return;
                            }
                            done(PullResult{raw, digest, committed.value(), true});
                        });
}

QString DistClient::defaultDownloadName(const QString& mappedReference, const QString& mediaType)
{
    QString name = mappedReference;
    if (name.startsWith(QLatin1String("oci://"))) {
        name = name.mid(6);
    }
    name = name.section(u'@', 0, 0).section(u'/', -1).section(u':', 0, 0);
    QString ext = QStringLiteral(".bin");
    if (mediaType == u"application/json" || mediaType.endsWith(QLatin1String("+json"))) {
        ext = QStringLiteral(".json");
    } else if (mediaType == u"application/wasm") {
        ext = QStringLiteral(".wasm");
    } else if (mediaType.endsWith(QLatin1String("+gzip"))) {
        ext = QStringLiteral(".tgz");
    } else if (mediaType.endsWith(QLatin1String("+zstd"))) {
        ext = QStringLiteral(".tar.zst");
    } else if (mediaType.endsWith(QLatin1String("+zip"))) {
        ext = QStringLiteral(".zip");
    }
    return name + ext;
}

void DistClient::download(const QString& reference, const QString& outputPath,
                          std::function<void(Result<DownloadResult>)> done)
{
    auto ref = Reference::parse(reference);
    if (!ref || ref->kind() != ReferenceKind::Store) {
        later([done] {
            done(makeError(ErrorCode::InvalidInput,
                           QStringLiteral("invalid input: store download requires a store:// reference")));
        });
        return;
    }
    if (m_options.offline) {
        later([done, reference] { done(offlineError(reference, false)); });
        return;
    }
    auto oci = ociFor(ref.value());
    if (!oci) {
        later([done, e = oci.error()] { done(e); });
        return;
    }
    withTenantCredentials(oci.value(), [this, reference, outputPath, oci = oci.value(), done](Result<void> ready) {
        if (!ready) {
            done(ready.error());
            return;
        }
        LayerPolicy any;
        any.anyLayer = true;
        any.platform = m_options.layers.platform;
        m_oci->resolve(oci, any, [this, reference, outputPath, oci, done](Result<OciResolution> res) {
            if (!res) {
                done(res.error());
                return;
            }
            DownloadResult result;
            result.reference = reference;
            result.mappedReference = QStringLiteral("oci://") + oci.toString();
            result.canonicalRef
                = QStringLiteral("oci://%1@%2").arg(oci.repositoryPath(), res->manifestDigest.toString());
            result.digest = res->manifestDigest;
            result.mediaType = res->choice.layer.mediaType;
            result.outputPath
                = QFileInfo(outputPath.isEmpty() ? defaultDownloadName(result.mappedReference, result.mediaType)
                                                 : outputPath)
                      .absoluteFilePath();
            auto ingest = IngestFile::openTemporary(QFileInfo(result.outputPath).absolutePath());
            if (!ingest) {
                done(makeError(ErrorCode::InvalidInput,
                               QStringLiteral("failed to write downloaded artifact: %1").arg(ingest.message())));
                return;
            }
            std::shared_ptr<IngestFile> sink(std::move(ingest).value());
            const OciDescriptor layer = res->choice.layer;
            m_oci->fetchBlob(
                res->reference, layer, sink.get(),
                [sink, layer, result, done](Result<QString> r) mutable {
                    if (!r) {
                        sink->discard();
                        done(r.error());
                        return;
                    }
                    auto digest = sink->finish();
                    if (!digest || digest.value() != layer.digest) {
                        sink->discard();
                        done(digest ? makeError(ErrorCode::Integrity,
                                                QStringLiteral("corrupt artifact `%1`: fetched digest %2 did not match "
                                                               "the layer digest %3")
                                                    .arg(result.reference, digest->toString(), layer.digest.toString()))
                                    : digest.error());
                        return;
                    }
                    result.sizeBytes = sink->size();
                    if (auto moved = AtomicFile::rename(sink->path(), result.outputPath); !moved) {
                        sink->discard();
                        done(makeError(ErrorCode::InvalidInput,
                                       QStringLiteral("failed to write downloaded artifact: %1").arg(moved.message())));
                        return;
                    }
                    done(result);
                },
                [this, reference](qint64 received, qint64 total) { Q_EMIT progress(reference, received, total); });
        });
    });
}

Result<CacheEntry> DistClient::commitAndEnforceCap(IngestFile& ingest, const CacheEntry& entry)
{
    auto committed = m_cache.commit(ingest, entry);
    if (!committed) {
        return committed;
    }
    if (m_cacheBytes) {
        *m_cacheBytes += committed->sizeBytes;
    }
    auto cap = Retention::enforceCap(m_cache, committed->digest, m_options.cacheMaxBytes, &m_cacheBytes);

    if (!cap) {
        return cap.error();
    }
    if (cap->evicted > 0) {
        qCInfo(lcCache).noquote() << "cache over its cap: evicted" << cap->evicted << "entries," << cap->bytesReclaimed
                                  << "bytes";
    }
    return committed;
}

void DistClient::pullAll(const QList<LockEntry>& entries, int jobs, std::function<void(Result<QList<PullResult>>)> done)
{
    struct State
    {
        QList<LockEntry> entries;
        QList<PullResult> results;
        qsizetype next = 0;
        int running = 0;
        int jobs = 1;
        std::optional<Error> error;
        qsizetype errorIndex = -1;
        std::function<void(Result<QList<PullResult>>)> done;
        bool finished = false;
    };
    auto state = std::make_shared<State>();
    state->entries = entries;
    state->results.resize(entries.size());
    state->jobs = std::max(1, jobs);
    state->done = std::move(done);

    // The launcher holds itself only weakly; the pulls in flight hold it strongly, so it is freed
    // with the last of them (even when the caller quits its event loop right after `done`).
    auto launch = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakLaunch = launch;
    *launch = [this, state, weakLaunch] {
        while (state->running < state->jobs && state->next < state->entries.size() && !state->error) {
            const qsizetype i = state->next++;
            ++state->running;
            const LockEntry& e = state->entries.at(i);
            auto onDone = [state, launch = weakLaunch.lock(), i](Result<PullResult> r) {
                --state->running;
                if (r) {
                    state->results[i] = r.value();
                } else if (!state->error || i < state->errorIndex) {
                    state->error = r.error();
                    state->errorIndex = i;
                }
                (*launch)();
            };
            if (e.reference.isEmpty()) {
                pull(e.digest.toString(), e.digest, onDone);
            } else {
                pull(e.reference, e.digest, onDone);
            }
        }
        const bool allStarted = state->next >= state->entries.size() || state->error;
        if (allStarted && state->running == 0 && !state->finished) {
            state->finished = true;
            auto cb = std::move(state->done);
            if (state->error) {
                cb(*state->error);
            } else {
                cb(state->results);
            }
        }
    };
    later([launch] { (*launch)(); });
}

void DistClient::pullPack(const QString& raw, const Reference& ref, const Digest& pin, PullDone done)
{
    m_packs->resolve(ref, pin, [raw, done](Result<ResolvedPack> r) {
        if (!r) {
            done(r.error());
            return;
        }
        done(PullResult{raw, r->digest, r->entry, r->fetched});
    });
}

void DistClient::storePackContent(const QString& raw, const QByteArray& content, const CacheEntry& entry,
                                  std::function<void(Result<CacheEntry>)> done)
{
    auto ingest = IngestFile::openTemporary(m_cache.ingestDir());
    if (!ingest) {
        later([done, e = ingest.error()] { done(e); });
        return;
    }
    std::shared_ptr<IngestFile> sink(std::move(ingest).value());
    if (auto w = sink->write(content); !w) {
        sink->discard();
        later([done, e = w.error()] { done(e); });
        return;
    }
    auto digest = sink->finish();
    if (!digest) {
        sink->discard();
        later([done, e = digest.error()] { done(e); });
        return;
    }
    CacheEntry e = entry;
    e.digest = digest.value();
    commitIngest(raw, sink, e, Digest(), [this, done, e](Result<PullResult> r) {
        if (!r) {
            done(r.error());
            return;
        }
        // The bytes may already have been cached under another name: keep the pack facts current.
        auto updated = m_cache.updateEntry(r->entry.digest, [&e](CacheEntry& stored) {
            bool changed = false;
            for (auto it = e.annotations.cbegin(); it != e.annotations.cend(); ++it) {
                if (stored.annotations.value(it.key()) != it.value()) {
                    stored.annotations.insert(it.key(), it.value());
                    changed = true;
                }
            }
            if (!changed && stored.artifactType == ArtifactType::Pack) {
                return false;
            }
            stored.artifactType = ArtifactType::Pack;
            if (stored.mediaType.isEmpty() || stored.mediaType == u"application/octet-stream") {
                stored.mediaType = e.mediaType;
            }
            return true;
        });
        if (!updated) {
            qCWarning(lcCache).noquote() << "cannot update pack annotations:" << updated.message();
            done(r->entry);
            return;
        }
        done(updated.value());
    });
}

void DistClient::pullYamlPack(const QString& raw, const Reference& ref, const Digest& pin, PullDone done)
{
    if (!pin.isNull() && !ref.digest().isNull() && pin != ref.digest()) {
        later([done, raw, pin] {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("digest mismatch for `%1`: the lockfile pins %2").arg(raw, pin.toString())));
        });
        return;
    }
    const Digest packPin = pin.isNull() ? ref.digest() : pin;
    // Local content is the operator's own: bad YAML there is invalid input. Downloaded content that
    // does not canonicalize cannot be verified: an integrity failure.
    const ErrorCode badContent = ref.kind() == ReferenceKind::File ? ErrorCode::InvalidInput : ErrorCode::Integrity;
    PullDone identify = [this, raw, packPin, badContent, done](Result<PullResult> r) {
        if (!r) {
            done(r.error());
            return;
        }
        QFile f(r->entry.localPath);
        if (!f.open(QIODevice::ReadOnly) || f.size() > PackCanonicalizer::kMaxTotalSize) {
            done(makeError(badContent,
                           QStringLiteral("pack `%1` is unreadable or larger than %2 bytes")
                               .arg(raw)
                               .arg(PackCanonicalizer::kMaxTotalSize)));
            return;
        }
        auto digest = PackCanonicalizer::canonicalDigest(f.readAll(), badContent);
        if (!digest) {
            done(makeError(digest.code(), QStringLiteral("pack `%1`: %2").arg(raw, digest.message())));
            return;
        }
        if (!packPin.isNull() && packPin != digest.value()) {
            done(makeError(ErrorCode::Integrity,
                           QStringLiteral("digest mismatch for `%1`: expected %2, got %3")
                               .arg(raw, packPin.toString(), digest->toString())));
            return;
        }
        PullResult result = r.value();
        result.digest = digest.value();
        if (result.entry.annotations.value(QStringLiteral("assay.pack.digest")) != digest->toString()) {
            const QString packDigest = digest->toString();
            auto updated = m_cache.updateEntry(result.entry.digest, [&packDigest](CacheEntry& e) {
                e.annotations.insert(QStringLiteral("assay.pack.digest"), packDigest);
                e.artifactType = ArtifactType::Pack;
                return true;
            });
            if (updated) {
                result.entry = updated.value();
            } else {
                qCWarning(lcCache).noquote() << "cannot record the pack digest:" << updated.message();
                result.entry.annotations.insert(QStringLiteral("assay.pack.digest"), packDigest);
                result.entry.artifactType = ArtifactType::Pack;
            }
        }
        done(result);
    };
    if (ref.kind() == ReferenceKind::File) {
        pullLocalFile(raw, ref, ref.path(), Digest(), std::move(identify));
    } else {
        pullHttps(raw, ref, Digest(), std::move(identify));
    }
}

} // namespace dist
