// SPDX-License-Identifier: MIT
#pragma once

#include "Result.h"

#include <QElapsedTimer>
#include <QLockFile>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

namespace dist {

// Acquires a QLockFile without blocking the event loop: tries, then polls. The holder of a lock
// that died (kill -9) is detected by PID and its lock taken over; age alone never breaks a lock,
// since a long download legitimately holds it for minutes.
class LockWaiter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LockWaiter)

public:
    using Done = std::function<void(Result<std::shared_ptr<QLockFile>>)>;

    // `onWait` is called once if the lock is busy, so a front end can say what it is waiting for.
    // With a timeout (ms, >= 0) a lock still busy by then is a LockBusy error; without, it waits.
    static void acquire(const QString& path, QObject* context, Done done, std::function<void()> onWait = {},
                        int timeoutMs = -1);
    // For a lock that every holder keeps for one read and one atomic write (an entry.json, the
    // bundle records, the credentials file), never across a download: taken at once, polled in
    // half-millisecond steps while another holder finishes (QLockFile::tryLock(timeout) would sleep
    // 100 ms at a time), LockBusy only past `boundMs`, which means something is badly wrong.
    static Result<std::unique_ptr<QLockFile>> acquireBrief(const QString& path, int boundMs = 5000);

private:
    LockWaiter(const QString& path, QObject* context, Done done, std::function<void()> onWait, int timeoutMs);
    void attempt();
    void deliver(Result<std::shared_ptr<QLockFile>> result);

    std::shared_ptr<QLockFile> m_lock;
    Done m_done;
    std::function<void()> m_onWait;
    QTimer m_timer;
    QElapsedTimer m_waited;
    int m_timeoutMs = -1;
    bool m_notified = false;
};

} // namespace dist
