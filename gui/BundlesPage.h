// SPDX-License-Identifier: MIT
#pragma once

#include "CacheSnapshot.h"

#include <QFutureWatcher>
#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QToolButton;

namespace dist {
class DistClient;
}

namespace dist::gui {

class BundleModel;
class LifecycleDiagram;

// Bundles and their lifecycle: the records with their state, the state diagram with only the
// legal next states clickable, and stage / warm / rollback.
class BundlesPage final : public QWidget
{
    Q_OBJECT

public:
    BundlesPage(DistClient& client, QWidget* parent = nullptr);
    ~BundlesPage() override;

    void setSnapshot(const CacheSnapshot& snapshot);
    BundleModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    QTableView* view() const { return m_view; }
    LifecycleDiagram* diagram() const { return m_diagram; }
    QToolButton* moveButton() const { return m_move; }
    QString selectedId() const;
    // Moves the selected bundle along a legal edge (what the diagram and the menu do).
    void transition(BundleState to);
    void stage(const QString& reference);
    void warmSelected(bool dryRun);
    void rollbackSelected();

Q_SIGNALS:
    void changed();
    void message(const QString& text);

private:
    void selectionChanged();
    void rebuildMoveMenu();

    DistClient& m_client;
    BundleModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    LifecycleDiagram* m_diagram;
    QLabel* m_status;
    QToolButton* m_move;
    QPushButton* m_warm;
    QPushButton* m_rollback;
    QFutureWatcher<QString> m_work;
    QString m_keepSelected;
};

} // namespace dist::gui
