// SPDX-License-Identifier: MIT
#include "CacheExporter.h"

#include "OciLayoutFiles.h"
#include <cache/Cache.h>
#include <core/AtomicFile.h>
#include <core/Logging.h>
#include <core/Sha256.h>
#include <oci/OciManifest.h>
#include <ref/Reference.h>
#include <trust/CosignSignature.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace dist {

// One blob of the layout: a cache entry's blob (path) or a kept manifest/config (bytes).
struct LayoutBlob
{
    Digest digest;
    qint64 size = 0;
    QString path;
    QByteArray bytes;
};

namespace {

struct Fd
{
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

Error ioError(const QString& what, const QString& path)
{
    return makeError(
        ErrorCode::Io,
        QStringLiteral("cannot %1 `%2`: %3").arg(what, path, QString::fromLocal8Bit(std::strerror(errno))));
}

QJsonObject descriptorJson(const QString& mediaType, const Digest& d, qint64 size, const QString& artifactType,
                           const QJsonObject& annotations)
{
    QJsonObject o{{QStringLiteral("mediaType"), mediaType},
                  {QStringLiteral("digest"), d.toString()},
                  {QStringLiteral("size"), size}};
    if (!artifactType.isEmpty()) {
        o.insert(QStringLiteral("artifactType"), artifactType);
    }
    if (!annotations.isEmpty()) {
        o.insert(QStringLiteral("annotations"), annotations);
    }
    return o;
}

// The repository an entry came from, from its canonical reference (oci://repo@manifest) or the
// reference it was pulled by.
std::optional<OciReference> repositoryOf(const CacheEntry& e)
{
    for (const QString& text : {e.canonicalRef, e.rawRef}) {
        auto ref = Reference::parse(text);
        if (ref && ref->kind() == ReferenceKind::Oci) {
            return ref->oci();
        }
    }
    return std::nullopt;
}

} // namespace

struct CacheExporter::Plan
{
    QList<ExportedArtifact> artifacts;
    QList<QJsonObject> descriptors; // index.json's manifests, one per artifact
    QList<QList<int>> blobsOf; // per artifact, indexes into blobs
    QList<LayoutBlob> blobs; // each digest once
    QHash<Digest, int> blobIndex;
    QSet<QString> names;
    QSet<Digest> entries; // entries already planned (a digest asked for twice goes in once)
    QList<ExportSkip> skipped;

    // One artifact: its descriptor in index.json and its blobs, each blob stored once.
    void add(ExportedArtifact artifact, const QList<LayoutBlob>& needed, const QJsonObject& descriptor)
    {
        QList<int> indexes;
        for (const LayoutBlob& b : needed) {
            artifact.bytes += b.size;
            auto at = blobIndex.constFind(b.digest);
            if (at == blobIndex.constEnd()) {
                at = blobIndex.insert(b.digest, int(blobs.size()));
                blobs.append(b);
            }
            indexes.append(at.value());
        }
        artifacts.append(artifact);
        blobsOf.append(indexes);
        descriptors.append(descriptor);
    }
};

CacheExporter::CacheExporter(const Cache& cache)
    : m_cache(cache)
{
}

Result<void> CacheExporter::planEntry(const CacheEntry& entry, Plan& plan) const
{
    const QString what = entry.rawRef.isEmpty() ? entry.digest.toString() : entry.rawRef;
    auto top = Digest::parse(entry.manifestDigest);
    if (entry.manifestDigest.isEmpty() || !top) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("`%1` was not pulled from an OCI registry (source %2); only OCI artifacts "
                                        "can be exported")
                             .arg(what, entry.sourceKind));
    }
    auto repository = repositoryOf(entry);
    if (!repository) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("`%1` names no OCI repository").arg(what));
    }

    QList<LayoutBlob> blobs; // what this artifact needs, committed to the plan only if all is there
    QSet<Digest> seen;
    auto needMetadata = [&](const Digest& d) -> Result<QByteArray> {
        auto bytes = m_cache.metadata(d);
        if (!bytes) {
            if (bytes.code() == ErrorCode::NotFound) {
                return makeError(ErrorCode::NotFound,
                                 QStringLiteral("the cache holds no copy of %1 for `%2` (it was pulled by an older "
                                                "version); pull it again to export it")
                                     .arg(d.toString(), what));
            }
            return bytes.error();
        }
        if (!seen.contains(d)) {
            seen.insert(d);
            blobs.append(LayoutBlob{d, bytes->size(), QString(), bytes.value()});
        }
        return bytes;
    };
    auto needLayer = [&](const OciDescriptor& layer) -> Result<void> {
        if (seen.contains(layer.digest)) {
            return {};
        }
        if (auto held = m_cache.stat(layer.digest); held && held->state == EntryState::Ready) {
            if (held->sizeBytes != layer.size) {
                return makeError(ErrorCode::Integrity,
                                 QStringLiteral("cache entry %1 is %2 bytes, its manifest says %3")
                                     .arg(layer.digest.toString())
                                     .arg(held->sizeBytes)
                                     .arg(layer.size));
            }
            seen.insert(layer.digest);
            blobs.append(LayoutBlob{layer.digest, layer.size, m_cache.blobPath(layer.digest), {}});
            return {};
        }
        if (m_cache.hasMetadata(layer.digest)) {
            if (auto small = needMetadata(layer.digest); !small) {
                return small.error();
            }
            return {};
        }
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("layer %1 of `%2` is not in the cache (a pull keeps only the artifact's own "
                                        "layer)")
                             .arg(layer.digest.toString(), what));
    };
    auto needImage = [&](const Digest& d) -> Result<OciManifest> {
        auto bytes = needMetadata(d);
        if (!bytes) {
            return bytes.error();
        }
        auto image = OciManifest::parse(bytes.value(), MediaTypes::OciManifest);
        if (!image) {
            return image.error();
        }
        if (image->isIndex()) {
            return makeError(ErrorCode::Protocol, QStringLiteral("nested image indexes are not supported"));
        }
        if (auto config = needMetadata(image->config.digest); !config) {
            return config.error();
        }
        for (const OciDescriptor& layer : std::as_const(image->layers)) {
            if (auto held = needLayer(layer); !held) {
                return held.error();
            }
        }
        return image;
    };

    auto topBytes = needMetadata(top.value());
    if (!topBytes) {
        return topBytes.error();
    }
    blobs.clear(); // an image manifest is added again by needImage, an index below
    seen.clear();
    auto topManifest = OciManifest::parse(topBytes.value(), entry.manifestMediaType);
    if (!topManifest) {
        return topManifest.error();
    }
    Digest described = top.value();
    QString mediaType = topManifest->mediaType;
    qint64 size = topBytes->size();
    QString artifactType = topManifest->artifactType;
    QJsonObject annotations;
    if (!topManifest->isIndex()) {
        if (auto image = needImage(top.value()); !image) {
            return image.error();
        }
    } else {
        // The whole index goes if every platform is here; usually only the one that was pulled is, and
        // that manifest stands in for the index (marked so an import maps the index digest too).
        const QList<LayoutBlob> before = blobs;
        const QSet<Digest> seenBefore = seen;
        bool whole = true;
        (void)needMetadata(top.value());
        for (const OciDescriptor& child : std::as_const(topManifest->manifests)) {
            if (!needImage(child.digest)) {
                whole = false;
                break;
            }
        }
        if (!whole) {
            blobs = before;
            seen = seenBefore;
            auto platform = Digest::parse(entry.platformManifestDigest);
            if (!platform) {
                return makeError(ErrorCode::NotFound,
                                 QStringLiteral("`%1` is an index and the cache does not record which manifest was "
                                                "pulled from it")
                                     .arg(what));
            }
            auto image = needImage(platform.value());
            if (!image) {
                return image.error();
            }
            // The index itself goes in as a blob (index.json does not name it), so an import can check
            // that it lists this manifest before it lets the index digest lead here.
            if (auto index = needMetadata(top.value()); !index) {
                return index.error();
            }
            described = platform.value();
            mediaType = image->mediaType;
            const auto platformBytes = m_cache.metadata(platform.value());
            size = platformBytes ? platformBytes->size() : 0;
            artifactType = image->artifactType;
            annotations.insert(OciLayoutFiles::PinnedIndex, top->toString());
        }
    }

    // The tag it was pulled by if it has one and no other artifact has taken it, else the digest.
    QString name = repository->repositoryPath() + u'@' + described.toString();
    if (auto raw = Reference::parse(entry.rawRef); raw && raw->kind() == ReferenceKind::Oci
        && !raw->oci().isDigestPinned() && !plan.names.contains(Cache::tagName(raw->oci()))) {
        name = Cache::tagName(raw->oci());
    }
    plan.names.insert(name);
    annotations.insert(OciLayoutFiles::RefName, name);

    plan.add(ExportedArtifact{name, described, entry.digest, entry.artifactMediaType, 0}, blobs,
             descriptorJson(mediaType, described, size, artifactType, annotations));
    planSignature(repository.value(), top.value(), plan);
    return {};
}

void CacheExporter::planSignature(const OciReference& repository, const Digest& signed_, Plan& plan) const
{
    // The cosign signature a verified pull kept travels with the artifact, under its tag, so the
    // far side can check it offline.
    auto tag = OciReference::parse(repository.repositoryPath() + u':' + Cosign::signatureTag(signed_));
    if (!tag) {
        return;
    }
    const QString name = Cache::tagName(tag.value());
    const auto manifest = m_cache.taggedManifest(tag.value());
    if (!manifest || plan.names.contains(name)) {
        return;
    }
    auto bytes = m_cache.metadata(*manifest);
    auto parsed
        = bytes ? OciManifest::parse(bytes.value(), MediaTypes::OciManifest) : Result<OciManifest>(bytes.error());
    if (!parsed || parsed->isIndex()) {
        return;
    }
    QList<LayoutBlob> blobs{LayoutBlob{*manifest, bytes->size(), QString(), bytes.value()}};
    QList<OciDescriptor> needed = parsed->layers;
    needed.prepend(parsed->config);
    for (const OciDescriptor& d : std::as_const(needed)) {
        auto small = m_cache.metadata(d.digest);
        if (!small) {
            qCInfo(lcClient).noquote() << "the signature of" << repository.repositoryPath() << "lacks"
                                       << d.digest.toString() << "and is not exported";
            return;
        }
        blobs.append(LayoutBlob{d.digest, small->size(), QString(), small.value()});
    }
    plan.names.insert(name);
    plan.add(ExportedArtifact{name, *manifest, Digest(), Cosign::SignatureArtifactType, 0}, blobs,
             descriptorJson(parsed->mediaType, *manifest, bytes->size(), parsed->artifactType,
                            QJsonObject{{OciLayoutFiles::RefName, name}}));
}

Result<CacheExporter::Plan> CacheExporter::plan(const ExportRequest& request) const
{
    Plan plan;
    QList<CacheEntry> chosen;
    auto add = [&](const Digest& d, const QString& asked) -> Result<void> {
        auto entry = m_cache.lookup(d);
        if (!entry) {
            if (entry.code() == ErrorCode::NotFound) {
                return makeError(ErrorCode::NotFound, QStringLiteral("`%1` is not in the cache").arg(asked));
            }
            return entry.error();
        }
        if (!plan.entries.contains(entry->digest)) {
            plan.entries.insert(entry->digest);
            chosen.append(entry.value());
        }
        return {};
    };
    if (request.all) {
        QStringList problems;
        chosen = m_cache.entries(&problems);
        for (const QString& p : std::as_const(problems)) {
            plan.skipped.append(ExportSkip{QString(), p});
        }
    }
    for (const Digest& d : request.digests) {
        if (auto r = add(d, d.toString()); !r) {
            return r.error();
        }
    }
    for (const LockEntry& l : request.lock) {
        Digest d = l.digest;
        if (d.isNull()) {
            auto ref = Reference::parse(l.reference);
            if (ref && ref->kind() == ReferenceKind::Oci && ref->oci().isDigestPinned()) {
                d = ref->oci().digest();
            }
        }
        if (d.isNull()) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("lock entry `%1` pins no digest; export needs pinned entries")
                                 .arg(l.reference.isEmpty() ? l.name : l.reference));
        }
        if (auto r = add(d, l.reference.isEmpty() ? d.toString() : l.reference); !r) {
            return r.error();
        }
    }
    if (!request.all) {
        // What was pulled with --with-referrers goes with its subject.
        QSet<QString> subjects;
        for (const CacheEntry& e : std::as_const(chosen)) {
            subjects.insert(e.manifestDigest);
        }
        for (const CacheEntry& e : m_cache.entries()) {
            if (!e.subjectDigest.isEmpty() && subjects.contains(e.subjectDigest) && !plan.entries.contains(e.digest)) {
                plan.entries.insert(e.digest);
                chosen.append(e);
            }
        }
    }
    // Newest first, so a tag pulled twice names the copy pulled last.
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](const CacheEntry& a, const CacheEntry& b) { return a.fetchedAt > b.fetchedAt; });
    for (const CacheEntry& e : std::as_const(chosen)) {
        if (e.state != EntryState::Ready) {
            const Error bad = makeError(ErrorCode::Integrity,
                                        QStringLiteral("`%1` is %2 in the cache; run `greentic-dist cache verify`")
                                            .arg(e.digest.toString(), entryStateName(e.state)));
            if (!request.all) {
                return bad;
            }
            plan.skipped.append(ExportSkip{e.digest.toString(), bad.message});
            continue;
        }
        if (auto r = planEntry(e, plan); !r) {
            if (!request.all || plan.entries.contains(e.digest)) {
                return r.error();
            }
            plan.skipped.append(ExportSkip{e.digest.toString(), r.message()});
        }
    }
    if (plan.artifacts.isEmpty()) {
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("nothing to export: the cache holds no OCI artifact%1")
                             .arg(request.all ? QString() : QStringLiteral(" of those asked for")));
    }
    return plan;
}

namespace {

class LayoutSink
{
public:
    virtual ~LayoutSink() = default;
    virtual Result<void> begin() = 0;
    virtual Result<void> addBytes(const QString& name, const QByteArray& bytes) = 0;
    virtual Result<void> addFile(const QString& name, int fd, qint64 size, bool verify, const Digest& digest) = 0;
    virtual Result<void> finish() = 0;
};

Result<void> checkVerified(const Result<Digest>& copied, bool verify, const Digest& digest)
{
    if (!copied) {
        return copied.error();
    }
    if (verify && copied.value() != digest) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("cache entry %1 does not hash to its digest (%2); run `greentic-dist cache "
                                        "verify`")
                             .arg(digest.toString(), copied->toString()));
    }
    return {};
}

class DirectorySink final : public LayoutSink
{
public:
    explicit DirectorySink(QString dir)
        : m_dir(std::move(dir))
    {
    }
    Result<void> begin() override
    {
        if (!QDir().mkpath(m_dir + QStringLiteral("/blobs/sha256"))) {
            return makeError(ErrorCode::Io, QStringLiteral("cannot create `%1`").arg(m_dir));
        }
        return {};
    }
    Result<void> addBytes(const QString& name, const QByteArray& bytes) override
    {
        const QString path = m_dir + u'/' + name;
        Fd out{::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
        if (out.fd < 0) {
            return ioError(QStringLiteral("create"), path);
        }
        for (qint64 off = 0; off < bytes.size();) {
            const ssize_t w = ::write(out.fd, bytes.constData() + off, size_t(bytes.size() - off));
            if (w < 0 && errno != EINTR) {
                return ioError(QStringLiteral("write"), path);
            }
            off += std::max<ssize_t>(w, 0);
        }
        if (!AtomicFile::syncFile(out.fd)) {
            return ioError(QStringLiteral("sync"), path);
        }
        return {};
    }
    Result<void> addFile(const QString& name, int fd, qint64 size, bool verify, const Digest& digest) override
    {
        const QString path = m_dir + u'/' + name;
        Fd out{::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
        if (out.fd < 0) {
            return ioError(QStringLiteral("create"), path);
        }
        if (auto r
            = checkVerified(OciLayoutFiles::copyFile(fd, out.fd, size, verify, digest.toString()), verify, digest);
            !r) {
            return r;
        }
        if (!AtomicFile::syncFile(out.fd)) {
            return ioError(QStringLiteral("sync"), path);
        }
        return {};
    }
    Result<void> finish() override
    {
        AtomicFile::syncDirectory(m_dir + QStringLiteral("/blobs/sha256"));
        AtomicFile::syncDirectory(m_dir);
        return {};
    }

private:
    QString m_dir;
};

class TarSink final : public LayoutSink
{
public:
    explicit TarSink(QString file)
        : m_file(std::move(file))
    {
    }
    ~TarSink() override
    {
        if (m_archive) {
            archive_write_free(m_archive);
        }
    }
    Result<void> begin() override
    {
        m_out.fd = ::open(QFile::encodeName(m_file).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (m_out.fd < 0) {
            return ioError(QStringLiteral("create"), m_file);
        }
        m_archive = archive_write_new();
        // pax only where ustar cannot say it (a blob over 8 GiB); plain tar otherwise.
        if (archive_write_set_format_pax_restricted(m_archive) != ARCHIVE_OK
            || archive_write_add_filter_none(m_archive) != ARCHIVE_OK
            || archive_write_set_bytes_in_last_block(m_archive, 1) != ARCHIVE_OK
            || archive_write_open_fd(m_archive, m_out.fd) != ARCHIVE_OK) {
            return failed();
        }
        for (const QString& dir : {QStringLiteral("blobs/"), QStringLiteral("blobs/sha256/")}) {
            if (auto r = header(dir, 0, AE_IFDIR, 0755); !r) {
                return r;
            }
        }
        return {};
    }
    Result<void> addBytes(const QString& name, const QByteArray& bytes) override
    {
        if (auto r = header(name, bytes.size(), AE_IFREG, 0644); !r) {
            return r;
        }
        if (archive_write_data(m_archive, bytes.constData(), size_t(bytes.size())) != bytes.size()) {
            return failed();
        }
        return {};
    }
    Result<void> addFile(const QString& name, int fd, qint64 size, bool verify, const Digest& digest) override
    {
        if (auto r = header(name, size, AE_IFREG, 0644); !r) {
            return r;
        }
        constexpr qint64 chunk = qint64(1) << 20;
        std::unique_ptr<char[]> buffer(new char[chunk]);
        Sha256 sha;
        for (qint64 remaining = size; remaining > 0;) {
            const ssize_t n = ::read(fd, buffer.get(), size_t(std::min(chunk, remaining)));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                return n < 0 ? ioError(QStringLiteral("read"), digest.toString())
                             : makeError(ErrorCode::Integrity,
                                         QStringLiteral("cache entry %1 is shorter than its "
                                                        "recorded size")
                                             .arg(digest.toString()));
            }
            if (verify) {
                sha.addData(buffer.get(), n);
            }
            if (archive_write_data(m_archive, buffer.get(), size_t(n)) != n) {
                return failed();
            }
            remaining -= n;
        }
        return checkVerified(verify ? Result<Digest>(sha.finalize()) : Result<Digest>(Digest()), verify, digest);
    }
    Result<void> finish() override
    {
        if (archive_write_close(m_archive) != ARCHIVE_OK) {
            return failed();
        }
        if (!AtomicFile::syncFile(m_out.fd)) {
            return ioError(QStringLiteral("sync"), m_file);
        }
        return {};
    }

private:
    Result<void> header(const QString& name, qint64 size, unsigned type, int mode)
    {
        std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
        archive_entry_set_pathname(e.get(), name.toUtf8().constData());
        archive_entry_set_size(e.get(), size);
        archive_entry_set_filetype(e.get(), type);
        archive_entry_set_perm(e.get(), mode_t(mode));
        archive_entry_set_mtime(e.get(), m_now, 0);
        if (archive_write_header(m_archive, e.get()) != ARCHIVE_OK) {
            return failed();
        }
        return {};
    }
    Error failed() const
    {
        return makeError(ErrorCode::Io,
                         QStringLiteral("cannot write `%1`: %2")
                             .arg(m_file, QString::fromLocal8Bit(archive_error_string(m_archive))));
    }

    QString m_file;
    Fd m_out;
    struct archive* m_archive = nullptr;
    qint64 m_now = QDateTime::currentSecsSinceEpoch();
};

} // namespace

Result<ExportReport> CacheExporter::run(const ExportRequest& request, const Progress& progress) const
{
    const QFileInfo target(request.to);
    const bool archive = request.to.endsWith(QLatin1String(".tar"));
    if (request.to.isEmpty()) {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("say where to export to (--to DIR or FILE.tar)"));
    }
    const bool emptyDir = target.isDir() && !target.isSymLink()
        && QDir(request.to).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
    if (target.exists() && (archive || !emptyDir)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("`%1` already exists; export into a new %2")
                             .arg(request.to, archive ? QStringLiteral("file") : QStringLiteral("directory")));
    }
    if (!target.absoluteDir().exists()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("the directory `%1` does not exist").arg(target.absolutePath()));
    }
    auto planned = plan(request);
    if (!planned) {
        return planned.error();
    }
    const Plan& p = planned.value();

    // Beside the target, so the final rename stays on one file system.
    const QString staging = target.absolutePath() + QStringLiteral("/.") + target.fileName()
        + QStringLiteral(".export-") + QString::number(QRandomGenerator::global()->generate64(), 16);
    std::unique_ptr<LayoutSink> sink;
    if (archive) {
        sink = std::make_unique<TarSink>(staging);
    } else {
        sink = std::make_unique<DirectorySink>(staging);
    }
    auto cleanup = qScopeGuard([&staging, archive] {
        if (archive) {
            QFile::remove(staging);
        } else {
            QDir(staging).removeRecursively();
        }
    });

    QJsonArray manifests;
    for (const QJsonObject& d : p.descriptors) {
        manifests.append(d);
    }
    const QByteArray index = QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 2},
                                                       {QStringLiteral("mediaType"), MediaTypes::OciIndex},
                                                       {QStringLiteral("manifests"), manifests}})
                                 .toJson(QJsonDocument::Compact);
    if (auto r = sink->begin(); !r) {
        return r.error();
    }
    // The small documents first: a reader of the tar knows what to expect before the big blobs come.
    if (auto r = sink->addBytes(OciLayoutFiles::LayoutFile, OciLayoutFiles::layoutDocument()); !r) {
        return r.error();
    }
    if (auto r = sink->addBytes(OciLayoutFiles::IndexFile, index); !r) {
        return r.error();
    }

    ExportReport report;
    report.to = request.to;
    report.archive = archive;
    report.skipped = p.skipped;
    QList<bool> written(p.blobs.size(), false);
    for (qsizetype a = 0; a < p.artifacts.size(); ++a) {
        for (int i : p.blobsOf.at(a)) {
            if (written[i]) {
                continue;
            }
            written[i] = true;
            const LayoutBlob& b = p.blobs.at(i);
            const QString name = OciLayoutFiles::blobRelativePath(b.digest);
            if (b.path.isEmpty()) {
                if (auto r = sink->addBytes(name, b.bytes); !r) {
                    return r.error();
                }
            } else {
                Fd in{::open(QFile::encodeName(b.path).constData(), O_RDONLY | O_CLOEXEC)};
                struct stat st = {};
                if (in.fd < 0 || ::fstat(in.fd, &st) != 0) {
                    return makeError(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Io,
                                     QStringLiteral("cannot read cache entry %1 (%2); was it evicted meanwhile?")
                                         .arg(b.digest.toString(), QString::fromLocal8Bit(std::strerror(errno))));
                }
                if (st.st_size != b.size) {
                    return makeError(ErrorCode::Integrity,
                                     QStringLiteral("cache entry %1 is %2 bytes, not %3; run `greentic-dist cache "
                                                    "verify`")
                                         .arg(b.digest.toString())
                                         .arg(qint64(st.st_size))
                                         .arg(b.size));
                }
                if (auto r = sink->addFile(name, in.fd, b.size, request.verify, b.digest); !r) {
                    return r.error();
                }
            }
            report.blobs += 1;
            report.bytes += b.size;
        }
        report.artifacts.append(p.artifacts.at(a));
        if (progress) {
            progress(p.artifacts.at(a), int(a + 1), int(p.artifacts.size()));
        }
    }
    if (auto r = sink->finish(); !r) {
        return r.error();
    }
    // Onto an empty directory rename(2) swaps atomically; otherwise nothing that appeared at the
    // target since the check is ever overwritten.
    const QByteArray from = QFile::encodeName(staging);
    const QByteArray to = QFile::encodeName(request.to);
    if (::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), emptyDir ? 0 : RENAME_NOREPLACE) != 0) {
        return makeError(errno == EEXIST || errno == ENOTEMPTY ? ErrorCode::InvalidInput : ErrorCode::Io,
                         QStringLiteral("cannot move the export into place at `%1`: %2")
                             .arg(request.to, QString::fromLocal8Bit(std::strerror(errno))));
    }
    cleanup.dismiss();
    AtomicFile::syncDirectory(target.absolutePath());
    qCInfo(lcClient).noquote() << "exported" << report.artifacts.size() << "artifacts," << report.bytes << "bytes to"
                               << request.to;
    return report;
}

} // namespace dist
