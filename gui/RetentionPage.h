// SPDX-License-Identifier: MIT
#pragma once

#include <retention/Retention.h>

#include <QFutureWatcher>
#include <QWidget>

class QLabel;
class QLineEdit;
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

Q_SIGNALS:
    void applied();
    void planned(const dist::RetentionOutcome& outcome); // each finished preview
    void message(const QString& text);

private:
    RetentionLimits limits() const;
    void applyFinished(const Result<RetentionReport>& r);

    QString m_root;
    QSpinBox* m_maxMiB;
    QSpinBox* m_maxAgeHours;
    QSpinBox* m_depth;
    QLineEdit* m_active;
    QLineEdit* m_session;
    QPushButton* m_previewButton;
    QPushButton* m_applyButton;
    QLabel* m_summary;
    RetentionModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    QFutureWatcher<Result<RetentionOutcome>> m_plan;
    bool m_applying = false;
};

} // namespace dist::gui
