// SPDX-License-Identifier: MIT
#pragma once

#include <QProcess>
#include <QtGlobal>

namespace dist::test {

// Every bound a test waits under is written for an idle machine and multiplied by one factor:
// DIST_TEST_TIMEOUT_FACTOR from the environment, or the build's (the sanitizer build sets 3),
// whichever is larger. A bound only ends a wait that failed; no outcome depends on it.
int timeoutFactor();
int scaled(int milliseconds);

// Waits until something accepts TCP connections on 127.0.0.1:port, while the event loop runs;
// false when the deadline passes or the process that should listen has exited.
bool waitForListening(quint16 port, const QProcess& process, int milliseconds);

} // namespace dist::test
