#include "CampaignsPanel.h"

#include "BulkEditDialog.h"
#include "BulkEditRunner.h"
#include "CampaignEditor.h"
#include "CampaignFilterBar.h"
#include "CampaignTableModel.h"
#include "Engine.h"
#include "common/BackgroundJob.h"
#include "common/JobProgress.h"
#include "history/HistoryView.h"
#include "instances/LiveWatch.h"
#include "lint/LintReportDialog.h"
#include "session/StudioSession.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <utility>

namespace adserve {

CampaignsPanel::CampaignsPanel(StudioSession &session, QWidget *parent)
    : QWidget(parent)
    , session_(session)
    , model_(new CampaignTableModel(this))
    , table_(new QTableView(this))
    , filterBar_(new CampaignFilterBar(session.valueCatalog(), this))
    , count_(new QLabel(this))
    , editor_(new CampaignEditor(session, this))
    , history_(new HistoryView(session, this))
    , sideTabs_(new QTabWidget(this))
    , liveWatch_(new LiveWatch(session, this))
    , loader_(new BackgroundJob(this))
    , job_(new BackgroundJob(this))
    , bulk_(new BulkEditRunner(session, *job_, this))
    , reloadSoon_(new QTimer(this))
    , historySoon_(new QTimer(this))
{
    setObjectName(QStringLiteral("campaignsPanel"));
    table_->setObjectName(QStringLiteral("campaignTable"));
    count_->setObjectName(QStringLiteral("campaignCount"));
    connect(loader_, &BackgroundJob::started, this, &CampaignsPanel::showCount);
    connect(loader_, &BackgroundJob::progressed, this, [this](qint64 read, qint64 total) {
        if (model_->catalog().size() == 0 && total > 0) // the first read: how far it got
            count_->setText(tr("Loading the table: %1 of %2").arg(QLocale().toString(read), QLocale().toString(total)));
    });

    // Through the session, whichever engine it has open when the serving columns refresh.
    model_->setIndexSource([this] { return session_.isOpen() ? session_.engine().matcher().snapshot() : nullptr; });
    table_->setModel(model_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(CampaignTableModel::Id, Qt::AscendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 8);
    // A local date and time needs more than the default width.
    const int timeWidth =
        table_->fontMetrics().horizontalAdvance(QLocale().toString(QDateTime::currentDateTime(), QLocale::ShortFormat)) + 16;
    for (int column : {CampaignTableModel::NextChange, CampaignTableModel::Updated})
        table_->setColumnWidth(column, timeWidth);
    connect(filterBar_, &CampaignFilterBar::filterChanged, model_, &CampaignTableModel::setFilter);
    connect(model_, &CampaignTableModel::arrangingChanged, filterBar_, &CampaignFilterBar::setBusy);
    // A new arrangement of rows resets the table: what was selected is selected again.
    connect(model_, &QAbstractItemModel::modelAboutToBeReset, this, &CampaignsPanel::rememberSelection);
    connect(model_, &CampaignTableModel::arranged, this, &CampaignsPanel::restoreSelection);

    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(makeTools());
    leftLayout->addWidget(filterBar_);
    leftLayout->addWidget(table_, 1);
    leftLayout->addWidget(new JobProgress(*job_, left));
    leftLayout->addWidget(count_);
    auto *splitter = new QSplitter(this);
    sideTabs_->setObjectName(QStringLiteral("campaignTabs"));
    sideTabs_->addTab(editor_, tr("Edit"));
    sideTabs_->addTab(history_, tr("History"));
    sideTabs_->setTabToolTip(1, tr("Every change of the selected campaign, whoever made it, with Restore"));
    splitter->addWidget(left);
    splitter->addWidget(sideTabs_);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    reloadSoon_->setSingleShot(true);
    reloadSoon_->setInterval(250);
    connect(reloadSoon_, &QTimer::timeout, this, &CampaignsPanel::reload);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &CampaignsPanel::currentRowChanged);
    historySoon_->setSingleShot(true);
    historySoon_->setInterval(250);
    connect(historySoon_, &QTimer::timeout, history_, &HistoryView::refresh);
    connect(editor_, &CampaignEditor::saved, this, [this](qint64 id, qint64 changeId) {
        pendingSelection_ = id;
        const QString saved = tr("Campaign %1 saved").arg(editor_->edited().campaign.code);
        Q_EMIT message(saved);
        liveWatch_->watch(changeId, saved);
        reload();
    });
    connect(history_, &HistoryView::restored, this, [this](qint64 id, qint64 changeId) {
        pendingSelection_ = id;
        if (!editor_->isDirty())
            editor_->clear(); // the table's reload selects it again, as restored
        liveWatch_->watch(changeId, tr("Campaign %1 restored").arg(id));
        reload();
    });
    connect(history_, &HistoryView::message, this, &CampaignsPanel::message);
    connect(bulk_, &BulkEditRunner::message, this, &CampaignsPanel::message);
    connect(bulk_, &BulkEditRunner::written, this, [this] {
        // The editor's copy is now outdated; without edits it simply follows.
        if (editor_->hasCampaign() && !editor_->isDirty() && editor_->campaignId())
            editor_->reload();
        reload();
    });
    connect(liveWatch_, &LiveWatch::reported, this, &CampaignsPanel::message);
    connect(&session_, &StudioSession::indexLoaded, this, [this] {
        // Also after a retried load: the table read when the index could not be (or nothing,
        // when the store failed both) is read again, beside the index.
        if (std::exchange(waitingForIndex_, false) || !lastReadBesideIndex_)
            reload();
    });
    connect(&session_, &StudioSession::indexLoadFailed, this, [this] {
        if (std::exchange(waitingForIndex_, false))
            reload(); // what the store still gives, on its own
    });
    connect(&session_, &StudioSession::aboutToClose, this, [this] {
        loader_->cancelAndWait();
        job_->cancelAndWait();
    });
    session_.forEachEngine(this, [this] {
        readError_.clear(); // before the table is cleared and counted
        model_->clear(); // nothing of the last store stays shown, nor selected
        changesRead_ = 0; // a count of the last engine's
        bulk_->forget();
        editor_->clear();
        editor_->setCodeOwners(CampaignCatalog::make({})); // nor the last engine's index it keeps
        history_->showCampaign(0);
        // Writes made anywhere (this window, the admin API, another instance) end here.
        connect(&session_.engine(), &Engine::changesApplied, this, [this](const QList<qint64> &ids) {
            // A read begun since these changes were applied shows them already: this window's
            // own writes (a save, a bulk edit) start one as soon as they are written.
            if (session_.engine().changesAppliedCount() > changesRead_)
                reloadSoon_->start();
            if (history_->campaignId() && (ids.isEmpty() || ids.contains(history_->campaignId())))
                historySoon_->start();
        }, Qt::QueuedConnection);
        connect(&session_.engine(), &Engine::indexRebuilt, model_, &CampaignTableModel::refreshServing,
                Qt::QueuedConnection);
        reload();
    });
}

void CampaignsPanel::reload()
{
    // Read beside the engine's index, the catalog keeps no second copy of the rules the index
    // has. While the index loads, wait for it: reading both at once takes longer than one
    // after the other.
    if (session_.isOpen() && !session_.isLoaded() && session_.loadError().isEmpty()) {
        waitingForIndex_ = true;
        showCount();
        return;
    }
    if (loader_->isRunning()) {
        loader_->whenDone([this] { reload(); });
        return;
    }
    reloadSoon_->stop(); // what it waited for is in the store this read begins to read
    changesRead_ = session_.engine().changesAppliedCount();
    CampaignStore &store = session_.engine().store();
    auto index = session_.isLoaded() ? session_.engine().matcher().snapshot() : nullptr;
    lastReadBesideIndex_ = index != nullptr;
    loader_->start(tr("Loading campaigns"), [this, &store, index = std::move(index)](JobControl &job) -> BackgroundJob::Finish {
        auto read = CampaignCatalog::read(store, index, {}, &job);
        if (job.cancelled())
            return {};
        if (!read.ok())
            return [this, error = read.message] {
                changesRead_ = 0; // the next change reads the store again
                readError_ = error;
                Q_EMIT message(tr("Campaigns not loaded: %1").arg(error));
                QTimer::singleShot(0, this, &CampaignsPanel::showCount); // once the loader is done
            };
        std::shared_ptr<const CampaignCatalog> catalog = std::move(read.value);
        Engine::releaseFreedMemory(); // what the read and the lookups of the build took
        return [this, catalog = std::move(catalog)] {
            readError_.clear();
            editor_->setCodeOwners(catalog);
            model_->setCatalog(catalog); // shown once arranged; restoreSelection() follows
        };
    });
}

void CampaignsPanel::rememberSelection()
{
    changingSelection_ = true;
    remembered_.ids = selectedIds();
    remembered_.current = table_->currentIndex().data(CampaignTableModel::kIdRole).toLongLong();
    remembered_.scroll = table_->verticalScrollBar()->value();
}

void CampaignsPanel::restoreSelection()
{
    std::vector<int> rows;
    for (qint64 id : std::exchange(remembered_.ids, {})) {
        if (const int row = model_->rowOf(id); row >= 0)
            rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end());
    // Whole ranges: a selection of a million rows one by one takes seconds.
    QItemSelection selection;
    for (size_t first = 0; first < rows.size();) {
        size_t last = first;
        while (last + 1 < rows.size() && rows[last + 1] == rows[last] + 1)
            ++last;
        selection.select(model_->index(rows[first], 0), model_->index(rows[last], CampaignTableModel::ColumnCount - 1));
        first = last + 1;
    }
    table_->selectionModel()->select(selection, QItemSelectionModel::Select);
    if (const int row = model_->rowOf(remembered_.current); row >= 0)
        table_->selectionModel()->setCurrentIndex(model_->index(row, CampaignTableModel::Code), QItemSelectionModel::NoUpdate);
    table_->verticalScrollBar()->setValue(remembered_.scroll);
    changingSelection_ = false;

    // After a save or a restore: that campaign, shown (an editor with edits stays as it is).
    if (const qint64 id = std::exchange(pendingSelection_, 0))
        selectCampaign(id);
    showCount();
    showNewerVersionInEditor();
}

void CampaignsPanel::showNewerVersionInEditor()
{
    // A campaign changed elsewhere (a restore, the admin API, another instance) while shown
    // unedited: the editor shows what is stored now. Edits in progress are never replaced.
    if (!editor_->hasCampaign() || editor_->isDirty() || !editor_->campaignId())
        return;
    const qsizetype index = model_->catalog().indexOf(editor_->campaignId());
    if (index >= 0 && !(model_->catalog().at(index) == editor_->original()))
        editor_->load(model_->catalog().at(index));
}

bool CampaignsPanel::isLoading() const
{
    return waitingForIndex_ || loader_->isRunning();
}

void CampaignsPanel::showCount()
{
    const QLocale locale;
    // A failed read is said where the rows are, not only for a moment in the status bar.
    count_->setToolTip(readError_);
    if (model_->catalog().size() == 0 && (isLoading() || model_->isArranging())) {
        count_->setText(tr("Loading campaigns…")); // not "0 of 0": they are on their way
        return;
    }
    if (!readError_.isEmpty() && model_->catalog().size() == 0) {
        count_->setText(tr("Campaigns not read from the store"));
        return;
    }
    const QString shown = tr("%1 of %2 campaigns").arg(locale.toString(model_->rowCount()), locale.toString(model_->catalog().size()));
    count_->setText(readError_.isEmpty() ? shown : tr("%1, not up to date: the store could not be read again").arg(shown));
}

bool CampaignsPanel::confirmDiscard()
{
    if (!editor_->isDirty())
        return true;
    const auto choice = QMessageBox::question(
        this, tr("Unsaved edits"),
        tr("The campaign \"%1\" has unsaved edits.").arg(editor_->edited().campaign.code),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (choice == QMessageBox::Save)
        return editor_->save();
    return choice == QMessageBox::Discard;
}

void CampaignsPanel::selectCampaign(qint64 id)
{
    const int row = model_->rowOf(id);
    if (row < 0)
        return;
    const QModelIndex index = model_->index(row, CampaignTableModel::Code);
    table_->setCurrentIndex(index);
    table_->scrollTo(index);
    if (editor_->campaignId() != id || !editor_->hasCampaign())
        currentRowChanged();
}

QList<qint64> CampaignsPanel::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : table_->selectionModel()->selectedRows())
        ids.append(index.data(CampaignTableModel::kIdRole).toLongLong());
    if (ids.isEmpty() && table_->currentIndex().isValid())
        ids.append(table_->currentIndex().data(CampaignTableModel::kIdRole).toLongLong());
    return ids;
}

QList<qint64> CampaignsPanel::shownIds() const
{
    QList<qint64> ids;
    ids.reserve(model_->rowCount());
    for (int row = 0; row < model_->rowCount(); ++row)
        ids.append(model_->idAt(row));
    return ids;
}

void CampaignsPanel::currentRowChanged()
{
    if (changingSelection_)
        return;
    const QModelIndex current = table_->currentIndex();
    if (!current.isValid())
        return;
    const qint64 id = current.data(CampaignTableModel::kIdRole).toLongLong();
    if (id == editor_->campaignId() && editor_->hasCampaign())
        return;
    if (!confirmDiscard()) {
        // Stay on the campaign being edited.
        changingSelection_ = true;
        const int row = model_->rowOf(editor_->campaignId());
        if (row >= 0)
            table_->setCurrentIndex(model_->index(row, CampaignTableModel::Code));
        changingSelection_ = false;
        return;
    }
    const CampaignWithRules campaign = model_->at(current.row());
    editor_->load(campaign);
    history_->showCampaign(id, campaign.campaign.code);
}

void CampaignsPanel::addCampaign()
{
    if (!confirmDiscard())
        return;
    CampaignWithRules fresh;
    fresh.campaign.status = kStatusActive;
    editor_->startNew(fresh);
    editor_->findChild<QLineEdit *>(QStringLiteral("code"))->setFocus();
}

void CampaignsPanel::duplicateSelection()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty() || !confirmDiscard())
        return;
    const int row = model_->rowOf(ids.first());
    if (row >= 0)
        editor_->startNew(model_->at(row));
}

void CampaignsPanel::openInEditor(qint64 id)
{
    sideTabs_->setCurrentWidget(editor_);
    selectCampaign(id);
    if (model_->rowOf(id) < 0)
        Q_EMIT message(tr("Campaign %1 is not in the table: clear the filter to edit it").arg(id));
}

void CampaignsPanel::showTargetingReport()
{
    if (!lintReport_) {
        lintReport_ = new LintReportDialog(*bulk_, this);
        connect(lintReport_, &LintReportDialog::openCampaign, this, &CampaignsPanel::openInEditor);
        // Fixes written, or any other change: the report follows the campaigns read again.
        connect(model_, &CampaignTableModel::arranged, lintReport_, [this] {
            if (lintReport_->isVisible())
                lintReport_->check(model_->sharedCatalog());
        });
    }
    lintReport_->check(model_->sharedCatalog());
    lintReport_->show();
    lintReport_->raise();
}

void CampaignsPanel::setStatusOfSelection(const QString &status)
{
    BulkEdit edit;
    edit.action = status == kStatusActive ? BulkEdit::Action::Activate : BulkEdit::Action::Deactivate;
    bulk_->start(edit, selectedIds());
}

void CampaignsPanel::deleteSelection(bool confirm)
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    if (confirm
        && QMessageBox::question(this, tr("Delete campaigns"),
                                 tr("Delete %n campaign(s)? They stop being delivered at once; the rows stay "
                                    "in the database, marked deleted, and Undo bulk edit brings them back.",
                                    nullptr, int(ids.size())))
               != QMessageBox::Yes)
        return;
    if (ids.contains(editor_->campaignId()) && !editor_->isDirty())
        editor_->clear();
    BulkEdit edit;
    edit.action = BulkEdit::Action::Delete;
    bulk_->start(edit, ids);
}

void CampaignsPanel::askBulkEdit()
{
    BulkEditDialog dialog(model_->sharedCatalog(), selectedIds(), shownIds(), session_.valueCatalog(),
                          session_.recordedTraffic(), this);
    if (dialog.exec() == QDialog::Accepted)
        bulk_->start(dialog.edit(), dialog.ids());
}

} // namespace adserve
