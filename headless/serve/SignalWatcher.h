// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <functional>
#include <memory>

namespace dist::serve {

// Turns SIGINT and SIGTERM into a call on the event loop (self-pipe: the handler only writes a
// byte), so a long-running command can shut down cleanly instead of dying mid-response.
class SignalWatcher final : public QObject
{
public:
    using Handler = std::function<void(int signal)>;

    explicit SignalWatcher(Handler handler, QObject* parent = nullptr);
    ~SignalWatcher() override;

    bool isActive() const { return m_notifier != nullptr; }

private:
    void onReadable();

    Handler m_handler;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace dist::serve
