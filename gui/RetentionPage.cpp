// SPDX-License-Identifier: MIT
#include "RetentionPage.h"

#include "Confirm.h"
#include "EvictionSummary.h"
#include "RetentionModel.h"

#include <cache/Cache.h>

#include <QCoreApplication>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <retention/RetentionRun.h>

namespace dist::gui {

namespace {

QStringList ids(const QString& text)
{
    QStringList out;
    for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        out << part.trimmed();
    }
    return out;
}

} // namespace

RetentionPage::RetentionPage(const QString& cacheRoot, QWidget* parent)
    : QWidget(parent)
    , m_root(cacheRoot)
    , m_maxMiB(new QSpinBox(this))
    , m_maxAgeHours(new QSpinBox(this))
    , m_depth(new QSpinBox(this))
    , m_active(new QLineEdit(this))
    , m_session(new QLineEdit(this))
    , m_previewButton(new QPushButton(tr("&Preview"), this))
    , m_applyButton(new QPushButton(tr("&Apply…"), this))
    , m_summary(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancelButton(new QPushButton(tr("Cance&l"), this))
    , m_model(new RetentionModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
{
    setObjectName(QStringLiteral("retentionPage"));
    m_maxMiB->setRange(0, 100000000);
    m_maxMiB->setSuffix(tr(" MiB"));
    m_maxMiB->setSpecialValueText(tr("no budget"));
    m_maxAgeHours->setRange(0, 1000000);
    m_maxAgeHours->setSuffix(tr(" h"));
    m_maxAgeHours->setSpecialValueText(tr("no age limit"));
    m_depth->setRange(0, 1000);
    m_active->setPlaceholderText(tr("bundle:sha256:… (comma separated)"));
    m_session->setPlaceholderText(tr("bundle:sha256:… (comma separated)"));
    m_previewButton->setObjectName(QStringLiteral("previewButton"));
    m_applyButton->setObjectName(QStringLiteral("applyButton"));
    m_applyButton->setEnabled(false);
    m_summary->setObjectName(QStringLiteral("retentionSummary"));
    m_progress->setObjectName(QStringLiteral("retentionProgress"));
    m_progress->setMaximumWidth(200);
    m_progress->hide();
    m_cancelButton->setObjectName(QStringLiteral("retentionCancel"));
    m_cancelButton->setToolTip(tr("Stop before the next entry; what is evicted stays evicted"));
    m_cancelButton->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("Cache budget:"), m_maxMiB);
    form->addRow(tr("Evict unused after:"), m_maxAgeHours);
    form->addRow(tr("Keep for rollback:"), m_depth);
    form->addRow(tr("Active bundles:"), m_active);
    form->addRow(tr("Session bundles:"), m_session);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_previewButton);
    buttons->addWidget(m_applyButton);
    buttons->addWidget(m_summary, 1);
    buttons->addWidget(m_progress);
    buttons->addWidget(m_cancelButton);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RetentionModel::SortRole);
    m_view->setObjectName(QStringLiteral("retentionTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_view, 1);

    connect(m_previewButton, &QPushButton::clicked, this, &RetentionPage::preview);
    connect(m_applyButton, &QPushButton::clicked, this, &RetentionPage::apply);
    connect(m_cancelButton, &QPushButton::clicked, this, &RetentionPage::cancelApply);
    connect(&m_plan, &QFutureWatcher<Result<RetentionOutcome>>::finished, this, [this] {
        m_previewButton->setEnabled(true);
        const Result<RetentionOutcome> r = m_plan.result();
        if (!r) {
            m_summary->setText(r.message());
            m_applyButton->setEnabled(false);
            return;
        }
        m_model->setOutcome(r.value());
        qint64 evictBytes = 0;
        for (const RetentionDecision& d : r->decisions) {
            evictBytes += d.decision == RetentionDecisionKind::Evict ? d.sizeBytes : 0;
        }
        const QString plan = tr("%1 entries: keep %2, evict %3 (%4), protect %5")
                                 .arg(r->report.scannedEntries)
                                 .arg(r->report.kept)
                                 .arg(r->report.evicted)
                                 .arg(QLocale::system().formattedDataSize(evictBytes))
                                 .arg(r->report.protectedEntries);
        // After an apply, what it did stays in front of the plan for what is left.
        m_summary->setText(m_applyText.isEmpty() ? plan : tr("%1. Now %2").arg(m_applyText, plan));
        m_applyText.clear();
        m_applyButton->setEnabled(r->report.evicted > 0);
        Q_EMIT planned(r.value());
    });
}

void RetentionPage::applyFinished(const Result<RetentionReport>& r)
{
    m_progress->hide();
    m_cancelButton->hide();
    const QString text
        = r ? EvictionSummary::text(r->evicted, r->bytesReclaimed, r->refusals.size(), r->cancelled) : r.message();
    m_summary->setToolTip(EvictionSummary::perEntry(m_steps));
    m_summary->setText(text);
    m_applyText = r ? text : QString();
    Q_EMIT message(text);
    Q_EMIT applied();
    preview();
}

RetentionPage::~RetentionPage()
{
    m_plan.waitForFinished();
}

void RetentionPage::setLimits(qint64 maxBytes, std::optional<qint64> maxAgeSeconds, int rollbackDepth,
                              const QStringList& active, const QStringList& session)
{
    m_maxMiB->setValue(static_cast<int>(maxBytes / (1024 * 1024)));
    m_maxAgeHours->setValue(maxAgeSeconds ? static_cast<int>(*maxAgeSeconds / 3600) : 0);
    m_depth->setValue(rollbackDepth);
    m_active->setText(active.join(QStringLiteral(", ")));
    m_session->setText(session.join(QStringLiteral(", ")));
}

RetentionLimits RetentionPage::limits() const
{
    RetentionLimits l;
    l.maxBytes = static_cast<qint64>(m_maxMiB->value()) * 1024 * 1024;
    if (m_maxAgeHours->value() > 0) {
        l.maxAgeSeconds = static_cast<qint64>(m_maxAgeHours->value()) * 3600;
    }
    l.rollbackDepth = m_depth->value();
    l.activeBundleIds = ids(m_active->text());
    l.sessionBundleIds = ids(m_session->text());
    return l;
}

void RetentionPage::preview()
{
    if (m_plan.isRunning()) {
        return;
    }
    m_previewButton->setEnabled(false);
    m_summary->setText(m_applyText.isEmpty() ? tr("Planning…") : tr("%1. Planning…").arg(m_applyText));
    const QString root = m_root;
    const RetentionLimits l = limits();
    m_plan.setFuture(QtConcurrent::run([root, l]() -> Result<RetentionOutcome> {
        auto input = Retention::gather(Cache(root), l);
        if (!input) {
            return input.error();
        }
        return Retention::evaluate(input.value());
    }));
}

void RetentionPage::apply()
{
    const RetentionOutcome& planned = m_model->outcome();
    QStringList evict;
    qint64 bytes = 0;
    for (const RetentionDecision& d : planned.decisions) {
        if (d.decision == RetentionDecisionKind::Evict) {
            evict << QStringLiteral("%1 (%2)").arg(d.cacheKey.toString().left(19), d.reasonCode);
            bytes += d.sizeBytes;
        }
    }
    if (evict.isEmpty() || m_applying) {
        return;
    }
    if (!Confirm::ask(this, tr("Apply retention"),
                      tr("Evict %n entries and free %1?", nullptr, static_cast<int>(evict.size()))
                          .arg(QLocale::system().formattedDataSize(bytes)),
                      evict.mid(0, 30).join(u'\n')
                          + (evict.size() > 30 ? tr("\n… and %1 more").arg(evict.size() - 30) : QString()))) {
        return;
    }
    const QString root = m_root;
    const RetentionLimits l = limits();
    m_summary->setText(tr("Applying…"));
    m_summary->setToolTip(QString());
    m_steps.clear();
    m_progress->setRange(0, static_cast<int>(evict.size()));
    m_progress->setValue(0);
    m_progress->show();
    m_cancelButton->show();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    // RetentionRun plans again under the cache lock: what is applied is what is true now. Steps
    // come from its pool thread as queued calls.
    m_applying = true;
    const QPointer<RetentionPage> self(this);
    RetentionRun::start(
        root, l, this,
        [this](Result<RetentionApplied> applied) {
            m_applying = false;
            applyFinished(applied ? Result<RetentionReport>(applied->report)
                                  : Result<RetentionReport>(applied.error()));
        },
        {}, 10000,
        [self, cancel](const EvictStep& step) {
            // Posted to the application, which outlives the page; the page is checked on arrival.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, step] {
                    if (self) {
                        self->applyStep(step);
                    }
                },
                Qt::QueuedConnection);
            return !cancel->load();
        });
}

void RetentionPage::applyStep(const EvictStep& step)
{
    m_steps.append(step);
    // The plan applied is made afresh under the lock, so it may be longer than the one confirmed.
    m_progress->setMaximum(std::max(m_progress->maximum(), step.total));
    m_progress->setValue(step.done);
    Q_EMIT applyProgress(step.done, step.total);
}

void RetentionPage::cancelApply()
{
    if (m_cancel) {
        m_cancel->store(true);
    }
}

} // namespace dist::gui
