// SPDX-License-Identifier: MIT
#pragma once

#include "CacheEntryProxy.h"
#include "CacheSnapshot.h"

#include <client/CacheMaintenance.h>
#include <retention/Retention.h>

#include <QFutureWatcher>
#include <QMainWindow>

#include <atomic>
#include <memory>

class QAction;
class QLabel;
class QCheckBox;
class QLineEdit;
class QMenu;
class QNetworkAccessManager;
class QProgressBar;
class QStackedWidget;
class QTreeView;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTabWidget;

namespace dist {
class CredentialProvider;
class CredentialStore;
class DistClient;
} // namespace dist

namespace dist::gui {

class CacheGroupModel;

class BundlesPage;
class CacheEntryModel;

class CacheScanner;
class CredentialsPage;
class EntryDetails;
class PullDialog;
class RetentionPage;
class UsagePage;
class UsageWidget;

// The operator window: the cache (filter, details, evict), bundles and their lifecycle, a
// retention preview, credentials and usage at a glance. Disk scans and network work never run on
// the UI thread; changes made by the CLI while the window is open show up through file watching.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    MainWindow(const QString& cacheRoot, QNetworkAccessManager* nam, QWidget* parent = nullptr);
    ~MainWindow() override;

    const QString& cacheRoot() const { return m_cacheRoot; }
    CacheEntryModel* cacheModel() const { return m_model; }
    QSortFilterProxyModel* cacheProxy() const { return m_proxy; }
    QTableView* cacheView() const { return m_view; }
    // The grouped view (View > Group by repository) and its model, over the same entries.
    QTreeView* cacheTree() const { return m_tree; }
    CacheGroupModel* groupModel() const { return m_groupModel; }
    QSortFilterProxyModel* groupProxy() const { return m_groupProxy; }
    QAction* groupAction() const { return m_groupAction; }
    bool isGrouped() const;
    void setGrouped(bool grouped); // as View > Group by repository
    // The entries selected in the view shown (a repository row stands for all of its entries).
    QList<const CacheEntry*> selectedEntries() const;
    QString selectedDigests() const; // one per line
    QLineEdit* filterEdit() const { return m_filter; }
    QCheckBox* unsignedOnlyBox() const { return m_unsignedOnly; }
    EntryDetails* details() const { return m_details; }
    UsageWidget* usage() const { return m_usage; }
    BundlesPage* bundlesPage() const { return m_bundles; }
    RetentionPage* retentionPage() const { return m_retention; }
    bool evictionRunning() const { return m_evict.isRunning(); }
    CredentialsPage* credentialsPage() const { return m_credentials; }
    CacheScanner* scanner() const { return m_scanner; }
    QTabWidget* tabs() const { return m_tabs; }
    // Checked scans shown; the remembered snapshot shown before the first of them does not count.
    int snapshotsApplied() const { return m_snapshots; }
    int rememberedSnapshotsApplied() const { return m_remembered; }
    int lastAppliedScan() const { return m_lastGeneration; } // CacheSnapshot::generation of the last checked one
    // The last snapshot: how long its read took off the UI thread, and its apply on it.
    qint64 lastScanMs() const { return m_lastScanMs; }
    qint64 lastApplyMs() const { return m_lastApplyMs; }

    // Evicts the selected entries after a confirmation that lists what will be freed; staged,
    // warming, ready and draining bundles are refused with the reason.
    void evictSelected();
    // Stops a running eviction after the entry it is on; the rest are left as they are.
    void cancelEviction();
    // What the last eviction did with each entry, in order.
    const QList<EvictStep>& lastEvictionSteps() const { return m_evictSteps; }
    PullDialog* openPullDialog();
    UsagePage* usagePage() const { return m_usagePage; }
    // Shows the Cache tab with these entries selected (a click on the usage map).
    void selectEntries(const QList<Digest>& digests);
    // With View > Show the retention plan on, strikes through the entries the plan evicts.
    void showPlan(const dist::RetentionOutcome& outcome);
    QAction* planOverlayAction() const { return m_planOverlay; }
    QMenu* columnsMenu() const { return m_columnsMenu; }

Q_SIGNALS:
    void snapshotApplied();
    void evicted();
    void evictionProgress(int done, int total);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void applySnapshot(const CacheSnapshot& snapshot);
    void evictionStep(const EvictStep& step);
    void showSelected();
    void buildActions();
    void setUpCacheColumns();
    void restoreLayout();
    void status(const QString& text);

    QString m_cacheRoot;
    std::unique_ptr<CredentialStore> m_keychain;
    std::unique_ptr<CredentialStore> m_file;
    std::unique_ptr<CredentialProvider> m_resolver;
    std::unique_ptr<DistClient> m_client;
    CacheScanner* m_scanner;
    CacheEntryModel* m_model;
    CacheEntryProxy* m_proxy;
    QTableView* m_view;
    CacheGroupModel* m_groupModel;
    QSortFilterProxyModel* m_groupProxy;
    QTreeView* m_tree;
    QStackedWidget* m_cacheViews;
    QAction* m_groupAction = nullptr;
    QStringList m_expanded; // repositories open in the tree across a regroup
    QLineEdit* m_filter;
    QCheckBox* m_unsignedOnly;
    EntryDetails* m_details;
    UsageWidget* m_usage;
    QTabWidget* m_tabs;
    BundlesPage* m_bundles;
    RetentionPage* m_retention;
    CredentialsPage* m_credentials;
    PullDialog* m_pull = nullptr;
    QMenu* m_columnsMenu = nullptr;
    UsagePage* m_usagePage = nullptr;
    QAction* m_planOverlay = nullptr;
    QProgressBar* m_evictProgress = nullptr;
    QPushButton* m_evictCancelButton = nullptr;
    std::shared_ptr<std::atomic<bool>> m_evictCancel;
    QList<EvictStep> m_evictSteps;
    QFutureWatcher<Result<EvictReport>> m_evict;
    int m_snapshots = 0;
    int m_remembered = 0;
    int m_lastGeneration = 0;
    qint64 m_lastScanMs = 0;
    qint64 m_lastApplyMs = 0;
};

} // namespace dist::gui
