// SPDX-License-Identifier: MIT
#include "CacheScanner.h"

#include <cache/CacheLayout.h>

#include <QDir>
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
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] { requestScan(); });
    watchDirectories();
}

CacheScanner::~CacheScanner()
{
    m_future.waitForFinished();
}

void CacheScanner::requestScan(int delayMs)
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
    m_future.setFuture(QtConcurrent::run([root, rememberFirst, generation] {
        std::optional<CacheSnapshot> s;
        if (rememberFirst) {
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
    Q_EMIT scanned(snapshot);
    if (!snapshot.checked) {
        m_again = false;
        requestScan(0);
    } else if (m_again) {
        requestScan();
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
    for (const QString& prefix : base.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
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
