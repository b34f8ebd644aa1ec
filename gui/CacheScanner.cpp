// SPDX-License-Identifier: MIT
#include "CacheScanner.h"

#include <cache/CacheLayout.h>

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QtConcurrent/QtConcurrentRun>

namespace dist::gui {

CacheScanner::CacheScanner(const QString& root, QObject* parent)
    : QObject(parent)
    , m_root(root)
{
    qRegisterMetaType<CacheSnapshot>();
    m_debounce.setSingleShot(true);
    connect(&m_debounce, &QTimer::timeout, this, &CacheScanner::start);
    connect(&m_future, &QFutureWatcher<CacheSnapshot>::finished, this, &CacheScanner::finished);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &CacheScanner::directoryChanged);
    watchDirectories();
}

CacheScanner::~CacheScanner()
{
    m_future.waitForFinished();
}

void CacheScanner::requestScan(int delayMs)
{
    m_full = true;
    schedule(delayMs);
}

void CacheScanner::directoryChanged(const QString& path)
{
    // An entry appears or goes as a directory in its prefix directory: only that prefix is read
    // again. A bundle record changes in bundles/, which every refresh re-reads anyway. A new prefix
    // directory shows up as a change of artifacts/; anything else asks for a full scan.
    const CacheLayout layout(m_root);
    const QFileInfo changed(path);
    if (changed.absolutePath() == QFileInfo(layout.artifactsDir()).absoluteFilePath()
        && changed.fileName().size() == 2) {
        m_prefixes << changed.fileName();
    } else if (QFileInfo(path) == QFileInfo(layout.artifactsDir())) {
        const QStringList now = QDir(layout.artifactsDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QSet<QString> known(m_watchedPrefixes.cbegin(), m_watchedPrefixes.cend());
        for (const QString& prefix : now) {
            if (!known.remove(prefix)) {
                m_prefixes << prefix; // new: read it
            }
        }
        m_full = m_full || !known.isEmpty(); // a prefix directory went: rare, read everything
    } else if (QFileInfo(path) != QFileInfo(layout.bundlesDir())) {
        m_full = true;
    }
    schedule(150);
}

void CacheScanner::schedule(int delayMs)
{
    if (m_running) {
        m_again = true;
        return;
    }
    m_debounce.start(delayMs);
}

void CacheScanner::start()
{
    m_running = true;
    m_again = false;
    const QString root = m_root;
    // The first scan shows what the index remembers straight away (100,000 entries take well under
    // a second that way, against a stat of every entry for the checked scan), and checks it next.
    const bool rememberFirst = !m_scannedBefore;
    m_scannedBefore = true;
    const int generation = ++m_started;
    // What the watcher named, over the last snapshot; a full (checked) scan when asked for one or
    // when there is no checked snapshot to start from.
    const bool partial = !m_full && m_last.checked && m_last.generation > 0;
    const QStringList prefixes(m_prefixes.cbegin(), m_prefixes.cend());
    m_full = false;
    m_prefixes.clear();
    const CacheSnapshot last = partial ? m_last : CacheSnapshot();
    m_future.setFuture(QtConcurrent::run([root, rememberFirst, generation, partial, prefixes, last] {
        std::optional<CacheSnapshot> s;
        if (partial) {
            s = CacheSnapshot::refreshed(last, prefixes);
        }
        if (!s && rememberFirst) {
            s = CacheSnapshot::remembered(root);
        }
        if (!s) {
            s = CacheSnapshot::read(root);
        }
        s->generation = generation;
        return std::move(*s);
    }));
}

void CacheScanner::finished()
{
    m_running = false;
    watchDirectories();
    const CacheSnapshot snapshot = m_future.result();
    m_last = snapshot;
    Q_EMIT scanned(snapshot);
    if (!snapshot.checked) {
        m_again = false;
        requestScan(0); // the check of what was remembered: a full scan
    } else if (m_again) {
        schedule(150);
    }
}

void CacheScanner::watchDirectories()
{
    // Entries appear and disappear as directories under artifacts/sha256/<2 hex>/, bundle records
    // under bundles/; touching an entry rewrites entry.json inside its own directory, which is not
    // watched: last-used times refresh with the next structural change or an explicit refresh.
    const CacheLayout layout(m_root);
    QDir().mkpath(layout.artifactsDir());
    QDir().mkpath(layout.bundlesDir());
    QStringList dirs{m_root, layout.artifactsDir(), layout.bundlesDir()};
    const QDir base(layout.artifactsDir());
    m_watchedPrefixes = base.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& prefix : std::as_const(m_watchedPrefixes)) {
        dirs << base.filePath(prefix);
    }
    QStringList missing;
    const QStringList watched = m_watcher.directories();
    for (const QString& d : std::as_const(dirs)) {
        if (!watched.contains(d)) {
            missing << d;
        }
    }
    if (!missing.isEmpty()) {
        m_watcher.addPaths(missing);
    }
}

} // namespace dist::gui
