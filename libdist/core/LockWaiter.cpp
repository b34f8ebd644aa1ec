// SPDX-License-Identifier: MIT
#include "LockWaiter.h"

#include <QDir>
#include <QFileInfo>

namespace dist {

void LockWaiter::acquire(const QString& path, QObject* context, Done done, std::function<void()> onWait)
{
    new LockWaiter(path, context, std::move(done), std::move(onWait));
}

LockWaiter::LockWaiter(const QString& path, QObject* context, Done done, std::function<void()> onWait)
    : QObject(context)
    , m_lock(std::make_shared<QLockFile>(path))
    , m_done(std::move(done))
    , m_onWait(std::move(onWait))
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    m_lock->setStaleLockTime(0);
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &LockWaiter::attempt);
    QTimer::singleShot(0, this, &LockWaiter::attempt);
}

void LockWaiter::attempt()
{
    if (m_lock->tryLock(0)) {
        m_timer.stop();
        Done done = std::move(m_done);
        deleteLater();
        done(m_lock);
        return;
    }
    if (m_lock->error() == QLockFile::PermissionError || m_lock->error() == QLockFile::UnknownError) {
        m_timer.stop();
        Done done = std::move(m_done);
        deleteLater();
        done(makeError(ErrorCode::Io, QStringLiteral("cannot create lock file `%1`").arg(m_lock->fileName())));
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
