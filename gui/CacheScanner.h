// SPDX-License-Identifier: MIT
#pragma once

#include "CacheSnapshot.h"

#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace dist::gui {

// Keeps a snapshot of the cache current: scans on a worker thread (never on the UI thread), first
// emitting what the entry index remembers and then the checked scan; watches the cache directories
// so changes made by the CLI show up, and coalesces bursts of changes into one rescan.
class CacheScanner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheScanner)

public:
    explicit CacheScanner(const QString& root, QObject* parent = nullptr);
    ~CacheScanner() override;

    const QString& root() const { return m_root; }
    // A full scan soon (changes arriving together become one scan). Changes the watcher sees are
    // applied by reading only the prefix directories they touched.
    void requestScan(int delayMs = 150);
    bool isScanning() const { return m_running; }
    // Scans started so far; each snapshot carries its number (CacheSnapshot::generation), so a
    // caller can wait for one that began after a change of its own.
    int scansStarted() const { return m_started; }

Q_SIGNALS:
    void scanned(const dist::gui::CacheSnapshot& snapshot);

private:
    void start();
    void schedule(int delayMs);
    void directoryChanged(const QString& path);
    void finished();
    void watchDirectories();

    QString m_root;
    QTimer m_debounce;
    QFutureWatcher<CacheSnapshot> m_future;
    QFileSystemWatcher m_watcher;
    bool m_running = false;
    bool m_again = false;
    bool m_scannedBefore = false;
    int m_started = 0;
    bool m_full = true; // the next scan reads everything
    QSet<QString> m_prefixes; // prefix directories the watcher named since the last scan
    QStringList m_watchedPrefixes;
    CacheSnapshot m_last; // the last one emitted: what a partial refresh starts from
};

} // namespace dist::gui
