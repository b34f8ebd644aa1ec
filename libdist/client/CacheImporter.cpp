// SPDX-License-Identifier: MIT
#include "CacheImporter.h"

#include "OciLayoutFiles.h"
#include <cache/Cache.h>
#include <cache/IngestFile.h>
#include <core/Logging.h>
#include <core/Sha256.h>
#include <oci/OciClient.h>
#include <pull/CacheCommitter.h>
#include <ref/OciReference.h>
#include <trust/CosignSignature.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace dist {

namespace {

Error badLayout(const QString& from, const QString& why)
{
    return makeError(ErrorCode::InvalidInput, QStringLiteral("not a usable OCI layout `%1`: %2").arg(from, why));
}

// A regular file that is neither a link nor anything else; `what` names it in errors.
Result<qint64> regularFile(const QString& path, const QString& from, const QString& what)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0) {
        if (errno == ENOENT) {
            return badLayout(from, QStringLiteral("%1 is missing").arg(what));
        }
        return makeError(
            ErrorCode::Io,
            QStringLiteral("cannot read `%1`: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    }
    if (S_ISLNK(st.st_mode)) {
        return badLayout(from, QStringLiteral("%1 is a symbolic link").arg(what));
    }
    if (!S_ISREG(st.st_mode)) {
        return badLayout(from, QStringLiteral("%1 is not a regular file").arg(what));
    }
    return qint64(st.st_size);
}

Result<void> realDirectory(const QString& path, const QString& from, const QString& what)
{
    struct stat st = {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0) {
        return badLayout(from, QStringLiteral("%1 is missing").arg(what));
    }
    if (!S_ISDIR(st.st_mode)) {
        return badLayout(
            from,
            QStringLiteral("%1 is %2")
                .arg(what,
                     S_ISLNK(st.st_mode) ? QStringLiteral("a symbolic link") : QStringLiteral("not a directory")));
    }
    return {};
}

// One artifact of the layout, checked and ready to commit.
struct Item
{
    std::optional<OciReference> tagged; // recorded as a tag when set
    OciReference repository;
    QString reference;
    Digest top;
    OciManifest topManifest;
    Digest platform;
    QList<QByteArray> documents; // manifests and config, kept as metadata
    OciManifest image;
    LayerChoice choice;
    bool metadataOnly = false;
};

bool isSignature(const OciManifest& image)
{
    return !image.layers.isEmpty()
        && std::all_of(image.layers.cbegin(), image.layers.cend(),
                       [](const OciDescriptor& l) { return l.mediaType == Cosign::SimpleSigningLayer; });
}

struct Staged
{
    std::unique_ptr<QLockFile> lock;
    std::unique_ptr<IngestFile> ingest; // null when the cache already holds it
    bool committedHere = false;
};

class LayoutReader
{
public:
    LayoutReader(QString dir, QString from)
        : m_dir(std::move(dir))
        , m_from(std::move(from))
    {
    }

    // A manifest, index or config: bounded, its size and digest as the descriptor says.
    Result<QByteArray> document(const OciDescriptor& d) const
    {
        const QString what = QStringLiteral("blob %1").arg(d.digest.toString());
        auto size = blob(d);
        if (!size) {
            return size.error();
        }
        if (d.size > CacheImporter::kMaxDocumentBytes) {
            return badLayout(m_from,
                             QStringLiteral("%1 is %2 bytes, over the %3-byte limit for a manifest or config")
                                 .arg(what)
                                 .arg(d.size)
                                 .arg(CacheImporter::kMaxDocumentBytes));
        }
        QFile f(OciLayoutFiles::blobPath(m_dir, d.digest));
        if (!f.open(QIODevice::ReadOnly)) {
            return makeError(ErrorCode::Io, QStringLiteral("cannot read %1: %2").arg(what, f.errorString()));
        }
        const QByteArray bytes = f.read(d.size + 1);
        if (bytes.size() != d.size || Sha256::hash(bytes) != d.digest) {
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("corrupt layout `%1`: %2 does not hash to its name").arg(m_from, what));
        }
        return bytes;
    }

    // A blob that is there, a regular file, exactly the size its descriptor gives.
    Result<qint64> blob(const OciDescriptor& d) const
    {
        const QString what = QStringLiteral("blob %1").arg(d.digest.toString());
        auto size = regularFile(OciLayoutFiles::blobPath(m_dir, d.digest), m_from, what);
        if (!size) {
            return size.error();
        }
        if (size.value() != d.size) {
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("corrupt layout `%1`: %2 is %3 bytes, its descriptor "
                                            "says %4")
                                 .arg(m_from, what)
                                 .arg(size.value())
                                 .arg(d.size));
        }
        return size;
    }

    QString path(const Digest& d) const { return OciLayoutFiles::blobPath(m_dir, d); }

    // The index a pinned-index annotation names, checked: present, an index, listing `manifest`.
    Result<std::pair<Digest, OciFetchedManifest>> pinnedIndex(const QString& annotation, const Digest& manifest) const
    {
        auto digest = Digest::parse(annotation);
        if (!digest) {
            return badLayout(m_from, QStringLiteral("`%1` names no index digest").arg(OciLayoutFiles::PinnedIndex));
        }
        auto size = regularFile(path(digest.value()), m_from, QStringLiteral("index %1").arg(annotation));
        if (!size) {
            return size.error();
        }
        OciDescriptor d;
        d.digest = digest.value();
        d.size = size.value();
        auto bytes = document(d);
        if (!bytes) {
            return bytes.error();
        }
        auto index = OciManifest::parse(bytes.value(), MediaTypes::OciIndex);
        if (!index || !index->isIndex()
            || std::none_of(index->manifests.cbegin(), index->manifests.cend(),
                            [&manifest](const OciDescriptor& m) { return m.digest == manifest; })) {
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("corrupt layout `%1`: index %2 does not list %3")
                                 .arg(m_from, annotation, manifest.toString()));
        }
        return std::make_pair(digest.value(), OciFetchedManifest{index.value(), digest.value(), bytes.value()});
    }

private:
    QString m_dir;
    QString m_from;
};

Result<OciManifest> parseDocument(const QByteArray& bytes, const QString& mediaType, const QString& from,
                                  const Digest& d)
{
    auto parsed = OciManifest::parse(bytes, mediaType.isEmpty() ? MediaTypes::OciManifest : mediaType);
    if (!parsed) {
        return badLayout(from, QStringLiteral("%1: %2").arg(d.toString(), parsed.message()));
    }
    return parsed;
}

// The repository (and tag) a descriptor of index.json belongs to: its ref name when that is a
// full reference, else the tag under --as.
Result<std::pair<OciReference, bool>> nameOf(const OciDescriptor& d, const ImportRequest& request, const QString& from)
{
    const QString name = d.annotations.value(OciLayoutFiles::RefName);
    if (name.contains(u'/')) {
        auto ref = OciReference::parse(name);
        if (!ref || !OciReference::looksLikeRegistryHost(QStringView(name).left(name.indexOf(u'/')))) {
            return badLayout(from,
                             QStringLiteral("index.json names `%1`, which is not a registry/repository[:tag] "
                                            "reference")
                                 .arg(name));
        }
        return std::make_pair(ref.value(), !ref->isDigestPinned() && !ref->tag().isEmpty());
    }
    if (request.repository.isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("index.json names %1 `%2`, which says no repository; say which one it belongs "
                                        "to with --as REGISTRY/REPOSITORY")
                             .arg(d.digest.toString(), name.isEmpty() ? QStringLiteral("(no name)") : name));
    }
    if (!name.isEmpty() && !OciReference::isValidTag(name)) {
        return badLayout(from, QStringLiteral("index.json names `%1`, which is not a tag").arg(name));
    }
    auto ref = OciReference::parse(name.isEmpty() ? request.repository : request.repository + u':' + name);
    if (!ref) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("--as `%1` is not a registry/repository: %2").arg(request.repository, ref.message()));
    }
    return std::make_pair(ref.value(), !name.isEmpty());
}

} // namespace

CacheImporter::CacheImporter(Cache& cache)
    : m_cache(cache)
{
}

Result<ImportReport> CacheImporter::run(const ImportRequest& request, const Progress& progress)
{
    const QFileInfo from(request.from);
    if (!from.exists()) {
        return makeError(ErrorCode::NotFound, QStringLiteral("`%1` does not exist").arg(request.from));
    }
    if (from.isDir()) {
        return importDirectory(from.absoluteFilePath(), request, progress);
    }
    // A tar is unpacked (names and types checked) into the cache's ingest area, then read as a directory.
    const QString staging = m_cache.ingestDir() + QStringLiteral("/import-")
        + QString::number(QRandomGenerator::global()->generate64(), 16);
    auto cleanup = qScopeGuard([&staging] { QDir(staging).removeRecursively(); });
    auto unpacked = unpackArchive(from.absoluteFilePath(), staging);
    if (!unpacked) {
        return unpacked.error();
    }
    auto report = importDirectory(staging, request, progress);
    if (report) {
        report->from = request.from;
    }
    return report;
}

Result<QString> CacheImporter::unpackArchive(const QString& tar, const QString& into)
{
    if (!QDir().mkpath(into + QStringLiteral("/blobs/sha256"))) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create `%1`").arg(into));
    }
    std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_none(a.get());
    if (archive_read_open_filename(a.get(), QFile::encodeName(tar).constData(), 1 << 20) != ARCHIVE_OK) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("cannot read `%1` as a tar archive: %2")
                             .arg(tar, QString::fromLocal8Bit(archive_error_string(a.get()))));
    }
    QSet<QString> seen;
    for (;;) {
        struct archive_entry* entry = nullptr;
        const int r = archive_read_next_header(a.get(), &entry);
        if (r == ARCHIVE_EOF) {
            break;
        }
        if (r != ARCHIVE_OK) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("cannot read `%1` as a tar archive: %2")
                                 .arg(tar, QString::fromLocal8Bit(archive_error_string(a.get()))));
        }
        QString name = QString::fromUtf8(archive_entry_pathname(entry));
        while (name.startsWith(QLatin1String("./"))) {
            name = name.mid(2);
        }
        const QStringList parts = name.split(u'/', Qt::SkipEmptyParts);
        if (name.startsWith(u'/') || parts.contains(QStringLiteral(".."))) {
            return badLayout(tar, QStringLiteral("the archive holds the unsafe name `%1`").arg(name));
        }
        const auto type = archive_entry_filetype(entry);
        if (archive_entry_hardlink(entry) || type == AE_IFLNK) {
            return badLayout(tar, QStringLiteral("the archive holds a link, `%1`").arg(name));
        }
        if (type == AE_IFDIR) {
            continue;
        }
        if (type != AE_IFREG) {
            return badLayout(tar, QStringLiteral("the archive holds `%1`, which is not a regular file").arg(name));
        }
        const bool known = name == OciLayoutFiles::LayoutFile || name == OciLayoutFiles::IndexFile
            || (parts.size() == 3 && parts[0] == u"blobs" && parts[1] == u"sha256" && Digest::isValidHex(parts[2]));
        if (!known) {
            continue; // not part of an image layout's contract (refs/, a docker manifest.json, …)
        }
        if (seen.contains(name)) {
            return badLayout(tar, QStringLiteral("the archive holds `%1` twice").arg(name));
        }
        seen.insert(name);
        const QString path = into + u'/' + parts.join(u'/');
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            return makeError(
                ErrorCode::Io,
                QStringLiteral("cannot create `%1`: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
        }
        const int copied = archive_read_data_into_fd(a.get(), fd);
        ::close(fd);
        if (copied != ARCHIVE_OK) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("cannot read `%1` from `%2`: %3")
                                 .arg(name, tar, QString::fromLocal8Bit(archive_error_string(a.get()))));
        }
    }
    return into;
}

Result<ImportReport> CacheImporter::importDirectory(const QString& dir, const ImportRequest& request,
                                                    const Progress& progress)
{
    const QString& from = request.from;
    for (const auto& [path, what] :
         {std::pair{dir + QStringLiteral("/blobs"), QStringLiteral("blobs/")},
          std::pair{dir + QStringLiteral("/blobs/sha256"), QStringLiteral("blobs/sha256/")}}) {
        if (auto r = realDirectory(path, from, what); !r) {
            return r.error();
        }
    }
    for (const QString& name : {OciLayoutFiles::LayoutFile, OciLayoutFiles::IndexFile}) {
        auto size = regularFile(dir + u'/' + name, from, name);
        if (!size) {
            return size.error();
        }
        if (size.value() > kMaxDocumentBytes) {
            return badLayout(from, QStringLiteral("%1 is %2 bytes").arg(name).arg(size.value()));
        }
    }
    QFile layoutFile(dir + u'/' + OciLayoutFiles::LayoutFile);
    QFile indexFile(dir + u'/' + OciLayoutFiles::IndexFile);
    if (!layoutFile.open(QIODevice::ReadOnly) || !indexFile.open(QIODevice::ReadOnly)) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot read the layout `%1`").arg(from));
    }
    const QJsonObject layout = QJsonDocument::fromJson(layoutFile.readAll()).object();
    if (!layout.value(QStringLiteral("imageLayoutVersion")).toString().startsWith(QLatin1String("1."))) {
        return badLayout(from, QStringLiteral("oci-layout does not say imageLayoutVersion 1.x"));
    }
    auto index = OciManifest::parse(indexFile.readAll(), MediaTypes::OciIndex);
    if (!index || !index->isIndex()) {
        return badLayout(
            from, QStringLiteral("index.json: %1").arg(index ? QStringLiteral("not an image index") : index.message()));
    }
    if (index->manifests.isEmpty()) {
        return badLayout(from, QStringLiteral("index.json lists nothing"));
    }

    // 1. Read and check every document, choose each artifact's layer.
    const LayoutReader reader(dir, from);
    QList<Item> items;
    QSet<Digest> tops;
    for (const OciDescriptor& d : std::as_const(index->manifests)) {
        if (!MediaTypes::isManifest(d.mediaType) && !MediaTypes::isIndex(d.mediaType)) {
            return badLayout(from,
                             QStringLiteral("index.json lists %1 of media type `%2`, not a manifest")
                                 .arg(d.digest.toString(), d.mediaType));
        }
        auto named = nameOf(d, request, from);
        if (!named) {
            return named.error();
        }
        Item item;
        item.repository = named->first;
        if (named->second) {
            item.tagged = named->first;
        }
        item.top = d.digest;
        auto topBytes = reader.document(d);
        if (!topBytes) {
            return topBytes.error();
        }
        auto top = parseDocument(topBytes.value(), d.mediaType, from, d.digest);
        if (!top) {
            return top.error();
        }
        item.topManifest = top.value();
        item.documents.append(topBytes.value());
        OciManifest image = top.value();
        if (top->isIndex()) {
            auto chosen
                = selectFromIndex(top.value(), QStringLiteral("linux"), hostOciArchitecture(), request.layers.platform);
            if (!chosen) {
                return makeError(chosen.code(), QStringLiteral("%1: %2").arg(d.digest.toString(), chosen.message()));
            }
            auto bytes = reader.document(chosen.value());
            if (!bytes) {
                return bytes.error();
            }
            auto platform = parseDocument(bytes.value(), chosen->mediaType, from, chosen->digest);
            if (!platform) {
                return platform.error();
            }
            if (platform->isIndex()) {
                return badLayout(from, QStringLiteral("nested image indexes are not supported"));
            }
            item.platform = chosen->digest;
            item.documents.append(bytes.value());
            image = platform.value();
        }
        if (const QString pinned = d.annotations.value(OciLayoutFiles::PinnedIndex);
            !pinned.isEmpty() && !top->isIndex()) {
            // Our export's stand-in for an index of which one platform was pulled. Believed only if
            // the index is in the layout and lists this manifest: otherwise a layout could make any
            // digest (a signed one, say) lead to its own content.
            auto index = reader.pinnedIndex(pinned, d.digest);
            if (!index) {
                return index.error();
            }
            item.platform = d.digest;
            item.top = index->first;
            item.topManifest = index->second.manifest;
            item.documents.append(index->second.bytes);
        }
        auto config = reader.document(image.config);
        if (!config) {
            return config.error();
        }
        item.documents.append(config.value());
        item.image = image;
        auto choice = request.layers.select(image);
        if (!choice && isSignature(image)) {
            // A cosign signature: small documents only, kept as metadata under its tag, no entry.
            for (const OciDescriptor& layer : std::as_const(image.layers)) {
                auto bytes = reader.document(layer);
                if (!bytes) {
                    return bytes.error();
                }
                item.documents.append(bytes.value());
            }
            item.metadataOnly = true;
        } else if (!choice) {
            return makeError(choice.code(), QStringLiteral("%1: %2").arg(d.digest.toString(), choice.message()));
        } else if (auto held = reader.blob(choice->layer); !held) {
            return held.error();
        } else {
            item.choice = choice.value();
        }
        const QString pinnedName = item.repository.repositoryPath() + u'@' + item.top.toString();
        item.reference = item.tagged ? Cache::tagName(*item.tagged) : pinnedName;
        if (!tops.contains(d.digest) || item.tagged) {
            tops.insert(d.digest);
            items.append(item);
        }
    }

    // 2. Copy every layer the cache lacks into ingest/, under its digest's lock, checked as it goes.
    //    Locks in digest order, so two imports never wait on each other crosswise.
    std::map<Digest, Staged> staged;
    for (const Item& item : std::as_const(items)) {
        if (!item.metadataOnly) {
            staged.try_emplace(item.choice.layer.digest);
        }
    }
    ImportReport report;
    report.from = from;
    // Whatever was staged goes if anything below fails: no partial is left behind in ingest/.
    auto discardAll = qScopeGuard([&staged] {
        for (auto& [digest, s] : staged) {
            if (s.ingest) {
                s.ingest->discard();
            }
        }
    });
    if (!QDir().mkpath(m_cache.ingestDir())) {
        return makeError(ErrorCode::Io, QStringLiteral("cannot create `%1`").arg(m_cache.ingestDir()));
    }
    for (auto& [digest, s] : staged) {
        s.lock = std::make_unique<QLockFile>(m_cache.lockPath(digest));
        s.lock->setStaleLockTime(0);
        if (!s.lock->tryLock(60000)) {
            if (s.lock->error() != QLockFile::LockFailedError) {
                return makeError(ErrorCode::Cache,
                                 QStringLiteral("cannot take the lock `%1`").arg(m_cache.lockPath(digest)));
            }
            return makeError(
                ErrorCode::Cache,
                QStringLiteral("another process has held the lock of %1 for a minute").arg(digest.toString()));
        }
        if (CacheCommitter::reusable(m_cache.stat(digest))) {
            continue;
        }
        CacheCommitter::clearBroken(m_cache, digest);
        const auto layer = std::find_if(items.cbegin(), items.cend(), [&digest](const Item& i) {
                               return i.choice.layer.digest == digest;
                           })->choice.layer;
        auto ingest = IngestFile::openForDigest(m_cache.ingestDir(), digest, layer.size, false);
        if (!ingest) {
            return ingest.error();
        }
        QFile in(reader.path(digest));
        if (!in.open(QIODevice::ReadOnly)) {
            ingest.value()->discard();
            return makeError(ErrorCode::Io,
                             QStringLiteral("cannot read blob %1: %2").arg(digest.toString(), in.errorString()));
        }
        for (qint64 remaining = layer.size; remaining > 0;) {
            qint64 capacity = 0;
            char* buffer = ingest.value()->writeBuffer(&capacity);
            const qint64 n = in.read(buffer, std::min(capacity, remaining));
            if (n <= 0) {
                (void)ingest.value()->commitBuffer(0);
                ingest.value()->discard();
                return makeError(n < 0 ? ErrorCode::Io : ErrorCode::Integrity,
                                 QStringLiteral("blob %1 ended early: %2").arg(digest.toString(), in.errorString()));
            }
            if (auto w = ingest.value()->commitBuffer(n); !w) {
                ingest.value()->discard();
                return w.error();
            }
            remaining -= n;
        }
        auto actual = ingest.value()->finish();
        if (!actual || actual.value() != digest) {
            ingest.value()->discard();
            if (!actual) {
                return actual.error();
            }
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("corrupt layout `%1`: blob %2 hashes to %3")
                                 .arg(from, digest.toString(), actual->toString()));
        }
        report.bytes += layer.size;
        s.ingest = std::move(ingest).value();
    }

    // 3. Everything checked: keep the documents and commit the entries first; only then let digests,
    //    tags and referrer links lead to them, so a failure part-way leaves no name pointing nowhere.
    const QString fetchedFrom = QStringLiteral("oci-layout:") + QFileInfo(from).absoluteFilePath();
    for (const Item& item : std::as_const(items)) {
        for (const QByteArray& doc : item.documents) {
            if (auto kept = m_cache.storeMetadata(doc); !kept) {
                return kept.error();
            }
        }
        if (item.metadataOnly) {
            continue;
        }
        const Digest content = item.choice.layer.digest;
        Staged& s = staged[content];
        if (!s.ingest) {
            continue; // already cached, or committed for an earlier item
        }
        const QString canonical
            = QStringLiteral("oci://%1@%2").arg(item.repository.repositoryPath(), item.top.toString());
        CacheEntry e
            = CacheEntry::fresh(content, item.choice.layer.size, item.reference, QStringLiteral("Oci"), canonical);
        e.mediaType = item.choice.layer.mediaType;
        e.artifactType = item.choice.type;
        e.annotations = item.image.annotations;
        e.manifestDigest = item.top.toString();
        e.platformManifestDigest = item.platform.toString();
        e.manifestMediaType = item.topManifest.mediaType;
        e.artifactMediaType = item.image.artifactType.isEmpty() ? item.image.config.mediaType : item.image.artifactType;
        e.fetchedFrom = fetchedFrom;
        if (item.image.subject) {
            e.subjectDigest = item.image.subject->digest.toString();
        }
        auto committed = m_cache.commit(*s.ingest, e);
        if (!committed) {
            return committed.error();
        }
        s.ingest.reset();
        s.committedHere = true;
    }
    // Signatures last: a tag for a signature never exists before the artifact it signs.
    std::stable_partition(items.begin(), items.end(), [](const Item& i) { return !i.metadataOnly; });
    for (qsizetype i = 0; i < items.size(); ++i) {
        const Item& item = items.at(i);
        const Digest content = item.metadataOnly ? Digest() : item.choice.layer.digest;
        if (!item.metadataOnly) {
            for (const Digest& m : {item.top, item.platform}) {
                if (!m.isNull()) {
                    if (auto r = m_cache.recordManifest(m, content); !r) {
                        return r.error();
                    }
                }
            }
            if (item.image.subject) {
                if (auto r = m_cache.recordReferrer(item.image.subject->digest, content); !r) {
                    return r.error();
                }
            }
        }
        if (item.tagged) {
            if (auto r = m_cache.recordTag(*item.tagged, item.top); !r) {
                return r.error();
            }
        }
        const ImportedArtifact artifact{item.reference,
                                        item.top,
                                        content,
                                        item.metadataOnly ? Cosign::SignatureArtifactType : item.image.artifactType,
                                        item.metadataOnly ? 0 : item.choice.layer.size,
                                        !item.metadataOnly && !staged[content].committedHere};
        report.artifacts.append(artifact);
        if (progress) {
            progress(artifact, int(i + 1), int(items.size()));
        }
    }
    discardAll.dismiss();
    qCInfo(lcClient).noquote() << "imported" << report.artifacts.size() << "artifacts from" << from;
    return report;
}

} // namespace dist
