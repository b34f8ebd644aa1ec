// SPDX-License-Identifier: MIT
// Measures the operator window on a big cache (see bench/gui): time to the first paint with all
// rows, time to sort 10,000 rows by size, and the longest the UI thread went without handling
// events while a scan ran (a 5 ms heartbeat timer tells).
//   gui-bench <cache-root>
#include "CacheEntryModel.h"
#include "CacheScanner.h"
#include "MainWindow.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QNetworkAccessManager>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

using namespace dist::gui;

namespace {

// Records the longest gap between heartbeats while armed.
class Heartbeat : public QObject
{
public:
    Heartbeat()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.elapsed();
            if (m_armed && m_last >= 0) {
                m_maxGap = std::max(m_maxGap, now - m_last);
            }
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    void arm()
    {
        m_armed = true;
        m_maxGap = 0;
        m_last = m_clock.elapsed();
    }
    qint64 disarm()
    {
        m_armed = false;
        return m_maxGap;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    qint64 m_maxGap = 0;
    bool m_armed = false;
};

class PaintSpy : public QObject
{
public:
    bool painted = false;
    bool eventFilter(QObject*, QEvent* e) override
    {
        if (e->type() == QEvent::Paint) {
            painted = true;
        }
        return false;
    }
};

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("greentic-bench"));
    QTextStream out(stdout);
    if (argc < 2) {
        out << "usage: gui-bench <cache-root>" << Qt::endl;
        return 2;
    }
    const QString root = QString::fromLocal8Bit(argv[1]);
    QNetworkAccessManager nam;
    Heartbeat heartbeat;

    QElapsedTimer timer;
    timer.start();
    heartbeat.arm();
    MainWindow window(root, &nam);
    PaintSpy spy;
    window.cacheView()->viewport()->installEventFilter(&spy);
    window.show();
    const qint64 constructed = timer.elapsed();
    if (!QTest::qWaitFor([&] { return window.snapshotsApplied() > 0; }, 60000)) {
        out << "the cache did not load" << Qt::endl;
        return 1;
    }
    spy.painted = false;
    window.cacheView()->viewport()->update();
    (void)QTest::qWaitFor([&] { return spy.painted; }, 10000);
    const qint64 firstPaint = timer.elapsed();
    const qint64 initialStall = heartbeat.disarm();
    const int rows = window.cacheModel()->rowCount();

    timer.restart();
    window.cacheView()->sortByColumn(CacheEntryModel::SizeColumn, Qt::DescendingOrder);
    const qint64 sortMs = timer.elapsed();

    // A rescan of the same cache while the window is up (what file watching triggers).
    const int before = window.snapshotsApplied();
    heartbeat.arm();
    timer.restart();
    window.scanner()->requestScan(0);
    (void)QTest::qWaitFor([&] { return window.snapshotsApplied() > before; }, 60000);
    const qint64 rescanMs = timer.elapsed();
    const qint64 rescanStall = heartbeat.disarm();

    out << "rows: " << rows << Qt::endl;
    out << "window constructed: " << constructed << " ms" << Qt::endl;
    out << "first paint with all rows: " << firstPaint << " ms (target <= 1500)" << Qt::endl;
    out << "sort by size: " << sortMs << " ms (target <= 200)" << Qt::endl;
    out << "longest UI-thread stall during the first load: " << initialStall << " ms" << Qt::endl;
    out << "rescan: " << rescanMs << " ms; longest UI-thread stall during it: " << rescanStall << " ms (target <= 50)"
        << Qt::endl;
    return 0;
}
