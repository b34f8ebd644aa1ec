// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPromise>
#include <QThreadPool>

#include <memory>
#include <utility>

namespace dist {

// Runs `work` on the global thread pool and hands its result to `done` on the context's thread,
// from the event loop. Nothing is delivered once the context is gone: the watcher that would
// deliver it is the context's child. `work` must not touch objects of the calling thread.
template <typename T, typename Work, typename Done>
void runInBackground(QObject* context, Work work, Done done, QThreadPool* pool = QThreadPool::globalInstance())
{
    auto* watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, watcher, [watcher, done = std::move(done)]() mutable {
        watcher->deleteLater();
        done(watcher->future().result());
    });
    auto promise = std::make_shared<QPromise<T>>();
    watcher->setFuture(promise->future());
    promise->start();
    pool->start([promise, work = std::move(work)]() mutable {
        promise->addResult(work());
        promise->finish();
    });
}

} // namespace dist
