// SPDX-License-Identifier: MIT
#include "LockWaiter.h"

#include <QDir>
#include <QFileInfo>
#include <QThread>

namespace dist {

void LockWaiter::acquire(const QString& path, QObject* context, Done done, std::function<void()> onWait, int timeoutMs)
{
    new LockWaiter(path, context, std::move(done), std::move(onWait), timeoutMs);
}

Result<std::unique_ptr<QLockFile>> LockWaiter::acquireBrief(const QString& path, int boundMs)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    auto lock = std::make_unique<QLockFile>(path);
    lock->setStaleLockTime(0); // a dead holder is found by its PID, never by age
    QElapsedTimer waited;
    waited.start();
    while (!lock->tryLock(0)) {
        if (lock->error() != QLockFile::LockFailedError || waited.elapsed() > boundMs) {
            return makeError(ErrorCode::Io, QStringLiteral("cannot lock `%1`").arg(path),
                             lock->error() == QLockFile::LockFailedError ? ErrorDetail::LockBusy : ErrorDetail::None);
        }
        QThread::usleep(500);
    }
    return lock;
}

LockWaiter::LockWaiter(const QString& path, QObject* context, Done done, std::function<void()> onWait, int timeoutMs)
    : QObject(context)
    , m_lock(std::make_shared<QLockFile>(path))
    , m_done(std::move(done))
    , m_onWait(std::move(onWait))
    , m_timeoutMs(timeoutMs)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    m_lock->setStaleLockTime(0);
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &LockWaiter::attempt);
    m_waited.start();
    QTimer::singleShot(0, this, &LockWaiter::attempt);
}

void LockWaiter::deliver(Result<std::shared_ptr<QLockFile>> result)
{
    m_timer.stop();
    Done done = std::move(m_done);
    deleteLater();
    done(std::move(result));
}

void LockWaiter::attempt()
{
    if (m_lock->tryLock(0)) {
        deliver(m_lock);
        return;
    }
    if (m_lock->error() == QLockFile::PermissionError || m_lock->error() == QLockFile::UnknownError) {
        deliver(makeError(ErrorCode::Io, QStringLiteral("cannot create lock file `%1`").arg(m_lock->fileName())));
        return;
    }
    if (m_timeoutMs >= 0 && m_waited.elapsed() >= m_timeoutMs) {
        deliver(makeError(ErrorCode::Io, QStringLiteral("`%1` is held by another process").arg(m_lock->fileName()),
                          ErrorDetail::LockBusy));
        return;
    }
    if (!m_notified) {
        m_notified = true;
        if (m_onWait) {
            m_onWait();
        }
    }
    if (!m_timer.isActive()) {
        m_timer.start();
    }
}

} // namespace dist
