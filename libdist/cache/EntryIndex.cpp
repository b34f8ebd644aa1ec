// SPDX-License-Identifier: MIT
#include "EntryIndex.h"

#include "Cache.h"
#include <core/AtomicFile.h>
#include <core/Logging.h>

#include <QFile>

#include <QThread>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace dist {

namespace {

constexpr char kMagic[8] = {'G', 'D', 'E', 'I', 'v', '2', '\0', '\0'};

// One fixed-size record per entry, followed in the file by its texts (raw reference, canonical
// reference, media type; UTF-8, lengths in the record).
struct Record
{
    unsigned char digest[32];
    quint64 inode;
    qint64 mtimeNs;
    qint64 jsonSize;
    qint64 sizeBytes;
    qint64 fetchedAt;
    qint64 lastAccessedAt;
    qint64 lastVerifiedAt;
    quint32 rawLength;
    quint32 canonicalLength;
    quint32 mediaTypeLength;
    quint8 state;
    quint8 artifactType;
    quint8 verified; // lastVerifiedAt is set
    quint8 signature; // 0 never checked; 1 passed, 2 failed, 3 warning, 4 skipped (was `pad`, always 0)
};
static_assert(sizeof(Record) == 104);

struct Item
{
    Record r;
    QByteArray text; // raw reference + canonical reference + media type
};

bool hexToRaw(const char* hex, unsigned char* out)
{
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    };
    for (int i = 0; i < 32; ++i) {
        const int hi = nibble(hex[2 * i]);
        const int lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i] = static_cast<unsigned char>((hi << 4) | lo);
    }
    return true;
}

bool byDigest(const Item& a, const Item& b)
{
    return std::memcmp(a.r.digest, b.r.digest, 32) < 0;
}

QString hexOf(const unsigned char* raw)
{
    static constexpr char kHex[] = "0123456789abcdef";
    QString hex(64, Qt::Uninitialized);
    QChar* out = hex.data();
    for (int i = 0; i < 32; ++i) {
        out[2 * i] = QLatin1Char(kHex[raw[i] >> 4]);
        out[2 * i + 1] = QLatin1Char(kHex[raw[i] & 0xf]);
    }
    return hex;
}

// `previous` is the text made for the entry before: equal texts share one string (most entries of
// a cache have the same few media types, and a canonical reference often equals the raw one).
QString textOf(const char* utf8, quint32 length, const QString& previous)
{
    if (length == 0) {
        return QString();
    }
    const QByteArrayView bytes(utf8, length);
    if (bytes.size() == previous.size() && QAnyStringView::equal(QUtf8StringView(bytes), previous)) {
        return previous;
    }
    return QString::fromUtf8(bytes);
}

CacheEntry toSummary(const Item& item, const CacheEntry* before)
{
    const Record& r = item.r;
    CacheEntry e;
    e.digest = Digest::fromHex(hexOf(r.digest));
    e.sizeBytes = r.sizeBytes;
    e.fetchedAt = r.fetchedAt;
    e.lastAccessedAt = r.lastAccessedAt;
    if (r.verified) {
        e.lastVerifiedAt = r.lastVerifiedAt;
    }
    e.state = static_cast<EntryState>(r.state);
    e.artifactType = static_cast<ArtifactType>(r.artifactType);
    if (r.signature >= 1 && r.signature <= 4) {
        static const QString outcomes[] = {QStringLiteral("passed"), QStringLiteral("failed"),
                                           QStringLiteral("warning"), QStringLiteral("skipped")};
        e.signatureSummary = SignatureSummary{outcomes[r.signature - 1], QString()};
    }
    const char* text = item.text.constData();
    e.rawRef = QString::fromUtf8(text, r.rawLength);
    e.canonicalRef = textOf(text + r.rawLength, r.canonicalLength, e.rawRef);
    e.mediaType
        = textOf(text + r.rawLength + r.canonicalLength, r.mediaTypeLength, before ? before->mediaType : QString());
    return e;
}

Item fromEntry(const Record& stat, const CacheEntry& e)
{
    Item item{stat, {}};
    Record& r = item.r;
    r.sizeBytes = e.sizeBytes;
    r.fetchedAt = e.fetchedAt;
    r.lastAccessedAt = e.lastAccessedAt;
    r.verified = e.lastVerifiedAt ? 1 : 0;
    r.lastVerifiedAt = e.lastVerifiedAt.value_or(0);
    r.state = static_cast<quint8>(e.state);
    r.artifactType = static_cast<quint8>(e.artifactType);
    r.signature = 0;
    if (e.signatureSummary) {
        const QString& o = e.signatureSummary->outcome;
        r.signature = o == u"passed" ? 1 : o == u"warning" ? 3 : o == u"skipped" ? 4 : 2;
    }
    const QByteArray raw = e.rawRef.toUtf8();
    const QByteArray canonical = e.canonicalRef.toUtf8();
    const QByteArray media = e.mediaType.toUtf8();
    r.rawLength = static_cast<quint32>(raw.size());
    r.canonicalLength = static_cast<quint32>(canonical.size());
    r.mediaTypeLength = static_cast<quint32>(media.size());
    item.text = raw + canonical + media;
    return item;
}

// The previous snapshot's items; nothing when it is missing, of another version or damaged (it is
// only a cache: every entry is then read again).
std::optional<std::vector<Item>> parseSnapshot(const QByteArray& all)
{
    std::vector<Item> items;
    if (all.size() < 8 || std::memcmp(all.constData(), kMagic, 8) != 0) {
        return std::nullopt;
    }
    qsizetype at = 8;
    while (at < all.size()) {
        Item item{};
        if (all.size() - at < static_cast<qsizetype>(sizeof(Record))) {
            return std::nullopt;
        }
        std::memcpy(&item.r, all.constData() + at, sizeof(Record));
        at += static_cast<qsizetype>(sizeof(Record));
        const qint64 textLength
            = qint64(item.r.rawLength) + qint64(item.r.canonicalLength) + qint64(item.r.mediaTypeLength);
        if (textLength > all.size() - at || item.r.state > static_cast<quint8>(EntryState::Evicted)
            || item.r.artifactType > static_cast<quint8>(ArtifactType::Bundle)) {
            return std::nullopt;
        }
        // The snapshot's bytes stay alive as long as its items (see Snapshot): no copy per entry.
        item.text = QByteArray::fromRawData(all.constData() + at, static_cast<qsizetype>(textLength));
        at += static_cast<qsizetype>(textLength);
        items.push_back(std::move(item));
    }
    return items;
}

} // namespace

namespace {

// What one worker learned from one two-hex-digit prefix directory.
struct PrefixScan
{
    std::vector<Item> items; // sorted by digest
    QList<CacheEntry> summaries; // of the items, in their order
    QStringList problems;
    int reread = 0;
};

// entry.json of one entry, read relative to its prefix directory. O_NOATIME: planning must not turn
// 100,000 reads into 100,000 inode writes (the owner of the cache may ask for it; others fall back).
// Nothing when the file is gone (removed since the stat): that is not a problem with the cache.
std::optional<QByteArray> readEntryJson(int dirFd, const char* relative, qint64 size, QString* error)
{
    constexpr qint64 kMax = 4 << 20;
    int fd = ::openat(dirFd, relative, O_RDONLY | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM) {
        fd = ::openat(dirFd, relative, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0) {
        if (errno != ENOENT) {
            *error = QString::fromLocal8Bit(std::strerror(errno));
            return QByteArray();
        }
        return std::nullopt;
    }
    QByteArray data(std::clamp<qint64>(size + 1, 1, kMax), Qt::Uninitialized);
    qint64 have = 0;
    for (;;) {
        if (have == data.size()) {
            if (have >= kMax) {
                break;
            }
            data.resize(std::min<qint64>(have * 2, kMax));
        }
        const ssize_t n = ::read(fd, data.data() + have, static_cast<size_t>(data.size() - have));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            *error = QString::fromLocal8Bit(std::strerror(errno));
        }
        if (n <= 0) {
            break;
        }
        have += n;
    }
    ::close(fd);
    data.truncate(have);
    return data;
}

PrefixScan scanPrefix(const QByteArray& prefixDir, const char prefix[2], const std::vector<Item>& previous)
{
    PrefixScan out;
    DIR* sub = ::opendir(prefixDir.constData());
    if (!sub) {
        return out;
    }
    // Everything relative to the prefix directory: a two-component lookup instead of the full path.
    const int dirFd = ::dirfd(sub);
    char relative[62 + 1 + sizeof(CacheLayout::kEntryName)];
    while (dirent* e = ::readdir(sub)) {
        if (std::strlen(e->d_name) != 62) {
            continue;
        }
        char hex[65];
        std::memcpy(hex, prefix, 2);
        std::memcpy(hex + 2, e->d_name, 62);
        hex[64] = '\0';
        Item probe{};
        Record& r = probe.r;
        if (!hexToRaw(hex, r.digest)) {
            continue;
        }
        std::memcpy(relative, e->d_name, 62);
        relative[62] = '/';
        std::memcpy(relative + 63, CacheLayout::kEntryName, sizeof(CacheLayout::kEntryName));
        struct stat st
        {
        };
        if (::fstatat(dirFd, relative, &st, 0) != 0) {
            continue; // not an entry (yet, or any more)
        }
        r.inode = st.st_ino;
        r.mtimeNs = static_cast<qint64>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
        r.jsonSize = st.st_size;
        const auto it = std::lower_bound(previous.begin(), previous.end(), probe, byDigest);
        if (it != previous.end() && std::memcmp(it->r.digest, r.digest, 32) == 0 && it->r.inode == r.inode
            && it->r.mtimeNs == r.mtimeNs && it->r.jsonSize == r.jsonSize) {
            out.items.push_back(*it);
            continue;
        }
        ++out.reread;
        const QString path = QFile::decodeName(prefixDir + '/' + relative);
        QString readError;
        const std::optional<QByteArray> json = readEntryJson(dirFd, relative, st.st_size, &readError);
        if (!json) {
            continue;
        }
        if (!readError.isEmpty()) {
            out.problems.append(QStringLiteral("cache error at `%1`: cannot read it: %2").arg(path, readError));
            continue;
        }
        auto parsed = CacheEntry::fromJson(*json, path);
        if (!parsed || parsed->digest.hex() != QLatin1String(hex)) {
            out.problems.append(
                parsed ? QStringLiteral("cache error at `%1`: entry describes %2").arg(path, parsed->digest.toString())
                       : parsed.message());
            continue;
        }
        out.items.push_back(fromEntry(r, *parsed));
    }
    ::closedir(sub);
    // Sorted here, on the worker, so the prefixes (scanned in order) concatenate into a sorted whole.
    std::sort(out.items.begin(), out.items.end(), byDigest);
    out.summaries.reserve(static_cast<qsizetype>(out.items.size()));
    for (const Item& item : out.items) {
        out.summaries.append(toSummary(item, out.summaries.isEmpty() ? nullptr : &out.summaries.constLast()));
    }
    return out;
}

// Runs work(0..count-1) on up to eight threads, this one included; each index runs once.
void forEachInParallel(size_t count, const std::function<void(size_t)>& work)
{
    std::atomic<size_t> next = 0;
    auto drain = [&] {
        for (size_t i = next++; i < count; i = next++) {
            work(i);
        }
    };
    const int threads = std::clamp(QThread::idealThreadCount(), 1, 8);
    std::vector<std::thread> workers;
    for (int t = 1; t < threads && static_cast<size_t>(t) < count; ++t) {
        workers.emplace_back(drain);
    }
    drain();
    for (std::thread& t : workers) {
        t.join();
    }
}

struct Snapshot
{
    QByteArray file;
    std::vector<Item> items; // sorted by digest; their texts point into `file`
};

std::optional<Snapshot> readSnapshot(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    Snapshot snapshot{f.readAll(), {}};
    std::optional<std::vector<Item>> items = parseSnapshot(snapshot.file);
    if (!items) {
        return std::nullopt;
    }
    snapshot.items = std::move(*items);
    if (!std::is_sorted(snapshot.items.begin(), snapshot.items.end(), byDigest)) {
        std::sort(snapshot.items.begin(), snapshot.items.end(), byDigest);
    }
    return snapshot;
}

} // namespace

EntryIndex::EntryIndex(const Cache& cache)
    : m_cache(cache)
{
}

QString EntryIndex::snapshotPath() const
{
    return m_cache.layout().entrySnapshotPath();
}

QList<CacheEntry> EntryIndex::summaries(QStringList* problems)
{
    // The previous snapshot, sorted by digest (it is written sorted), searched without allocating.
    const Snapshot before = readSnapshot(snapshotPath()).value_or(Snapshot());
    const std::vector<Item>& previous = before.items;

    const QByteArray base = QFile::encodeName(m_cache.layout().artifactsDir());
    std::vector<QByteArray> prefixes;
    if (DIR* top = ::opendir(base.constData())) {
        while (dirent* p = ::readdir(top)) {
            if (std::strlen(p->d_name) == 2 && p->d_name[0] != '.') {
                prefixes.emplace_back(p->d_name);
            }
        }
        ::closedir(top);
    }
    std::sort(prefixes.begin(), prefixes.end());

    // A cold scan opens and parses every entry.json; prefix directories are independent, so the
    // cores share them. A warm scan is a stat per entry and barely notices the threads.
    std::vector<PrefixScan> scans(prefixes.size());
    forEachInParallel(prefixes.size(), [&](size_t i) {
        scans[i] = scanPrefix(base + '/' + prefixes[i], prefixes[i].constData(), previous);
    });

    std::vector<Item> current;
    current.reserve(previous.size() + 64);
    QList<CacheEntry> result;
    result.reserve(static_cast<qsizetype>(previous.size() + 64));
    int reread = 0;
    for (PrefixScan& scan : scans) {
        current.insert(current.end(), std::make_move_iterator(scan.items.begin()),
                       std::make_move_iterator(scan.items.end()));
        result.append(std::move(scan.summaries));
        reread += scan.reread;
        if (problems) {
            problems->append(scan.problems);
        }
    }

    if (reread > 0 || current.size() != previous.size()) {
        qsizetype bytes = 8;
        for (const Item& item : current) {
            bytes += static_cast<qsizetype>(sizeof(Record)) + item.text.size();
        }
        QByteArray out;
        out.reserve(bytes);
        out.append(kMagic, 8);
        for (const Item& item : current) {
            out.append(reinterpret_cast<const char*>(&item.r), static_cast<qsizetype>(sizeof(Record)));
            out.append(item.text);
        }
        // Best effort: a snapshot that cannot be written only costs the next caller some parsing.
        if (auto w = AtomicFile::write(snapshotPath(), out); !w) {
            qCDebug(lcCache).noquote() << w.message();
        }
    }

    return result;
}

QList<CacheEntry> EntryIndex::summariesIn(const QStringList& prefixes, QStringList* problems) const
{
    const QByteArray base = QFile::encodeName(m_cache.layout().artifactsDir());
    QStringList sorted = prefixes;
    sorted.sort();
    sorted.removeDuplicates();
    QList<CacheEntry> result;
    const std::vector<Item> none;
    for (const QString& prefix : std::as_const(sorted)) {
        const QByteArray name = prefix.toLatin1();
        if (name.size() != 2 || !std::isxdigit(static_cast<unsigned char>(name[0]))
            || !std::isxdigit(static_cast<unsigned char>(name[1]))) {
            continue;
        }
        PrefixScan scan = scanPrefix(base + '/' + name, name.constData(), none);
        result.append(std::move(scan.summaries));
        if (problems) {
            problems->append(scan.problems);
        }
    }
    return result;
}

std::optional<QList<CacheEntry>> EntryIndex::remembered() const
{
    const std::optional<Snapshot> read = readSnapshot(snapshotPath());
    if (!read) {
        return std::nullopt;
    }
    const std::vector<Item>& items = read->items;
    // Converted in slices on all cores, then joined in order (the slices keep the digest order).
    constexpr size_t kSlice = 8192;
    std::vector<QList<CacheEntry>> slices((items.size() + kSlice - 1) / kSlice);
    forEachInParallel(slices.size(), [&](size_t i) {
        QList<CacheEntry>& out = slices[i];
        const size_t end = std::min(items.size(), (i + 1) * kSlice);
        out.reserve(static_cast<qsizetype>(end - i * kSlice));
        for (size_t at = i * kSlice; at < end; ++at) {
            out.append(toSummary(items[at], out.isEmpty() ? nullptr : &out.constLast()));
        }
    });
    QList<CacheEntry> result;
    result.reserve(static_cast<qsizetype>(items.size()));
    for (QList<CacheEntry>& slice : slices) {
        result.append(std::move(slice));
    }
    return result;
}

} // namespace dist
