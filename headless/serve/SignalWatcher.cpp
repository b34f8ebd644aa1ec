// SPDX-License-Identifier: MIT
#include "SignalWatcher.h"

#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dist::serve {

namespace {

int g_fds[2] = {-1, -1};

extern "C" void onSignal(int signal)
{
    const unsigned char byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const ssize_t n = ::write(g_fds[0], &byte, 1);
}

void install(void (*handler)(int))
{
    struct sigaction sa = {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

} // namespace

SignalWatcher::SignalWatcher(Handler handler, QObject* parent)
    : QObject(parent)
    , m_handler(std::move(handler))
{
    if (g_fds[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, g_fds) != 0) {
        return; // without the pipe the default disposition (terminate) stays, which is still safe
    }
    m_notifier = std::make_unique<QSocketNotifier>(g_fds[1], QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &SignalWatcher::onReadable);
    install(onSignal);
}

SignalWatcher::~SignalWatcher()
{
    if (m_notifier) {
        install(SIG_DFL);
    }
}

void SignalWatcher::onReadable()
{
    unsigned char byte = 0;
    while (::read(g_fds[1], &byte, 1) == 1) {
        if (m_handler) {
            m_handler(byte);
        }
    }
}

} // namespace dist::serve
