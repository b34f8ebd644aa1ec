// SPDX-License-Identifier: MIT
#pragma once

#include <QDialog>
#include <QHash>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace dist {
class DistClient;
}

namespace dist::gui {

// Pull one or more references (one per line), with progress per artifact and a cancel button.
class PullDialog final : public QDialog
{
    Q_OBJECT

public:
    PullDialog(DistClient& client, QWidget* parent = nullptr);

    void setReferences(const QStringList& references);
    void start();
    void cancel();
    bool isRunning() const { return m_running > 0; }
    QTreeWidget* progressList() const { return m_list; }

Q_SIGNALS:
    void pulled();

private:
    void onProgress(const QString& reference, qint64 received, qint64 total);
    void finishOne(QTreeWidgetItem* item, bool ok, const QString& text);

    DistClient& m_client;
    QPlainTextEdit* m_refs;
    QTreeWidget* m_list;
    QPushButton* m_pull;
    QPushButton* m_cancel;
    QLabel* m_status;
    QHash<QString, QTreeWidgetItem*> m_items;
    int m_running = 0;
};

} // namespace dist::gui
