// SPDX-License-Identifier: MIT
#include "MainWindow.h"

#include "BundlesPage.h"
#include "CacheEntryModel.h"
#include "CacheEntryProxy.h"
#include "CacheGroupModel.h"
#include "CacheScanner.h"
#include "Confirm.h"
#include "CredentialsPage.h"
#include "EntryDetails.h"
#include "EvictionSummary.h"
#include "PullDialog.h"
#include "RetentionPage.h"
#include "UsagePage.h"
#include "UsageWidget.h"
#include <config/Settings.h>

#include <KeychainCredentialStore.h>
#include <bundles/Bundle.h>
#include <client/CacheMaintenance.h>
#include <client/DistClient.h>
#include <credentials/CredentialResolver.h>
#include <credentials/FileCredentialStore.h>
#include <credentials/SavedCredentials.h>
#include <ref/OciReference.h>
#include <retention/Retention.h>
#include <trust/CosignSignature.h>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCloseEvent>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSet>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

// Resources compiled into a static library must be registered by hand, outside any namespace.
static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

namespace dist::gui {

MainWindow::MainWindow(const QString& cacheRoot, QNetworkAccessManager* nam, QWidget* parent)
    : QMainWindow(parent)
    , m_cacheRoot(cacheRoot)
    , m_keychain(std::make_unique<KeychainCredentialStore>())
    , m_file(std::make_unique<FileCredentialStore>())
    , m_scanner(new CacheScanner(cacheRoot, this))
    , m_model(new CacheEntryModel(this))
    , m_proxy(new CacheEntryProxy(this))
    , m_view(new QTableView(this))
    , m_groupModel(new CacheGroupModel(this))
    , m_groupProxy(new QSortFilterProxyModel(this))
    , m_tree(new QTreeView(this))
    , m_cacheViews(new QStackedWidget(this))
    , m_filter(new QLineEdit(this))
    , m_unsignedOnly(new QCheckBox(tr("U&nsigned only"), this))
    , m_details(new EntryDetails(this))
    , m_usage(new UsageWidget(this))
    , m_tabs(new QTabWidget(this))
{
    initResources();
    setWindowTitle(tr("greentic-dist — %1").arg(cacheRoot));
    setWindowIcon(QIcon(QStringLiteral(":/icons/greentic-dist.svg")));
    m_resolver = std::make_unique<CredentialResolver>(m_keychain.get(), m_file.get());
    m_client = std::make_unique<DistClient>(nam, DistOptions::fromEnvironment(cacheRoot), m_resolver.get());

    // Cache tab: filter, table, details.
    m_proxy->setSourceModel(m_model);
    m_filter->setObjectName(QStringLiteral("cacheFilter"));
    m_filter->setPlaceholderText(tr("Filter by digest, reference, type, media type or bundle state (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &CacheEntryProxy::setFilterText);
    m_view->setObjectName(QStringLiteral("cacheTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(CacheEntryModel::LastUsedColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    // Big tables stay smooth only with fixed row heights and no ResizeToContents.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->verticalHeader()->hide();
    setUpCacheColumns();
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::showSelected);

    // The same entries grouped by repository, in a tree; it follows the flat model only while shown.
    m_groupProxy->setSourceModel(m_groupModel);
    m_groupProxy->setSortRole(CacheEntryModel::SortRole);
    m_groupProxy->setFilterRole(CacheEntryModel::FilterRole);
    m_groupProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_groupProxy->setRecursiveFilteringEnabled(true); // a repository stays while one of its entries matches
    connect(m_filter, &QLineEdit::textChanged, m_groupProxy, &QSortFilterProxyModel::setFilterFixedString);
    m_tree->setObjectName(QStringLiteral("cacheTree"));
    m_tree->setModel(m_groupProxy);
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(CacheEntryModel::LastUsedColumn, Qt::DescendingOrder);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setTextElideMode(Qt::ElideMiddle);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(CacheEntryModel::ReferenceColumn, QHeaderView::Stretch);
    connect(m_tree->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::showSelected);
    // A regroup (an entry added or removed) resets the tree: the open repositories stay open.
    connect(m_groupProxy, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_expanded.clear();
        for (int r = 0; r < m_groupProxy->rowCount(); ++r) {
            const QModelIndex i = m_groupProxy->index(r, 0);
            if (m_tree->isExpanded(i)) {
                m_expanded << i.data(CacheEntryModel::FilterRole).toString();
            }
        }
    });
    connect(m_groupProxy, &QAbstractItemModel::modelReset, this, [this] {
        for (int r = 0; r < m_groupProxy->rowCount(); ++r) {
            const QModelIndex i = m_groupProxy->index(r, 0);
            if (m_expanded.contains(i.data(CacheEntryModel::FilterRole).toString())) {
                m_tree->expand(i);
            }
        }
    });
    m_cacheViews->setObjectName(QStringLiteral("cacheViews"));
    m_cacheViews->addWidget(m_view);
    m_cacheViews->addWidget(m_tree);

    auto* evictButton = new QPushButton(tr("Evic&t selected…"), this);
    evictButton->setObjectName(QStringLiteral("evictButton"));
    connect(evictButton, &QPushButton::clicked, this, &MainWindow::evictSelected);
    m_unsignedOnly->setObjectName(QStringLiteral("unsignedOnly"));
    m_unsignedOnly->setToolTip(tr("Show only entries that no signature check has passed for"));
    connect(m_unsignedOnly, &QCheckBox::toggled, m_proxy, &CacheEntryProxy::setUnsignedOnly);
    auto* top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_unsignedOnly);
    top->addWidget(evictButton);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("cacheSplitter"));
    splitter->addWidget(m_cacheViews);
    splitter->addWidget(m_details);
    // The table is what an operator reads; the details pane only needs room for one entry's facts.
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    auto* cacheTab = new QWidget(this);
    auto* cacheLayout = new QVBoxLayout(cacheTab);
    cacheLayout->addLayout(top);
    cacheLayout->addWidget(splitter, 1);

    // The other tabs.
    m_bundles = new BundlesPage(*m_client, this);
    m_retention = new RetentionPage(cacheRoot, this);
    const auto choice = chooseCredentialStore(QString(), Settings());
    CredentialStore* store = !choice ? nullptr : choice.value() == u"file" ? m_file.get() : m_keychain.get();
    const QString why = !choice ? choice.message()
        : choice.value() == u"file"
        ? tr("The plain-file store (%1) was chosen with GREENTIC_DIST_CREDENTIAL_STORE=file; it is not encrypted.")
              .arg(static_cast<FileCredentialStore*>(m_file.get())->path())
        : tr("The OS keychain is the default; the plain-file store is used only when chosen explicitly "
             "(GREENTIC_DIST_CREDENTIAL_STORE=file or greentic-dist --credential-store file).");
    m_credentials = new CredentialsPage(store, m_keychain.get(), m_file.get(), why, this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->addTab(cacheTab, tr("&Cache"));
    m_tabs->addTab(m_bundles, tr("&Bundles"));
    m_tabs->addTab(m_retention, tr("&Retention"));
    m_tabs->addTab(m_credentials, tr("Cre&dentials"));
    m_usagePage = new UsagePage(this);
    m_tabs->addTab(m_usagePage, tr("&Usage"));
    connect(m_usagePage, &UsagePage::entriesActivated, this, &MainWindow::selectEntries);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->addWidget(m_usage);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_evictProgress = new QProgressBar(this);
    m_evictProgress->setObjectName(QStringLiteral("evictProgress"));
    m_evictProgress->setMaximumWidth(200);
    m_evictProgress->hide();
    m_evictCancelButton = new QPushButton(tr("Cancel eviction"), this);
    m_evictCancelButton->setObjectName(QStringLiteral("evictCancel"));
    m_evictCancelButton->hide();
    connect(m_evictCancelButton, &QPushButton::clicked, this, &MainWindow::cancelEviction);
    statusBar()->addPermanentWidget(m_evictProgress);
    statusBar()->addPermanentWidget(m_evictCancelButton);

    buildActions();
    connect(m_scanner, &CacheScanner::scanned, this, &MainWindow::applySnapshot);
    connect(m_bundles, &BundlesPage::changed, this, [this] { m_scanner->requestScan(0); });
    connect(m_bundles, &BundlesPage::message, this, &MainWindow::status);
    connect(m_retention, &RetentionPage::applied, this, [this] { m_scanner->requestScan(0); });
    connect(m_retention, &RetentionPage::message, this, &MainWindow::status);
    connect(m_retention, &RetentionPage::planned, this, &MainWindow::showPlan);
    connect(m_credentials, &CredentialsPage::message, this, &MainWindow::status);
    connect(&m_evict, &QFutureWatcher<Result<EvictReport>>::finished, this, [this] {
        const Result<EvictReport> r = m_evict.result();
        m_evictProgress->hide();
        m_evictCancelButton->hide();
        const QString text
            = r ? EvictionSummary::text(r->evicted, r->bytesReclaimed, r->refusals.size(), r->cancelled) : r.message();
        statusBar()->setToolTip(EvictionSummary::perEntry(m_evictSteps));
        status(text);
        m_scanner->requestScan(0);
        Q_EMIT evicted();
    });

    restoreLayout();
    // Relative ages ("5 minutes ago") move on without any change to the cache.
    auto* ageTicker = new QTimer(this);
    ageTicker->setInterval(60000);
    connect(ageTicker, &QTimer::timeout, m_view->viewport(), qOverload<>(&QWidget::update));
    ageTicker->start();
    status(tr("Reading %1…").arg(cacheRoot));
    m_scanner->requestScan(0);
}

MainWindow::~MainWindow()
{
    m_evict.waitForFinished();
}

void MainWindow::setUpCacheColumns()
{
    QHeaderView* header = m_view->horizontalHeader();
    m_view->setTextElideMode(Qt::ElideMiddle); // a registry reference keeps its host and its name:tag
    m_view->setWordWrap(false);
    header->setMinimumSectionSize(24);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    // The reference takes whatever the other columns leave, so the table never scrolls sideways.
    header->setSectionResizeMode(CacheEntryModel::ReferenceColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(CacheEntryModel::StatusColumn, QHeaderView::Fixed);
    const QFontMetrics fm = m_view->fontMetrics();
    const auto fit = [&](const QString& sample) { return fm.horizontalAdvance(sample) + 24; };
    m_view->setColumnWidth(CacheEntryModel::StatusColumn, 28);
    m_view->setColumnWidth(CacheEntryModel::TypeColumn, fit(QStringLiteral("Component")));
    m_view->setColumnWidth(CacheEntryModel::SizeColumn, fit(QStringLiteral("999.9 MiB")));
    m_view->setColumnWidth(CacheEntryModel::LastUsedColumn, fit(QStringLiteral("11 months ago")));
    m_view->setColumnWidth(CacheEntryModel::FetchedColumn, fit(QStringLiteral("11 months ago")));
    m_view->setColumnWidth(CacheEntryModel::BundleStateColumn, fit(QStringLiteral("Draining")));
    m_view->setColumnWidth(CacheEntryModel::DigestColumn, fit(QStringLiteral("sha256:0123456789ab")));
    m_view->setColumnWidth(CacheEntryModel::StateColumn, fit(QStringLiteral("Corrupt")));
    m_view->setColumnWidth(CacheEntryModel::MediaTypeColumn, fit(QStringLiteral("application/vnd.oci.image")));
    for (int c = 0; c < CacheEntryModel::ColumnCount; ++c) {
        m_view->setColumnHidden(c, CacheEntryModel::hiddenByDefault(c));
    }

    // The column chooser: on the header's context menu and under View > Columns for the keyboard.
    m_columnsMenu = new QMenu(tr("&Columns"), this);
    for (int c = 0; c < CacheEntryModel::ColumnCount; ++c) {
        if (c == CacheEntryModel::ReferenceColumn) {
            continue; // always shown: it is what the row is
        }
        QString name = m_model->headerData(c, Qt::Horizontal).toString();
        if (name.isEmpty()) {
            name = tr("Status");
        }
        QAction* a = m_columnsMenu->addAction(name);
        a->setCheckable(true);
        a->setData(c);
        connect(a, &QAction::toggled, this, [this, c](bool on) {
            m_view->setColumnHidden(c, !on);
            m_tree->setColumnHidden(c, !on);
        });
    }
    connect(m_columnsMenu, &QMenu::aboutToShow, this, [this] {
        for (QAction* a : m_columnsMenu->actions()) {
            const QSignalBlocker block(a);
            a->setChecked(!m_view->isColumnHidden(a->data().toInt()));
        }
    });
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this,
            [this, header](const QPoint& pos) { m_columnsMenu->popup(header->mapToGlobal(pos)); });
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    const QByteArray geometry = settings.value(QStringLiteral("window/geometry")).toByteArray();
    if (geometry.isEmpty() || !restoreGeometry(geometry)) {
        // The first start: most of the screen, centred, so every column and the details fit.
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1280, 800);
        const QSize size(available.width() * 85 / 100, available.height() * 85 / 100);
        setGeometry(QStyle::alignedRect(Qt::LeftToRight, Qt::AlignCenter, size, available));
    }
    m_view->horizontalHeader()->restoreState(settings.value(QStringLiteral("window/cacheColumns")).toByteArray());
    if (settings.value(QStringLiteral("window/groupByRepository"), false).toBool() && m_groupAction) {
        m_groupAction->setChecked(true);
    }
}

QString MainWindow::selectedDigests() const
{
    QStringList digests;
    for (const CacheEntry* e : selectedEntries()) {
        digests << e->digest.toString();
    }
    return digests.join(u'\n');
}

bool MainWindow::isGrouped() const
{
    return m_cacheViews->currentWidget() == m_tree;
}

QList<const CacheEntry*> MainWindow::selectedEntries() const
{
    QList<const CacheEntry*> out;
    if (!isGrouped()) {
        for (const QModelIndex& proxyIndex : m_view->selectionModel()->selectedRows()) {
            if (const CacheEntry* e = m_model->entryAt(m_proxy->mapToSource(proxyIndex).row())) {
                out << e;
            }
        }
        return out;
    }
    QSet<int> seen;
    const auto add = [&](const QModelIndex& groupIndex) {
        const int row = m_groupModel->sourceRow(groupIndex);
        if (row >= 0 && !seen.contains(row)) {
            seen.insert(row);
            out << m_model->entryAt(row);
        }
    };
    for (const QModelIndex& proxyIndex : m_tree->selectionModel()->selectedRows()) {
        const QModelIndex source = m_groupProxy->mapToSource(proxyIndex);
        if (m_groupModel->sourceRow(source) >= 0) {
            add(source);
            continue;
        }
        // A repository row: the entries beneath it that the filter shows.
        for (int c = 0; c < m_groupProxy->rowCount(proxyIndex); ++c) {
            add(m_groupProxy->mapToSource(m_groupProxy->index(c, 0, proxyIndex)));
        }
    }
    return out;
}

void MainWindow::setGrouped(bool grouped)
{
    if (grouped == isGrouped()) {
        return;
    }
    const QList<const CacheEntry*> selected = selectedEntries();
    QList<Digest> keep;
    for (const CacheEntry* e : selected) {
        keep << e->digest;
    }
    if (grouped) {
        for (int c = 0; c < CacheEntryModel::ColumnCount; ++c) {
            m_tree->setColumnHidden(c, m_view->isColumnHidden(c));
            if (c != CacheEntryModel::ReferenceColumn) {
                m_tree->setColumnWidth(c, m_view->columnWidth(c));
            }
        }
        m_groupModel->setSourceModel(m_model);
        m_groupProxy->setFilterFixedString(m_filter->text());
        m_cacheViews->setCurrentWidget(m_tree);
    } else {
        m_cacheViews->setCurrentWidget(m_view);
        m_groupModel->setSourceModel(nullptr);
    }
    if (m_groupAction && m_groupAction->isChecked() != grouped) {
        m_groupAction->setChecked(grouped);
    }
    if (!keep.isEmpty()) {
        selectEntries(keep);
    }
    showSelected();
}

void MainWindow::buildActions()
{
    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* pull = fileMenu->addAction(tr("&Pull…"), this, [this] { openPullDialog()->show(); });
    pull->setShortcut(QKeySequence(QStringLiteral("Ctrl+P")));
    auto* refresh = fileMenu->addAction(tr("&Refresh"), this, [this] { m_scanner->requestScan(0); });
    refresh->setShortcut(QKeySequence::Refresh);
    fileMenu->addSeparator();
    auto* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    auto* editMenu = menuBar()->addMenu(tr("&Edit"));
    auto* find = editMenu->addAction(tr("&Find"), this, [this] {
        m_tabs->setCurrentIndex(0);
        m_filter->setFocus();
        m_filter->selectAll();
    });
    find->setShortcut(QKeySequence::Find);
    auto* evict = editMenu->addAction(tr("Evic&t selected…"), this, &MainWindow::evictSelected);
    evict->setShortcut(QKeySequence::Delete);
    evict->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(evict);
    auto* copy = editMenu->addAction(tr("&Copy digest"), this, [this] {
        const QString digests = selectedDigests();
        if (!digests.isEmpty()) {
            QGuiApplication::clipboard()->setText(digests);
            status(tr("Copied %1").arg(digests.section(u'\n', 0, 0))
                   + (digests.contains(u'\n') ? tr(" and more") : QString()));
        }
    });
    copy->setObjectName(QStringLiteral("copyDigestAction"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(copy);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_tree->addAction(evict);
    m_tree->addAction(copy);
    m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->addMenu(m_columnsMenu);
    m_groupAction = viewMenu->addAction(tr("&Group by repository"));
    m_groupAction->setObjectName(QStringLiteral("groupByRepositoryAction"));
    m_groupAction->setCheckable(true);
    m_groupAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+G")));
    connect(m_groupAction, &QAction::toggled, this, &MainWindow::setGrouped);
    m_planOverlay = viewMenu->addAction(tr("Show the &retention plan on the cache"));
    m_planOverlay->setObjectName(QStringLiteral("planOverlayAction"));
    m_planOverlay->setCheckable(true);
    m_planOverlay->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+R")));
    connect(m_planOverlay, &QAction::toggled, this, [this](bool on) {
        if (!on) {
            m_model->setPlan({});
            return;
        }
        m_retention->preview(); // the plan for the Retention page's limits as the cache is now
    });
    toolbar->addAction(pull);
    toolbar->addAction(refresh);
    toolbar->addAction(evict);
}

void MainWindow::status(const QString& text)
{
    statusBar()->showMessage(text);
}

void MainWindow::applySnapshot(const CacheSnapshot& snapshot)
{
    QElapsedTimer applying;
    applying.start();
    m_model->setSnapshot(snapshot);
    m_usage->setUsage(snapshot.entries, m_client->options().cacheMaxBytes);
    m_bundles->setSnapshot(snapshot);
    m_usagePage->setEntries(snapshot.entries, snapshot.bundles, m_client->options().cacheMaxBytes);
    showSelected();
    QString text = tr("%1 — %2").arg(snapshot.root, m_usage->summary());
    if (!snapshot.problems.isEmpty()) {
        text += tr(" — %n unreadable entries (run `greentic-dist cache gc`)", nullptr,
                   static_cast<int>(snapshot.problems.size()));
    }
    if (!snapshot.bundleError.isEmpty()) {
        text += QStringLiteral(" — ") + snapshot.bundleError;
    }
    status(text);
    m_lastScanMs = snapshot.scanMs;
    m_lastApplyMs = applying.elapsed();
    if (!snapshot.checked) {
        ++m_remembered;
        return; // the checked scan follows at once
    }
    ++m_snapshots;
    m_lastGeneration = snapshot.generation;
    Q_EMIT snapshotApplied();
}

void MainWindow::showSelected()
{
    const QList<const CacheEntry*> selected = selectedEntries();
    const CacheEntry* e = selected.isEmpty() ? nullptr : selected.first();
    if (!e) {
        m_details->showEntry(nullptr, std::nullopt);
        return;
    }
    // The table holds summaries; the details pane shows the whole entry.json (one small read, and
    // no access is recorded). An entry removed meanwhile shows what the table knew.
    Cache& cache = m_client->cache();
    const Result<CacheEntry> full = cache.stat(e->digest);
    QList<CacheEntry> referrers;
    QString signatureKept;
    if (full) {
        if (auto manifest = Digest::parse(full->manifestDigest)) {
            for (const Digest& d : cache.referrersOf(manifest.value())) {
                if (auto r = cache.stat(d)) {
                    referrers.append(r.value());
                }
            }
            auto repository = OciReference::parse(full->canonicalRef.section(QStringLiteral("://"), -1));
            auto tag = repository
                ? OciReference::parse(repository->repositoryPath() + u':' + Cosign::signatureTag(manifest.value()))
                : repository;
            if (tag) {
                if (auto kept = cache.taggedManifest(tag.value())) {
                    signatureKept = kept->toString();
                }
            }
        }
    }
    m_details->showEntry(full ? &full.value() : e, m_model->bundleFor(e->digest), referrers, signatureKept);
}

void MainWindow::showPlan(const RetentionOutcome& outcome)
{
    if (!m_planOverlay->isChecked()) {
        return;
    }
    QHash<Digest, QString> evictions;
    qint64 bytes = 0;
    for (const RetentionDecision& d : outcome.decisions) {
        if (d.decision == RetentionDecisionKind::Evict) {
            evictions.insert(d.cacheKey, d.reasonCode);
            bytes += d.sizeBytes;
        }
    }
    m_model->setPlan(evictions);
    status(tr("Retention plan shown: %n entries struck through would be evicted, freeing %1", nullptr,
              static_cast<int>(evictions.size()))
               .arg(QLocale::system().formattedDataSize(bytes)));
}

void MainWindow::evictionStep(const EvictStep& step)
{
    m_evictSteps.append(step);
    m_evictProgress->setValue(step.done);
    Q_EMIT evictionProgress(step.done, step.total);
}

void MainWindow::cancelEviction()
{
    if (m_evictCancel) {
        m_evictCancel->store(true);
    }
}

void MainWindow::selectEntries(const QList<Digest>& digests)
{
    m_filter->clear(); // a filtered-out row could not be selected
    const bool grouped = isGrouped();
    QAbstractItemView* view = grouped ? static_cast<QAbstractItemView*>(m_tree) : m_view;
    QItemSelection selection;
    for (const Digest& d : digests) {
        const int row = m_model->rowOf(d);
        if (row < 0) {
            continue;
        }
        const QModelIndex i = grouped ? m_groupProxy->mapFromSource(m_groupModel->indexOfSourceRow(row))
                                      : m_proxy->mapFromSource(m_model->index(row, 0));
        if (grouped) {
            m_tree->expand(i.parent());
        }
        selection.select(i, i);
    }
    m_tabs->setCurrentIndex(0);
    view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (!selection.isEmpty()) {
        view->scrollTo(selection.indexes().first());
    }
    view->setFocus();
}

void MainWindow::evictSelected()
{
    const QList<const CacheEntry*> selected = selectedEntries();
    if (selected.isEmpty() || m_evict.isRunning()) {
        return;
    }
    QStringList digests;
    QStringList lines;
    QStringList refused;
    qint64 bytes = 0;
    for (const CacheEntry* e : selected) {
        const auto bundle = m_model->bundleFor(e->digest);
        if (bundle && isProtectedFromEviction(bundle->state)) {
            refused
                << tr("%1 — refused: bundle is %2").arg(e->digest.toString().left(19), bundleStateName(bundle->state));
            continue;
        }
        digests << e->digest.toString();
        bytes += e->sizeBytes;
        lines << QStringLiteral("%1  %2  %3")
                     .arg(e->digest.toString().left(19), QLocale::system().formattedDataSize(e->sizeBytes), e->rawRef);
    }
    if (digests.isEmpty()) {
        status(refused.join(QStringLiteral("; ")));
        return;
    }
    QString details = lines.mid(0, 25).join(u'\n');
    if (lines.size() > 25) {
        details += tr("\n… and %1 more").arg(lines.size() - 25);
    }
    if (!refused.isEmpty()) {
        details += tr("\n\nNot evicted:\n") + refused.join(u'\n');
    }
    if (!Confirm::ask(this, tr("Evict entries"),
                      tr("Evict %n entries and free %1?", nullptr, static_cast<int>(digests.size()))
                          .arg(QLocale::system().formattedDataSize(bytes)),
                      details)) {
        return;
    }
    const QString root = m_cacheRoot;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_evictCancel = cancel;
    m_evictSteps.clear();
    m_evictProgress->setRange(0, static_cast<int>(digests.size()));
    m_evictProgress->setValue(0);
    m_evictProgress->show();
    m_evictCancelButton->show();
    status(tr("Evicting %n entries…", nullptr, static_cast<int>(digests.size())));
    // The window outlives the job (the destructor waits for it); steps reach it as queued calls.
    m_evict.setFuture(QtConcurrent::run([this, root, digests, cancel]() -> Result<EvictReport> {
        Cache cache(root);
        return CacheMaintenance(cache).evict(digests, false, [this, cancel](const EvictStep& step) {
            QMetaObject::invokeMethod(
                this, [this, step] { evictionStep(step); }, Qt::QueuedConnection);
            return !cancel->load();
        });
    }));
}

PullDialog* MainWindow::openPullDialog()
{
    if (!m_pull) {
        m_pull = new PullDialog(*m_client, this);
        connect(m_pull, &PullDialog::pulled, this, [this] { m_scanner->requestScan(); });
    }
    return m_pull;
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/cacheColumns"), m_view->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("window/groupByRepository"), isGrouped());
    QMainWindow::closeEvent(event);
}

} // namespace dist::gui
