// SPDX-License-Identifier: MIT
#include "BatchPuller.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace dist {

void BatchPuller::run(QObject* context, PullOne pull, const QList<LockEntry>& entries, int jobs, Done done)
{
    struct State
    {
        QList<LockEntry> entries;
        QList<PullResult> results;
        qsizetype next = 0;
        int running = 0;
        int jobs = 1;
        std::optional<Error> error;
        qsizetype errorIndex = -1;
        PullOne pull;
        Done done;
        bool finished = false;
    };
    auto state = std::make_shared<State>();
    state->entries = entries;
    state->results.resize(entries.size());
    state->jobs = std::max(1, jobs);
    state->pull = std::move(pull);
    state->done = std::move(done);

    // The launcher holds itself only weakly; the pulls in flight hold it strongly, so it is freed
    // with the last of them (even when the caller quits its event loop right after `done`).
    auto launch = std::make_shared<std::function<void()>>();
    std::weak_ptr<std::function<void()>> weakLaunch = launch;
    *launch = [state, weakLaunch] {
        while (state->running < state->jobs && state->next < state->entries.size() && !state->error) {
            const qsizetype i = state->next++;
            ++state->running;
            const LockEntry& e = state->entries.at(i);
            auto onDone = [state, launch = weakLaunch.lock(), i](Result<PullResult> r) {
                --state->running;
                if (r) {
                    state->results[i] = r.value();
                } else if (!state->error || i < state->errorIndex) {
                    state->error = r.error();
                    state->errorIndex = i;
                }
                (*launch)();
            };
            state->pull(e.reference.isEmpty() ? e.digest.toString() : e.reference, e.digest, onDone);
        }
        const bool allStarted = state->next >= state->entries.size() || state->error;
        if (allStarted && state->running == 0 && !state->finished) {
            state->finished = true;
            auto cb = std::move(state->done);
            if (state->error) {
                cb(*state->error);
            } else {
                cb(state->results);
            }
        }
    };
    QTimer::singleShot(0, context, [launch] { (*launch)(); });
}

} // namespace dist
