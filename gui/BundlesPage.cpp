// SPDX-License-Identifier: MIT
#include "BundlesPage.h"

#include "BundleModel.h"
#include "LifecycleDiagram.h"

#include <bundles/BundleStore.h>
#include <client/BundleLifecycle.h>
#include <client/DistClient.h>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace dist::gui {

BundlesPage::BundlesPage(DistClient& client, QWidget* parent)
    : QWidget(parent)
    , m_client(client)
    , m_model(new BundleModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
    , m_diagram(new LifecycleDiagram(this))
    , m_status(new QLabel(this))
    , m_move(new QToolButton(this))
    , m_warm(new QPushButton(tr("&Warm"), this))
    , m_rollback(new QPushButton(tr("R&ollback"), this))
{
    setObjectName(QStringLiteral("bundlesPage"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(BundleModel::SortRole);
    m_view->setObjectName(QStringLiteral("bundleTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(BundleModel::IdColumn, 320);
    m_view->setColumnWidth(BundleModel::FetchedColumn, 140);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);

    auto* stageButton = new QPushButton(tr("&Stage…"), this);
    m_move->setText(tr("&Move to"));
    m_move->setObjectName(QStringLiteral("moveButton"));
    m_move->setPopupMode(QToolButton::InstantPopup);
    m_move->setMenu(new QMenu(m_move));
    m_warm->setObjectName(QStringLiteral("warmButton"));
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_status->setObjectName(QStringLiteral("bundleStatus"));
    m_status->setWordWrap(true);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(stageButton);
    buttons->addWidget(m_move);
    buttons->addWidget(m_warm);
    buttons->addWidget(m_rollback);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_view, 3);
    layout->addLayout(buttons);
    layout->addWidget(m_diagram, 2);
    layout->addWidget(m_status);

    connect(stageButton, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString ref
            = QInputDialog::getText(this, tr("Stage a bundle"), tr("Reference:"), QLineEdit::Normal, QString(), &ok);
        if (ok && !ref.trimmed().isEmpty()) {
            stage(ref.trimmed());
        }
    });
    connect(m_warm, &QPushButton::clicked, this, [this] { warmSelected(false); });
    connect(m_rollback, &QPushButton::clicked, this, &BundlesPage::rollbackSelected);
    connect(m_diagram, &LifecycleDiagram::transitionRequested, this, &BundlesPage::transition);
    connect(m_diagram, &LifecycleDiagram::transitionRefused, this, [this](BundleState, const QString& why) {
        m_status->setText(why);
        Q_EMIT message(why);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &BundlesPage::selectionChanged);
    connect(&m_work, &QFutureWatcher<QString>::finished, this, [this] {
        m_status->setText(m_work.result());
        Q_EMIT message(m_work.result());
        Q_EMIT changed();
    });
    selectionChanged();
}

BundlesPage::~BundlesPage()
{
    m_work.waitForFinished();
}

QString BundlesPage::selectedId() const
{
    const QModelIndexList rows
        = m_view->selectionModel() ? m_view->selectionModel()->selectedRows() : QModelIndexList();
    return rows.isEmpty() ? QString() : rows.first().data(BundleModel::IdRole).toString();
}

void BundlesPage::setSnapshot(const CacheSnapshot& snapshot)
{
    const QString keep = m_keepSelected.isEmpty() ? selectedId() : m_keepSelected;
    m_keepSelected.clear();
    m_model->setRecords(snapshot.bundleList, snapshot.entries);
    if (!snapshot.bundleError.isEmpty()) {
        m_status->setText(snapshot.bundleError);
    }
    const int row = m_model->rowOf(keep);
    if (row >= 0) {
        m_view->selectRow(m_proxy->mapFromSource(m_model->index(row, 0)).row());
    }
    selectionChanged();
}

void BundlesPage::selectionChanged()
{
    const QString id = selectedId();
    const int row = m_model->rowOf(id);
    const BundleRecord* record = m_model->recordAt(row);
    m_diagram->setCurrent(record ? std::optional<BundleState>(record->state) : std::nullopt);
    m_warm->setEnabled(record != nullptr);
    m_rollback->setEnabled(record != nullptr);
    rebuildMoveMenu();
}

void BundlesPage::rebuildMoveMenu()
{
    QMenu* menu = m_move->menu();
    menu->clear();
    const auto current = m_diagram->current();
    const QList<BundleState> targets = current ? legalTargets(*current) : QList<BundleState>();
    for (BundleState to : targets) {
        QAction* a = menu->addAction(bundleStateName(to));
        connect(a, &QAction::triggered, this, [this, to] { transition(to); });
    }
    m_move->setEnabled(!targets.isEmpty());
}

void BundlesPage::transition(BundleState to)
{
    const QString id = selectedId();
    if (id.isEmpty()) {
        return;
    }
    auto r = BundleStore(m_client.cache().root()).setState(id, to);
    const QString text = r ? tr("%1 is now %2").arg(id, bundleStateName(to)) : r.message();
    m_status->setText(text);
    Q_EMIT message(text);
    m_keepSelected = id;
    Q_EMIT changed();
}

void BundlesPage::stage(const QString& reference)
{
    m_status->setText(tr("Staging %1…").arg(reference));
    auto lifecycle = std::make_shared<BundleLifecycle>(m_client);
    lifecycle->stage(
        reference, VerificationPolicy{}, std::nullopt, [this, lifecycle, reference](Result<StageResult> r) {
            const QString text = !r ? r.message()
                : r->stateUnchanged
                ? tr("%1 is %2; its state was left as it is").arg(r->record.bundleId, bundleStateName(r->record.state))
                : tr("Staged %1 as %2").arg(reference, r->record.bundleId);
            if (r) {
                m_keepSelected = r->record.bundleId;
            }
            m_status->setText(text);
            Q_EMIT message(text);
            Q_EMIT changed();
        });
}

void BundlesPage::warmSelected(bool dryRun)
{
    const QString id = selectedId();
    if (id.isEmpty() || m_work.isRunning()) {
        return;
    }
    m_keepSelected = id;
    m_status->setText(tr("Warming %1…").arg(id));
    DistClient* client = &m_client;
    // Re-hashing a large blob takes a while: off the UI thread. No network is involved.
    m_work.setFuture(QtConcurrent::run([client, id, dryRun] {
        BundleLifecycle lifecycle(*client);
        auto r = lifecycle.warm(id, dryRun, false, QString(), VerificationPolicy{}, std::nullopt);
        if (!r) {
            return r.message();
        }
        return QObject::tr("%1 warmed (%2)%3")
            .arg(id, r->open.openMode,
                 r->warnings.isEmpty() ? QString() : QStringLiteral(" — ") + r->warnings.join(QStringLiteral("; ")));
    }));
}

void BundlesPage::rollbackSelected()
{
    const QString id = selectedId();
    if (id.isEmpty() || m_work.isRunning()) {
        return;
    }
    m_keepSelected = id;
    m_status->setText(tr("Rolling back to %1…").arg(id));
    DistClient* client = &m_client;
    m_work.setFuture(QtConcurrent::run([client, id] {
        BundleLifecycle lifecycle(*client);
        auto r = lifecycle.rollback(id, QString(), VerificationPolicy{}, std::nullopt);
        return r ? QObject::tr("%1 reopened from the cache and verified").arg(id) : r.message();
    }));
}

} // namespace dist::gui
