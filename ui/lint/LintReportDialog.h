#pragma once

#include "model/TargetingLint.h"

#include <QDialog>

#include <memory>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace adserve {

class BackgroundJob;
class BulkEditRunner;
struct BulkEdit;
class CampaignCatalog;
class TextTableModel;

// The targeting linter over every campaign of the store, checked in the background (a
// store may hold a million): the findings by kind, each with its one-click fix, and "fix
// all of this kind". Fixes are bulk edits: one transaction through the store, undone as a
// whole by "Undo bulk edit". The report follows the campaigns as they are reloaded.
class LintReportDialog : public QDialog
{
    Q_OBJECT
public:
    LintReportDialog(BulkEditRunner &fixes, QWidget *parent = nullptr);
    ~LintReportDialog() override;

    // Checks these campaigns, unless they are the ones last checked and `again` is false.
    void check(std::shared_ptr<const CampaignCatalog> campaigns, bool again = false);
    BackgroundJob *job() const { return job_; }
    // The last report; empty until the first check is done.
    const LintReport &report() const { return *report_; }
    // The findings shown, of the kind chosen: campaign, dimension, value, use instead, finding.
    TextTableModel *table() const { return table_; }
    QTableView *view() const { return view_; }
    // Shows the findings of `kind` (none: every finding).
    void showKind(std::optional<LintFinding::Kind> kind);
    // Fixes the finding of the table's row; all fixable findings of the kind shown. False
    // when there is nothing to fix or another bulk edit is running.
    bool fixRow(int row);
    bool fixAllShown();

Q_SIGNALS:
    void openCampaign(qint64 campaignId);

private:
    void start(std::shared_ptr<const CampaignCatalog> campaigns);
    void showReport();
    std::optional<LintFinding::Kind> kindShown() const;
    const LintReport::Row *rowAt(int row) const;
    void updateButtons();
    // Runs the fix as a bulk edit of the campaigns panel; says so when it cannot start.
    bool startFix(const BulkEdit &edit, const QList<qint64> &ids);

    BulkEditRunner &fixes_;
    BackgroundJob *job_;
    QLabel *summary_;
    QComboBox *kinds_;
    TextTableModel *table_;
    QTableView *view_;
    QPushButton *fix_, *fixAll_, *open_;
    std::shared_ptr<const LintReport> report_;
    std::shared_ptr<const CampaignCatalog> checked_; // what report_ (or the job running) is of
    std::shared_ptr<const CampaignCatalog> pending_; // checked once the running job stops
    QList<qsizetype> shownRows_;                     // table row -> report row
};

} // namespace adserve
