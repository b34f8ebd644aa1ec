// SPDX-License-Identifier: MIT
#pragma once

#include <retention/Retention.h>

#include <QFutureWatcher>
#include <QList>
#include <QWidget>

#include <atomic>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

namespace dist::gui {

class RetentionModel;

// Retention before it happens: limits in, keep / evict / protect with reason codes out, then
// apply. The plan is computed exactly as `retention plan` computes it.
class RetentionPage final : public QWidget
{
    Q_OBJECT

public:
    explicit RetentionPage(const QString& cacheRoot, QWidget* parent = nullptr);
    ~RetentionPage() override;

    RetentionModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    void setLimits(qint64 maxBytes, std::optional<qint64> maxAgeSeconds, int rollbackDepth, const QStringList& active,
                   const QStringList& session);
    void preview();
    void apply();
    bool isBusy() const { return m_plan.isRunning() || m_applying; }
    // Stops an apply before its next eviction; what is gone stays gone.
    void cancelApply();
    // Each entry of the last apply, as it was decided.
    const QList<EvictStep>& lastApplySteps() const { return m_steps; }

Q_SIGNALS:
    void applied();
    void applyProgress(int done, int total);
    void planned(const dist::RetentionOutcome& outcome); // each finished preview
    void message(const QString& text);

private:
    RetentionLimits limits() const;
    void applyFinished(const Result<RetentionReport>& r);
    void applyStep(const EvictStep& step);

    QString m_root;
    QSpinBox* m_maxMiB;
    QSpinBox* m_maxAgeHours;
    QSpinBox* m_depth;
    QLineEdit* m_active;
    QLineEdit* m_session;
    QPushButton* m_previewButton;
    QPushButton* m_applyButton;
    QLabel* m_summary;
    QProgressBar* m_progress;
    QPushButton* m_cancelButton;
    RetentionModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QFutureWatcher<Result<RetentionOutcome>> m_plan;
    bool m_applying = false;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QList<EvictStep> m_steps;
    QString m_applyText; // the last apply's summary, shown before the next plan
};

} // namespace dist::gui
