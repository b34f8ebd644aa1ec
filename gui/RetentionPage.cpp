// SPDX-License-Identifier: MIT
#include "RetentionPage.h"

#include "Confirm.h"
#include "RetentionModel.h"

#include <cache/Cache.h>

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
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
        m_summary->setText(tr("%1 entries: keep %2, evict %3 (%4), protect %5")
                               .arg(r->report.scannedEntries)
                               .arg(r->report.kept)
                               .arg(r->report.evicted)
                               .arg(QLocale::system().formattedDataSize(evictBytes))
                               .arg(r->report.protectedEntries));
        m_applyButton->setEnabled(r->report.evicted > 0);
        Q_EMIT planned(r.value());
    });
}

void RetentionPage::applyFinished(const Result<RetentionReport>& r)
{
    const QString text = r ? tr("Evicted %1 entries, reclaimed %2")
                                 .arg(r->evicted)
                                 .arg(QLocale::system().formattedDataSize(r->bytesReclaimed))
                           : r.message();
    m_summary->setText(text);
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
    m_summary->setText(tr("Planning…"));
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
    // RetentionRun plans again under the cache lock: what is applied is what is true now.
    m_applying = true;
    RetentionRun::start(root, l, this, [this](Result<RetentionApplied> applied) {
        m_applying = false;
        applyFinished(applied ? Result<RetentionReport>(applied->report) : Result<RetentionReport>(applied.error()));
    });
}

} // namespace dist::gui
