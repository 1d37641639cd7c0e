#include "LintReportDialog.h"

#include "campaigns/BulkEditRunner.h"
#include "campaigns/CampaignCatalog.h"
#include "common/BackgroundJob.h"
#include "common/JobProgress.h"
#include "common/ReadOnlyTable.h"
#include "common/TextTableModel.h"
#include "common/Tones.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace adserve {

LintReportDialog::LintReportDialog(BulkEditRunner &fixes, QWidget *parent)
    : QDialog(parent)
    , fixes_(fixes)
    , job_(new BackgroundJob(this))
    , summary_(new QLabel(this))
    , kinds_(new QComboBox(this))
    , table_(new TextTableModel({tr("Campaign"), tr("Dimension"), tr("Value"), tr("Use instead"), tr("Finding")}, this))
    , view_(makeReadOnlyView(table_, QStringLiteral("lintFindings"), this))
    , fix_(new QPushButton(tr("Fix"), this))
    , fixAll_(new QPushButton(tr("Fix all of this kind"), this))
    , open_(new QPushButton(tr("Open in editor"), this))
    , report_(std::make_shared<const LintReport>())
{
    setObjectName(QStringLiteral("lintReportDialog"));
    setWindowTitle(tr("Targeting report"));
    summary_->setObjectName(QStringLiteral("lintSummary"));
    summary_->setWordWrap(true);
    kinds_->setObjectName(QStringLiteral("lintKinds"));
    fix_->setObjectName(QStringLiteral("lintFix"));
    fixAll_->setObjectName(QStringLiteral("lintFixAll"));
    open_->setObjectName(QStringLiteral("lintOpen"));
    fix_->setToolTip(tr("Fix the selected finding of its campaign; Undo bulk edit takes it back"));
    fixAll_->setToolTip(tr("Fix every finding of this kind, in one transaction; Undo bulk edit takes it all back"));
    auto *again = new QPushButton(tr("Check again"), this);
    again->setObjectName(QStringLiteral("lintCheckAgain"));
    auto *close = new QPushButton(tr("Close"), this);

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Show"), this));
    top->addWidget(kinds_, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(fix_);
    buttons->addWidget(fixAll_);
    buttons->addWidget(open_);
    buttons->addStretch(1);
    buttons->addWidget(again);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addLayout(top);
    layout->addWidget(view_, 1);
    layout->addWidget(new JobProgress(*job_, this));
    layout->addLayout(buttons);
    resize(900, 520);

    connect(kinds_, &QComboBox::currentIndexChanged, this, &LintReportDialog::showReport);
    connect(view_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LintReportDialog::updateButtons);
    connect(fix_, &QPushButton::clicked, this, [this] { fixRow(view_->currentIndex().row()); });
    connect(fixAll_, &QPushButton::clicked, this, &LintReportDialog::fixAllShown);
    connect(open_, &QPushButton::clicked, this, [this] {
        if (const LintReport::Row *row = rowAt(view_->currentIndex().row()))
            Q_EMIT openCampaign(row->campaignId);
    });
    connect(view_, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (const LintReport::Row *row = rowAt(index.row()))
            Q_EMIT openCampaign(row->campaignId);
    });
    connect(again, &QPushButton::clicked, this, [this] { check(checked_, true); });
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    connect(job_, &BackgroundJob::finished, this, [this] {
        if (auto next = std::exchange(pending_, nullptr))
            start(std::move(next));
    });
    kinds_->addItem(tr("every finding"));
    showReport();
}

LintReportDialog::~LintReportDialog()
{
    // The check holds its own copy of the campaigns and nothing of this dialog.
    disconnect(job_, nullptr, this, nullptr);
    job_->abandon();
}

void LintReportDialog::check(std::shared_ptr<const CampaignCatalog> campaigns, bool again)
{
    if (!campaigns || (!again && campaigns == checked_))
        return;
    if (job_->isRunning()) {
        pending_ = std::move(campaigns);
        job_->cancel();
        return;
    }
    start(std::move(campaigns));
}

void LintReportDialog::start(std::shared_ptr<const CampaignCatalog> campaigns)
{
    checked_ = campaigns;
    summary_->setText(tr("Checking %1 campaigns…").arg(QLocale().toString(campaigns->size())));
    job_->start(tr("Checking targeting"), [this, campaigns](JobControl &control) -> BackgroundJob::Finish {
        auto report = std::make_shared<LintReport>();
        const qsizetype count = campaigns->size();
        for (qsizetype i = 0; i < count; ++i) {
            report->add(campaigns->at(i));
            if (i % 4096 == 0 && !control.progress(i, count))
                return {};
        }
        return [this, report] {
            report_ = report;
            showReport();
        };
    });
}

std::optional<LintFinding::Kind> LintReportDialog::kindShown() const
{
    const QVariant kind = kinds_->currentData();
    return kind.isValid() ? std::optional(LintFinding::Kind(kind.toInt())) : std::nullopt;
}

void LintReportDialog::showKind(std::optional<LintFinding::Kind> kind)
{
    kinds_->setCurrentIndex(kind ? std::max(0, kinds_->findData(int(*kind))) : 0);
}

void LintReportDialog::showReport()
{
    const QLocale locale;
    const LintReport &report = *report_;
    {
        // The choice of kind stays while the counts change.
        const std::optional<LintFinding::Kind> kind = kindShown();
        QSignalBlocker block(kinds_);
        kinds_->clear();
        kinds_->addItem(tr("every finding (%1)").arg(locale.toString(report.total())));
        for (int k = 0; k < TargetingLint::kKindCount; ++k) {
            if (report.counts[size_t(k)] > 0 || (kind && int(*kind) == k))
                kinds_->addItem(tr("%1 (%2)").arg(TargetingLint::kindTitle(LintFinding::Kind(k)),
                                                  locale.toString(report.counts[size_t(k)])),
                                k);
        }
        kinds_->setCurrentIndex(kind ? std::max(0, kinds_->findData(int(*kind))) : 0);
    }
    const std::optional<LintFinding::Kind> kind = kindShown();
    QList<TextRow> rows;
    shownRows_.clear();
    for (qsizetype i = 0; i < report.rows.size(); ++i) {
        const LintReport::Row &row = report.rows.at(i);
        if (kind && row.finding.kind != *kind)
            continue;
        const LintFinding &f = row.finding;
        rows.append({{row.campaignCode, dimensionName(f.dimension), f.value, f.suggestion, f.message},
                     f.fixable ? QColor() : Tones::tint(Tones::Muted)});
        shownRows_.append(i);
    }
    table_->setRows(std::move(rows));
    view_->resizeColumnsToContents();
    view_->horizontalHeader()->setStretchLastSection(true);
    QString text = report.total() == 0 ? tr("%1 campaigns checked: nothing to report.").arg(locale.toString(report.campaigns))
                                       : tr("%n finding(s) in %1 campaigns checked. Warnings: every campaign can be saved as it is.",
                                            nullptr, int(std::min<qint64>(report.total(), INT_MAX)))
                                             .arg(locale.toString(report.campaigns));
    if (report.rows.size() < report.total())
        text += tr(" The first %1 are listed; Fix all covers every one.").arg(locale.toString(report.rows.size()));
    summary_->setText(text);
    updateButtons();
}

const LintReport::Row *LintReportDialog::rowAt(int row) const
{
    return row >= 0 && row < shownRows_.size() ? &report_->rows.at(shownRows_.at(row)) : nullptr;
}

void LintReportDialog::updateButtons()
{
    const LintReport::Row *row = rowAt(view_->currentIndex().row());
    fix_->setEnabled(row && row->finding.fixable);
    open_->setEnabled(row != nullptr);
    const std::optional<LintFinding::Kind> kind = kindShown();
    const qsizetype campaigns = kind ? report_->fixableCampaigns[size_t(*kind)].size() : 0;
    fixAll_->setEnabled(campaigns > 0);
    fixAll_->setText(campaigns > 0 ? tr("Fix all of this kind (%n campaign(s))", nullptr, int(campaigns))
                                   : tr("Fix all of this kind"));
}

bool LintReportDialog::fixRow(int row)
{
    const LintReport::Row *shown = rowAt(row);
    if (!shown || !shown->finding.fixable)
        return false;
    BulkEdit edit;
    edit.action = BulkEdit::Action::FixTargeting;
    edit.lintKind = shown->finding.kind;
    edit.dimension = shown->finding.dimension;
    edit.value = shown->finding.value;
    return startFix(edit, {shown->campaignId});
}

bool LintReportDialog::startFix(const BulkEdit &edit, const QList<qint64> &ids)
{
    if (fixes_.start(edit, ids))
        return true;
    summary_->setText(tr("Not fixed: another job of the campaigns panel is running. Try again once it is done."));
    return false;
}

bool LintReportDialog::fixAllShown()
{
    const std::optional<LintFinding::Kind> kind = kindShown();
    if (!kind || report_->fixableCampaigns[size_t(*kind)].isEmpty())
        return false;
    BulkEdit edit;
    edit.action = BulkEdit::Action::FixTargeting;
    edit.lintKind = *kind;
    return startFix(edit, report_->fixableCampaigns[size_t(*kind)]);
}

} // namespace adserve
