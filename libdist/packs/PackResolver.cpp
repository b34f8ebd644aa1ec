// SPDX-License-Identifier: MIT
#include "PackResolver.h"

#include "PackEntries.h"
#include "PackRegistryClient.h"
#include <cache/Cache.h>
#include <config/Settings.h>
#include <core/Logging.h>
#include <core/Sha256.h>
#include <trust/PackCanonicalizer.h>
#include <trust/PackSignature.h>

#include <QDir>
#include <QFileInfo>
#include <QTimer>

namespace dist {

struct PackResolver::Job
{
    Reference ref;
    QString name;
    QString version;
    Digest pin;
    Done done;
    bool fresh = false;

    // What the job reports: its names, the source, the pack digest and the cached copy.
    ResolvedPack resolved(const QString& source, const Digest& digest, const CacheEntry& entry) const
    {
        ResolvedPack p;
        p.reference = ref.raw();
        p.name = name;
        p.version = version;
        p.source = source;
        p.digest = digest;
        p.contentDigest = entry.digest;
        p.entry = entry;
        return p;
    }
    // The same, for a pack the index records (registry URL, signature facts, expiry).
    ResolvedPack resolved(const QString& source, const PackRecord& record, const CacheEntry& entry) const
    {
        ResolvedPack p = resolved(source, record.digest, entry);
        p.registryUrl = record.registryUrl;
        p.contentDigest = record.contentDigest;
        p.signedPack = !record.envelope.isEmpty();
        p.keyId = record.keyId;
        p.policy = record.policy;
        p.expiresAt = record.expiresAt;
        return p;
    }
};

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

QString packRef(const QString& name, const QString& version)
{
    return name + u'@' + version;
}

} // namespace

PackResolverOptions PackResolverOptions::fromEnvironment(const HttpOptions& http)
{
    const Settings settings;
    PackResolverOptions o;
    o.registry = PackRegistryOptions::fromEnvironment(http);
    o.trustRootFiles.append(settings.packTrustRootFiles());
    o.bundledDir = settings.bundledPacksDir();
    return o;
}

PackResolver::PackResolver(QNetworkAccessManager* nam, Cache& cache, const PackResolverOptions& options,
                           const CredentialProvider* credentials, StoreFn store, QObject* parent)
    : QObject(parent)
    , m_nam(nam)
    , m_cache(cache)
    , m_options(options)
    , m_store(std::move(store))
    , m_client(new PackRegistryClient(nam, options.registry, credentials, this))
    , m_trust(PackTrustStore::withBuiltinRoots())
    , m_index(cache.root(), options.registry.registryKey())
{
    for (const QString& file : m_options.trustRootFiles) {
        if (auto r = m_trust.addRootsFromFile(file); !r) {
            m_setupError = r.error();
            break;
        }
    }
    loadCachedKeys();
}

PackResolver::~PackResolver() = default;

void PackResolver::cancelAll()
{
    m_client->cancelAll();
}

void PackResolver::loadCachedKeys()
{
    const auto cached = m_index.readKeys();
    if (!cached) {
        return;
    }
    // Merged as of when it was fetched, so its expiry counts from then.
    if (auto r = m_trust.mergeManifest(cached->body, cached->fetchedAt); !r) {
        qCWarning(lcTrust).noquote() << "ignoring the cached keys manifest:" << r.message();
    }
}

void PackResolver::resolve(const Reference& ref, const Digest& pin, Done done, bool fresh)
{
    auto job = std::make_shared<Job>();
    job->ref = ref;
    job->name = ref.packName();
    job->version = ref.kind() == ReferenceKind::RegistryPack ? ref.packVersion() : QStringLiteral("bundled");
    job->pin = !pin.isNull() ? pin : ref.digest();
    job->done = std::move(done);
    job->fresh = fresh;
    if (!pin.isNull() && !ref.digest().isNull() && pin != ref.digest()) {
        QTimer::singleShot(0, this, [job, pin] {
            job->done(makeError(ErrorCode::Integrity,
                                QStringLiteral("digest mismatch for %1: the reference pins %2, the lockfile %3")
                                    .arg(job->ref.raw(), job->ref.digest().toString(), pin.toString())));
        });
        return;
    }
    if (m_setupError) {
        QTimer::singleShot(0, this, [job, e = *m_setupError] { job->done(e); });
        return;
    }
    switch (ref.kind()) {
    case ReferenceKind::RegistryPack:
        resolveRegistry(job);
        return;
    case ReferenceKind::BundledPack:
        resolveBundled(job);
        return;
    default:
        QTimer::singleShot(0, this, [job] {
            job->done(makeError(ErrorCode::InvalidInput,
                                QStringLiteral("invalid reference `%1`: not a pack reference").arg(job->ref.raw())));
        });
    }
}

void PackResolver::resolveBundled(std::shared_ptr<Job> job)
{
    QString path;
    if (!m_options.bundledDir.isEmpty()) {
        const QDir dir(m_options.bundledDir);
        const QStringList candidates{job->name + QStringLiteral(".yaml"), job->name + QStringLiteral(".yml"),
                                     job->name + QStringLiteral("/pack.yaml")};
        for (const QString& candidate : candidates) {

            if (QFileInfo(dir.filePath(candidate)).isFile()) {
                path = dir.filePath(candidate);
                break;
            }
        }
    }
    if (path.isEmpty()) {
        QTimer::singleShot(0, this, [job, dir = m_options.bundledDir] {
            job->done(
                makeError(ErrorCode::InvalidInput,
                          QStringLiteral("invalid reference `%1`: no such file and no bundled pack of that name%2; "
                                         "a name without a registry host is never sent to Docker Hub (write "
                                         "oci://docker.io/library/%1 for that, or %1@<version> for the pack registry)")
                              .arg(job->name, dir.isEmpty() ? QString() : QStringLiteral(" in ") + dir)));
        });
        return;
    }
    auto content = PackEntries::readBounded(path, QStringLiteral("bundled pack %1").arg(path));
    if (!content) {
        QTimer::singleShot(0, this, [job, e = content.error()] { job->done(e); });
        return;
    }
    auto canonical = PackCanonicalizer::canonicalJson(content.value(), ErrorCode::InvalidInput);
    if (!canonical) {
        QTimer::singleShot(0, this, [job, path, e = canonical.error()] {
            job->done(makeError(e.code, QStringLiteral("bundled pack %1: %2").arg(path, e.message)));
        });
        return;
    }
    const Digest digest = Sha256::hash(canonical.value());
    if (!job->pin.isNull() && job->pin != digest) {
        QTimer::singleShot(0, this, [job, digest] {
            job->done(makeError(ErrorCode::Integrity,
                                QStringLiteral("digest mismatch for %1: expected %2, got %3")
                                    .arg(job->name, job->pin.toString(), digest.toString())));
        });
        return;
    }
    CacheEntry e = PackEntries::fresh(content.value(), job->name, QStringLiteral("BundledPack"),
                                      job->name + QStringLiteral("#") + digest.toString());
    e.fetchedFrom = QFileInfo(path).absoluteFilePath();
    e.annotations.insert(QStringLiteral("assay.pack.name"), job->name);
    e.annotations.insert(QStringLiteral("assay.pack.digest"), digest.toString());
    e.annotations.insert(QStringLiteral("assay.pack.source"), QStringLiteral("bundled"));
    m_store(job->name, content.value(), e, [job, digest](Result<CacheEntry> stored) {
        if (!stored) {
            job->done(stored.error());
            return;
        }
        job->done(job->resolved(QStringLiteral("bundled"), digest, stored.value()));
    });
}

Result<QString> PackResolver::verifyEnvelope(const QByteArray& envelope, const QByteArray& canonical) const
{
    return PackSignature::verifyPack(envelope, canonical, m_trust, now());
}

Result<ResolvedPack> PackResolver::checkCached(const Job& job, const PackRecord& record)
{
    auto entry = m_cache.open(record.contentDigest);
    if (!entry) {
        return makeError(ErrorCode::NotFound, entry.message());
    }
    const auto corrupt = [&](const QString& why) -> Error {
        qCWarning(lcPacks).noquote() << "cached pack" << packRef(job.name, job.version) << why << "- fetching it again";
        (void)m_cache.remove(record.contentDigest);
        m_index.remove(job.name, job.version);
        return makeError(ErrorCode::Cache, why);
    };
    if (entry->state == EntryState::Corrupt) {
        return corrupt(QStringLiteral("was marked corrupt"));
    }
    auto content = PackEntries::readBounded(entry->localPath, QStringLiteral("cached pack"));
    if (!content) {
        return corrupt(content.message());
    }
    if (Sha256::hash(content.value()) != record.contentDigest) {
        return corrupt(QStringLiteral("no longer matches its digest"));
    }
    auto canonical = PackCanonicalizer::signedForm(content.value(), ErrorCode::Integrity);
    if (!canonical || Sha256::hash(canonical.value()) != record.digest) {
        return corrupt(QStringLiteral("no longer has its canonical digest"));
    }
    const QString ref = packRef(job.name, job.version);
    QString keyId;
    if (!record.envelope.isEmpty()) {
        auto verified = verifyEnvelope(record.envelope, canonical.value());
        if (!verified) {
            return makeError(ErrorCode::Integrity, QStringLiteral("cached pack %1: %2").arg(ref, verified.message()));
        }
        keyId = verified.value();
    } else if (record.policy == u"commercial") {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("cached pack %1 is a commercial pack without a signature").arg(ref));
    } else if (!m_options.allowUnsigned) {
        return makeError(
            ErrorCode::Integrity,
            QStringLiteral("pack is unsigned: %1 (pass --allow-unsigned to accept unsigned packs)").arg(ref));
    }
    ResolvedPack p = job.resolved(QStringLiteral("cache"), record, entry.value());
    p.keyId = keyId;
    return p;
}

void PackResolver::resolveRegistry(std::shared_ptr<Job> job)
{
    std::optional<PackRecord> record = m_options.noCache ? std::nullopt : m_index.read(job->name, job->version);
    if (record && !job->pin.isNull() && record->digest != job->pin) {
        // The lockfile pins other content than the cache holds: ask the registry what it serves now.
        qCInfo(lcPacks).noquote() << "cached" << packRef(job->name, job->version) << "is" << record->digest.toString()
                                  << "but the pin is" << job->pin.toString() << "- fetching";
        record.reset();
    }
    if (record) {
        auto hit = checkCached(*job, *record);
        if (hit) {
            if ((!record->isExpired(now()) && !job->fresh) || m_options.offline) {
                QTimer::singleShot(0, this, [job, hit] { job->done(hit); });
                return;
            }
            fetch(job, record->etag, record); // expired, or asked to: revalidate
            return;
        }
        if (hit.code() == ErrorCode::Integrity && m_options.offline) {
            QTimer::singleShot(0, this, [job, e = hit.error()] { job->done(e); });
            return;
        }
        if (hit.code() == ErrorCode::Integrity) {
            qCInfo(lcPacks).noquote() << hit.message() << "- fetching a fresh copy";
        }
    }
    if (m_options.offline) {
        QTimer::singleShot(0, this, [job] {
            job->done(makeError(ErrorCode::Offline,
                                QStringLiteral("offline: pack %1 is not in the cache and the network is off")
                                    .arg(packRef(job->name, job->version))));
        });
        return;
    }
    fetch(job, QByteArray(), std::nullopt);
}

void PackResolver::fetch(std::shared_ptr<Job> job, const QByteArray& etag, std::optional<PackRecord> cached)
{
    m_client->fetchPack(job->name, job->version, etag, [this, job, cached](Result<PackFetch> r) {
        if (!r) {
            job->done(r.error());
            return;
        }
        if (r->notModified) {
            if (!cached) {
                job->done(
                    makeError(ErrorCode::Protocol, QStringLiteral("invalid response: 304 without a cached copy")));
                return;
            }
            // Still current: extend the expiry (assay leaves it expired and then fails the next read).
            PackRecord record = *cached;
            record.expiresAt = now().addSecs(PackIndex::maxAgeSecs(r->cacheControl));
            if (!r->etag.isEmpty()) {
                record.etag = r->etag;
            }
            if (auto w = m_index.write(record); !w) {
                qCWarning(lcPacks).noquote() << "cannot record revalidation:" << w.message();
            }
            auto hit = checkCached(*job, record);
            if (!hit) {
                // The copy went bad between the check and the 304: fetch it whole.
                fetch(job, QByteArray(), std::nullopt);
                return;
            }
            job->done(hit);
            return;
        }
        onFetched(job, std::move(r).value());
    });
}

void PackResolver::onFetched(std::shared_ptr<Job> job, PackFetch fetched)
{
    const QString ref = packRef(job->name, job->version);
    auto canonical = PackCanonicalizer::signedForm(fetched.content, ErrorCode::Integrity);
    if (!canonical) {
        job->done(makeError(ErrorCode::Integrity,
                            QStringLiteral("pack %1 cannot be verified: %2").arg(ref, canonical.message())));
        return;
    }
    const Digest digest = Sha256::hash(canonical.value());
    if (!fetched.packDigest.isEmpty() && fetched.packDigest != digest.toString()) {
        job->done(
            makeError(ErrorCode::Integrity,
                      QStringLiteral("digest mismatch for %1: the registry's X-Pack-Digest is %2, the content is %3")
                          .arg(ref, fetched.packDigest, digest.toString())));
        return;
    }
    if (!job->pin.isNull() && job->pin != digest) {
        job->done(makeError(ErrorCode::Integrity,
                            QStringLiteral("digest mismatch for %1: expected %2, got %3")
                                .arg(ref, job->pin.toString(), digest.toString())));
        return;
    }
    auto fetch = std::make_shared<PackFetch>(std::move(fetched));
    if (!fetch->signatureHeader.isEmpty()) {
        auto envelope = PackSignature::envelopeFromHeader(fetch->signatureHeader);
        if (!envelope) {
            job->done(makeError(ErrorCode::Integrity, QStringLiteral("pack %1: %2").arg(ref, envelope.message())));
            return;
        }
        verifySignature(job, fetch, canonical.value(), digest, envelope.value(), false);
        return;
    }
    // No header (large packs): the .sig sidecar. Its absence means unsigned; its failure is an error.
    m_client->signature(
        job->name, job->version,
        [this, job, fetch, canonical = canonical.value(), digest](Result<std::optional<QByteArray>> sig) {
            if (!sig) {
                job->done(sig.error());
                return;
            }
            verifySignature(job, fetch, canonical, digest, sig->value_or(QByteArray()), false);
        });
}

bool PackResolver::shouldRefreshKeysFor(const QByteArray& envelope) const
{
    if (m_options.offline || m_keysFetchedThisRun) {
        return false;
    }
    const QList<PackKey> keys = m_trust.keys();
    for (const QString& id : PackSignature::keyIds(envelope)) {
        const auto it = std::find_if(keys.begin(), keys.end(), [&id](const PackKey& k) { return k.keyId == id; });
        if (it == keys.end() && !m_trust.isRevoked(id)) {
            return true; // unknown: maybe a key the registry added since we last looked
        }
        if (it != keys.end() && !it->pinned && m_trust.needsRefresh(now())) {
            return true; // a manifest key, and our manifest is stale: it may have been revoked
        }
    }
    return false;
}

void PackResolver::verifySignature(std::shared_ptr<Job> job, std::shared_ptr<PackFetch> fetch, QByteArray canonical,
                                   Digest digest, QByteArray envelope, bool keysRefreshed)
{
    const QString ref = packRef(job->name, job->version);
    if (envelope.isEmpty()) {
        if (fetch->policy == u"commercial") {
            job->done(
                makeError(ErrorCode::Integrity,
                          QStringLiteral("pack %1 is a commercial pack but the registry sent no signature").arg(ref)));
            return;
        }
        if (!m_options.allowUnsigned) {
            job->done(makeError(
                ErrorCode::Integrity,
                QStringLiteral("pack is unsigned: %1 (pass --allow-unsigned to accept unsigned packs)").arg(ref)));
            return;
        }
        qCWarning(lcPacks).noquote() << "accepting unsigned pack" << ref << "(--allow-unsigned)";
        store(job, fetch, digest, QByteArray(), QString());
        return;
    }
    if (!keysRefreshed && shouldRefreshKeysFor(envelope)) {
        refreshKeys([this, job, fetch, canonical, digest, envelope](Result<KeysMergeReport> r) {
            if (!r && r.code() == ErrorCode::Integrity) {
                // A manifest that fails its own signature taints the registry: stop here.
                job->done(makeError(ErrorCode::Integrity,
                                    QStringLiteral("pack %1: %2").arg(packRef(job->name, job->version), r.message())));
                return;
            }
            if (!r) {
                qCWarning(lcTrust).noquote() << "could not refresh the registry's keys:" << r.message();
            }
            verifySignature(job, fetch, canonical, digest, envelope, true);
        });
        return;
    }
    auto keyId = verifyEnvelope(envelope, canonical);
    if (!keyId) {
        job->done(makeError(ErrorCode::Integrity, QStringLiteral("pack %1: %2").arg(ref, keyId.message())));
        return;
    }
    if (!fetch->keyId.isEmpty() && fetch->keyId != keyId.value()) {
        qCInfo(lcTrust).noquote() << "X-Pack-Key-Id" << fetch->keyId << "differs from the key that verified"
                                  << keyId.value();
    }
    store(job, fetch, digest, envelope, keyId.value());
}

void PackResolver::store(std::shared_ptr<Job> job, std::shared_ptr<PackFetch> fetch, Digest digest, QByteArray envelope,
                         QString keyId)
{
    const QString ref = packRef(job->name, job->version);
    const QDateTime fetchedAt = now();
    PackRecord record;
    record.name = job->name;
    record.version = job->version;
    record.registryUrl = m_client->baseUrlText();
    record.digest = digest;
    record.etag = fetch->etag;
    record.fetchedAt = fetchedAt;
    record.expiresAt = fetchedAt.addSecs(PackIndex::maxAgeSecs(fetch->cacheControl));
    record.keyId = keyId;
    record.envelope = envelope;
    record.policy = fetch->policy;

    const CacheEntry e = PackEntries::fromRegistry(ref, *fetch, record);
    m_store(ref, fetch->content, e, [this, job, record, fetch](Result<CacheEntry> stored) mutable {
        if (!stored) {
            job->done(stored.error());
            return;
        }
        record.contentDigest = stored->digest;
        if (auto w = m_index.write(record); !w) {
            job->done(w.error());
            return;
        }
        ResolvedPack p = job->resolved(QStringLiteral("registry"), record, stored.value());
        p.fetched = true;
        job->done(p);
    });
}

void PackResolver::refreshKeys(std::function<void(Result<KeysMergeReport>)> done)
{
    if (m_options.offline) {
        QTimer::singleShot(0, this, [done] {
            done(makeError(ErrorCode::Offline, QStringLiteral("offline: the keys manifest needs the network")));
        });
        return;
    }
    m_client->keys([this, done](Result<QByteArray> body) {
        if (!body) {
            done(body.error());
            return;
        }
        const QDateTime fetchedAt = now();
        auto report = m_trust.mergeManifest(body.value(), fetchedAt);
        if (!report) {
            done(report.error());
            return;
        }
        m_keysFetchedThisRun = true;
        if (auto w = m_index.writeKeys(body.value(), fetchedAt); !w) {
            qCWarning(lcTrust).noquote() << "cannot remember the keys manifest:" << w.message();
        }
        done(report);
    });
}

} // namespace dist
