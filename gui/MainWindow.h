// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

class QLabel;

namespace dist::gui {

// The operator window. For now a shell that shows where the cache is and how much it holds;
// the cache, bundle, retention, pull and credential views arrive with the GUI issue.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const QString& cacheRoot, QWidget* parent = nullptr);
    ~MainWindow() override;

    const QString& cacheRoot() const { return m_cacheRoot; }

private:
    void refresh();

    QString m_cacheRoot;
    QLabel* m_summary;
};

} // namespace dist::gui
