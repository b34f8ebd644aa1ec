// SPDX-License-Identifier: MIT
// Runs a fuzz target without libFuzzer, so the ordinary (gcc, and gcc+ASan) build tests it:
//   replay_<target> DIR|FILE...                     every corpus input once
//   replay_<target> --mutate SECONDS [--seed N] DIR...  then random mutations of them for a while
// The mutation run is a smoke test, not a substitute for scripts/fuzz.sh; with the seed it prints,
// a failure is reproducible.
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// The input being run, written to fuzz-crash.bin if the target aborts or crashes, so a failure
// found by mutation can be replayed (`replay_<target> fuzz-crash.bin`).
const QByteArray* g_current = nullptr;

extern "C" void saveCrashInput(int signal)
{
    if (g_current) {
        const int fd = ::open("fuzz-crash.bin", O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (fd >= 0) {
            [[maybe_unused]] const ssize_t n = ::write(fd, g_current->constData(), size_t(g_current->size()));
            ::close(fd);
        }
        const char note[] = "replay: the failing input is in fuzz-crash.bin\n";
        [[maybe_unused]] const ssize_t m = ::write(STDERR_FILENO, note, sizeof note - 1);
    }
    ::signal(signal, SIG_DFL);
    ::raise(signal);
}

void runOne(const QByteArray& bytes)
{
    g_current = &bytes;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.constData()), static_cast<size_t>(bytes.size()));
}

const char* const kTokens[] = {"{",   "}",   "[",  "]",     "\"",   ":",       ",", "null", "true",  "sha256:",
                               "@",   "/",   "..", "\n",    "\t",   "\xff",    "0", "-1",   "1e999", "9007199254740993",
                               "---", "&a ", "*a", "!!str", "<<: ", "\\u0000", "#", "=",    "[[",    "]]"};

QByteArray mutate(QByteArray in, const QList<QByteArray>& pool, QRandomGenerator& rng)
{
    const int rounds = 1 + int(rng.bounded(4));
    for (int r = 0; r < rounds; ++r) {
        const qsizetype n = in.size();
        const qsizetype at = n > 0 ? qsizetype(rng.bounded(quint32(n))) : 0;
        switch (rng.bounded(8)) {
        case 0:
            if (n > 0) {
                in[at] = char(in[at] ^ char(1 << rng.bounded(8)));
            }
            break;
        case 1:
            if (n > 0) {
                in[at] = char(rng.bounded(256));
            }
            break;
        case 2:
            in.insert(at, char(rng.bounded(256)));
            break;
        case 3:
            if (n > 0) {
                in.remove(at, qsizetype(rng.bounded(quint32(qMin<qsizetype>(n - at, 16)) + 1)));
            }
            break;
        case 4:
            if (n > 0) {
                in.insert(at, in.mid(at, qsizetype(rng.bounded(quint32(qMin<qsizetype>(n - at, 64)) + 1))));
            }
            break;
        case 5:
            in.truncate(at);
            break;
        case 6: {
            const QByteArray& other = pool.at(qsizetype(rng.bounded(quint32(pool.size()))));
            const qsizetype from = other.isEmpty() ? 0 : qsizetype(rng.bounded(quint32(other.size())));
            in.insert(at, other.mid(from, 64));
            break;
        }
        default:
            in.insert(at, kTokens[rng.bounded(quint32(std::size(kTokens)))]);
        }
        if (in.size() > 65536) {
            in.truncate(65536);
        }
    }
    return in;
}

} // namespace

int main(int argc, char** argv)
{
    for (int s : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
        ::signal(s, saveCrashInput);
    }
    double seconds = 0;
    quint64 seed = QRandomGenerator::system()->generate64();
    QList<QByteArray> pool;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg = argv[i];
        if (arg == "--mutate" && i + 1 < argc) {
            seconds = QByteArray(argv[++i]).toDouble();
            continue;
        }
        if (arg == "--seed" && i + 1 < argc) {
            seed = QByteArray(argv[++i]).toULongLong();
            continue;
        }
        const QString path = QString::fromLocal8Bit(arg);
        QStringList files;
        if (QFileInfo(path).isDir()) {
            QDirIterator it(path, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                files << it.next();
            }
        } else {
            files << path;
        }
        for (const QString& name : files) {
            QFile f(name);
            if (!f.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "cannot read %s\n", qPrintable(name));
                return 1;
            }
            pool << f.readAll();
            runOne(pool.last());
        }
    }
    std::printf("replayed %lld inputs\n", static_cast<long long>(pool.size()));
    if (pool.isEmpty()) {
        return 1;
    }
    if (seconds > 0) {
        std::printf("mutating for %.1f s with --seed %llu\n", seconds, static_cast<unsigned long long>(seed));
        std::fflush(stdout);
        QRandomGenerator rng(seed);
        QElapsedTimer timer;
        timer.start();
        long long runs = 0;
        while (timer.elapsed() < qint64(seconds * 1000)) {
            runOne(mutate(pool.at(qsizetype(rng.bounded(quint32(pool.size())))), pool, rng));
            ++runs;
        }
        std::printf("%lld mutated inputs, no failure\n", runs);
    }
    return 0;
}
