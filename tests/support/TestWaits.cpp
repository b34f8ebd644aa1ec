// SPDX-License-Identifier: MIT
#include "TestWaits.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>

#ifndef DIST_TEST_TIMEOUT_FACTOR
#define DIST_TEST_TIMEOUT_FACTOR 1
#endif

namespace dist::test {

int timeoutFactor()
{
    static const int factor = [] {
        bool ok = false;
        const int fromEnv = qEnvironmentVariableIntValue("DIST_TEST_TIMEOUT_FACTOR", &ok);
        return std::clamp(std::max(ok ? fromEnv : 1, DIST_TEST_TIMEOUT_FACTOR), 1, 100);
    }();
    return factor;
}

int scaled(int milliseconds)
{
    return milliseconds * timeoutFactor();
}

bool waitForListening(quint16 port, const QProcess& process, int milliseconds)
{
    const QDeadlineTimer deadline(scaled(milliseconds));
    while (process.state() != QProcess::NotRunning) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, port);
        // A refused connection answers at once; the wait below is for the server, not a delay.
        const bool connected = QTest::qWaitFor(
            [&] {
                return probe.state() == QAbstractSocket::ConnectedState
                    || probe.state() == QAbstractSocket::UnconnectedState;
            },
            int(std::max<qint64>(1, deadline.remainingTime())));
        if (connected && probe.state() == QAbstractSocket::ConnectedState) {
            return true;
        }
        if (deadline.hasExpired()) {
            return false;
        }
        // Nothing listens yet: let the process run before the next attempt.
        QTest::qWait(20);
    }
    return false;
}

} // namespace dist::test
