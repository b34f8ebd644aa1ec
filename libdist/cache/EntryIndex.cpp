// SPDX-License-Identifier: MIT
#include "EntryIndex.h"

#include "Cache.h"
#include <core/AtomicFile.h>
#include <core/Logging.h>

#include <QFile>

#include <QThread>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace dist {

namespace {

constexpr char kMagic[8] = {'G', 'D', 'E', 'I', 'v', '1', '\0', '\0'};

// One fixed-size record per entry; the file is written and read as an array of these.
struct Record
{
    unsigned char digest[32];
    quint64 inode;
    qint64 mtimeNs;
    qint64 jsonSize;
    qint64 sizeBytes;
    qint64 fetchedAt;
    qint64 lastAccessedAt;
    quint8 state;
    quint8 artifactType;
    quint8 pad[6];
};
static_assert(sizeof(Record) == 88);

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

bool byDigest(const Record& a, const Record& b)
{
    return std::memcmp(a.digest, b.digest, 32) < 0;
}

CacheEntry toSummary(const Record& r)
{
    CacheEntry e;
    e.digest = Digest::fromHex(QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(r.digest), 32).toHex()));
    e.sizeBytes = r.sizeBytes;
    e.fetchedAt = r.fetchedAt;
    e.lastAccessedAt = r.lastAccessedAt;
    e.state = static_cast<EntryState>(r.state);
    e.artifactType = static_cast<ArtifactType>(r.artifactType);
    return e;
}

} // namespace

namespace {

// What one worker learned from one two-hex-digit prefix directory.
struct PrefixScan
{
    std::vector<Record> records;
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

PrefixScan scanPrefix(const QByteArray& prefixDir, const char prefix[2], const std::vector<Record>& previous)
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
        Record r{};
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
        const auto it = std::lower_bound(previous.begin(), previous.end(), r, byDigest);
        if (it != previous.end() && std::memcmp(it->digest, r.digest, 32) == 0 && it->inode == r.inode
            && it->mtimeNs == r.mtimeNs && it->jsonSize == r.jsonSize) {
            out.records.push_back(*it);
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
        r.sizeBytes = parsed->sizeBytes;
        r.fetchedAt = parsed->fetchedAt;
        r.lastAccessedAt = parsed->lastAccessedAt;
        r.state = static_cast<quint8>(parsed->state);
        r.artifactType = static_cast<quint8>(parsed->artifactType);
        out.records.push_back(r);
    }
    ::closedir(sub);
    return out;
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
    std::vector<Record> previous;
    {
        QFile f(snapshotPath());
        if (f.open(QIODevice::ReadOnly)) {
            const QByteArray all = f.readAll();
            if (all.size() >= 8 && std::memcmp(all.constData(), kMagic, 8) == 0
                && (all.size() - 8) % static_cast<qsizetype>(sizeof(Record)) == 0) {
                previous.resize(static_cast<size_t>((all.size() - 8) / static_cast<qsizetype>(sizeof(Record))));
                if (!previous.empty()) { // the snapshot of an emptied cache has no records (and no data())
                    std::memcpy(previous.data(), all.constData() + 8, previous.size() * sizeof(Record));
                }
            }
        }
    }
    if (!std::is_sorted(previous.begin(), previous.end(), byDigest)) {
        std::sort(previous.begin(), previous.end(), byDigest);
    }

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
    std::atomic<size_t> next = 0;
    auto work = [&] {
        for (size_t i = next++; i < prefixes.size(); i = next++) {
            scans[i] = scanPrefix(base + '/' + prefixes[i], prefixes[i].constData(), previous);
        }
    };
    const int threads = std::clamp(QThread::idealThreadCount(), 1, 8);
    std::vector<std::thread> workers;
    for (int t = 1; t < threads && static_cast<size_t>(t) < prefixes.size(); ++t) {
        workers.emplace_back(work);
    }
    work();
    for (std::thread& t : workers) {
        t.join();
    }

    std::vector<Record> current;
    current.reserve(previous.size() + 64);
    int reread = 0;
    for (PrefixScan& scan : scans) {
        current.insert(current.end(), scan.records.begin(), scan.records.end());
        reread += scan.reread;
        if (problems) {
            problems->append(scan.problems);
        }
    }
    std::sort(current.begin(), current.end(), byDigest);

    if (reread > 0 || current.size() != previous.size()) {
        QByteArray out(kMagic, 8);
        out.append(reinterpret_cast<const char*>(current.data()),
                   static_cast<qsizetype>(current.size() * sizeof(Record)));
        // Best effort: a snapshot that cannot be written only costs the next caller some parsing.
        if (auto w = AtomicFile::write(snapshotPath(), out); !w) {
            qCDebug(lcCache).noquote() << w.message();
        }
    }

    QList<CacheEntry> result;
    result.reserve(static_cast<qsizetype>(current.size()));
    for (const Record& r : current) {
        result.append(toSummary(r));
    }
    return result;
}

} // namespace dist
