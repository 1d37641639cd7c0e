#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QTabWidget;
class QTableView;
class QTimer;
class QToolBar;

namespace adserve {

class BackgroundJob;
class BulkEditRunner;
class CampaignEditor;
class CampaignFilterBar;
class CampaignTableModel;
struct CodeCount;
class HistoryView;
class LintReportDialog;
class LiveWatch;
class StudioSession;

// The campaign manager's panel: a sortable, filterable table of campaigns with add /
// duplicate / delete / activate / deactivate, the editor beside it with the selected
// campaign's history, import and export (JSON, CSV) and the synthetic campaign generator.
// Loads, imports and generation run off the GUI thread with progress and cancel. After a
// save or a restore it says where the change is live.
class CampaignsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit CampaignsPanel(StudioSession &session, QWidget *parent = nullptr);

    // Re-reads the campaigns from the store (in the background).
    void reload();
    // True when there are no unsaved edits, or the user chose to drop or save them.
    bool confirmDiscard();

    void startGenerate(qint64 count, quint64 seed);
    void startImport(const QString &path);
    bool exportTo(const QString &path, QString *error);
    void selectCampaign(qint64 id);
    void showNewerVersionInEditor();
    QList<qint64> selectedIds() const;
    // Every campaign the table shows (through its filter), in its order.
    QList<qint64> shownIds() const;
    void setStatusOfSelection(const QString &status);
    void deleteSelection(bool confirm = true);
    // Asks for a bulk edit of the selection or of what the filter shows, and runs it.
    void askBulkEdit();
    BulkEditRunner *bulkEdits() const { return bulk_; }
    void addCampaign();
    void duplicateSelection();
    // Shows the campaign in the editor (when the table's filter shows it).
    void openInEditor(qint64 id);
    // The targeting linter over every campaign, with its fixes (one dialog, kept).
    void showTargetingReport();
    LintReportDialog *targetingReport() const { return lintReport_; }

    CampaignEditor *editor() const { return editor_; }
    HistoryView *history() const { return history_; }
    QTabWidget *sideTabs() const { return sideTabs_; }
    LiveWatch *liveWatch() const { return liveWatch_; }
    QTableView *table() const { return table_; }
    CampaignFilterBar *filterBar() const { return filterBar_; }
    CampaignTableModel *model() const { return model_; }
    BackgroundJob *job() const { return job_; }
    BackgroundJob *loader() const { return loader_; }
    // Whether the campaigns are being read, or wait for the engine's index to be read first.
    bool isLoading() const;

Q_SIGNALS:
    // One line for the status bar.
    void message(const QString &text);
    // The user asked for the selected campaign's reach over recorded traffic.
    void showReach(qint64 campaignId);

private:
    // The toolbar (CampaignsPanelTools.cpp).
    QToolBar *makeTools();
    void currentRowChanged();
    void askGenerate();
    // Takes back what the generator wrote, every seed's, after a confirmation giving the count.
    void askRemoveGenerated();
    void removeGenerated(const CodeCount &generated);
    // Keeps the job's progress up until the table shows what the job wrote, then says `done`.
    void finishAfterTableLoad(const QString &done);
    void askImport();
    void askExport();
    void showCount();
    void rememberSelection();
    void restoreSelection();

    StudioSession &session_;
    CampaignTableModel *model_;
    QTableView *table_;
    CampaignFilterBar *filterBar_;
    QLabel *count_;
    CampaignEditor *editor_;
    HistoryView *history_;
    QTabWidget *sideTabs_; // the editor and the history
    LiveWatch *liveWatch_;
    BackgroundJob *loader_; // reads the table
    BackgroundJob *job_;    // generation, import, bulk edits
    BulkEditRunner *bulk_;
    LintReportDialog *lintReport_ = nullptr; // made when first asked for; a child, kept
    QTimer *reloadSoon_;    // coalesces the change notifications of bulk writes
    QTimer *historySoon_;   // the same for the history of the campaign shown
    quint64 changesRead_ = 0; // the engine's changesAppliedCount() when the table's last read began
    QString readError_;       // why the table's last read failed; empty once one succeeds
    qint64 pendingSelection_ = 0; // to select and show once the table has it (a save, a restore)
    struct
    {
        QList<qint64> ids;
        qint64 current = 0;
        int scroll = 0;
    } remembered_; // across a new arrangement of the rows
    bool changingSelection_ = false;
    bool waitingForIndex_ = false; // to read the store once the engine's index is loaded
    bool lastReadBesideIndex_ = false; // the last read began with the engine's index loaded
};

} // namespace adserve
