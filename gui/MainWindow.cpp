// SPDX-License-Identifier: MIT
#include "MainWindow.h"

#include <dist/Cache.h>

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QVBoxLayout>

namespace dist::gui {

MainWindow::MainWindow(const QString& cacheRoot, QWidget* parent)
    : QMainWindow(parent)
    , m_cacheRoot(cacheRoot)
    , m_summary(new QLabel(this))
{
    setWindowTitle(tr("greentic-dist"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/greentic-dist.svg")));
    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* refreshAction = fileMenu->addAction(tr("&Refresh"), this, &MainWindow::refresh);
    refreshAction->setShortcut(QKeySequence::Refresh);
    auto* quitAction = fileMenu->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quitAction->setShortcut(QKeySequence::Quit);

    m_summary->setObjectName(QStringLiteral("cacheSummary"));
    m_summary->setAlignment(Qt::AlignCenter);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setCentralWidget(m_summary);
    resize(900, 560);
    refresh();
}

MainWindow::~MainWindow() = default;

void MainWindow::refresh()
{
    // Listing digests reads directory names only; entry details load with the cache view.
    const Cache cache(m_cacheRoot);
    const auto count = cache.digests().size();
    m_summary->setText(tr("Cache: %1\n%n entries", nullptr, static_cast<int>(count)).arg(cache.root()));
    statusBar()->showMessage(cache.root());
}

} // namespace dist::gui
