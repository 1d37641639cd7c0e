#include "CampaignsPanel.h"

#include "BulkEditDialog.h"
#include "BulkEditRunner.h"
#include "CampaignEditor.h"
#include "CampaignFilterBar.h"
#include "CampaignTableModel.h"
#include "CampaignTransfer.h"
#include "Engine.h"
#include "GenerateDialog.h"
#include "common/BackgroundJob.h"
#include "common/JobProgress.h"
#include "history/HistoryView.h"
#include "instances/LiveWatch.h"
#include "lint/LintReportDialog.h"
#include "session/StudioSession.h"
#include "store/CampaignGenerator.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QThreadPool>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <future>
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
    const auto readOnceIndexed = [this] {
        if (std::exchange(waitingForIndex_, false))
            reload();
    };
    connect(&session_, &StudioSession::indexLoaded, this, readOnceIndexed);
    connect(&session_, &StudioSession::indexLoadFailed, this, readOnceIndexed);
    connect(&session_, &StudioSession::aboutToClose, this, [this] {
        loader_->cancelAndWait();
        job_->cancelAndWait();
    });
    session_.forEachEngine(this, [this] {
        model_->clear(); // nothing of the last store stays shown, nor selected
        changesRead_ = 0; // a count of the last engine's
        bulk_->forget();
        editor_->clear();
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
        reloadSoon_->start(); // try again when this load is done
        return;
    }
    reloadSoon_->stop(); // what it waited for is in the store this read begins to read
    changesRead_ = session_.engine().changesAppliedCount();
    CampaignStore &store = session_.engine().store();
    auto index = session_.isLoaded() ? session_.engine().matcher().snapshot() : nullptr;
    loader_->start(tr("Loading campaigns"), [this, &store, index = std::move(index)](JobControl &job) -> BackgroundJob::Finish {
        auto read = CampaignCatalog::read(store, index, {}, &job);
        if (job.cancelled())
            return {};
        if (!read.ok())
            return [this, error = read.message] {
                changesRead_ = 0; // the next change reads the store again
                Q_EMIT message(tr("Campaigns not loaded: %1").arg(error));
                QTimer::singleShot(0, this, &CampaignsPanel::showCount); // once the loader is done
            };
        std::shared_ptr<const CampaignCatalog> catalog = std::move(read.value);
        Engine::releaseFreedMemory(); // what the read and the lookups of the build took
        return [this, catalog = std::move(catalog)] {
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
    if (model_->catalog().size() == 0 && (isLoading() || model_->isArranging())) {
        count_->setText(tr("Loading campaigns…")); // not "0 of 0": they are on their way
        return;
    }
    count_->setText(tr("%1 of %2 campaigns").arg(locale.toString(model_->rowCount()), locale.toString(model_->catalog().size())));
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

void CampaignsPanel::askGenerate()
{
    GenerateDialog dialog(session_.engine().store().target(), this);
    if (dialog.exec() == QDialog::Accepted)
        startGenerate(dialog.count(), dialog.seed());
}

void CampaignsPanel::startGenerate(qint64 count, quint64 seed)
{
    CampaignStore &store = session_.engine().store();
    const QLocale locale;
    job_->start(tr("Generating %1 campaigns").arg(locale.toString(count)), [this, &store, count, seed](JobControl &control) {
        qint64 deleted = 0;
        const auto result = CampaignGenerator::generate(
            store, count, seed, [&](qint64 done, qint64 total) { return control.progress(done, total); }, &deleted);
        return BackgroundJob::Finish([this, result, deleted, seed] {
            const QLocale locale;
            if (!result.ok()) {
                QMessageBox::warning(this, tr("Generation failed"), tr("%1\n\nNothing was written.").arg(result.message));
                Q_EMIT message(tr("Generation failed: nothing was written"));
            } else if (result.value == 0) {
                Q_EMIT message(tr("Generation cancelled: nothing was written"));
            } else {
                finishAfterTableLoad(tr("%1 generated (seed %2): %3 shown, %4 generated as deleted")
                                         .arg(locale.toString(result.value), QString::number(seed),
                                              locale.toString(result.value - deleted), locale.toString(deleted)));
            }
        });
    });
}

void CampaignsPanel::askRemoveGenerated()
{
    CampaignStore &store = session_.engine().store();
    job_->start(tr("Counting generated campaigns"), [this, &store](JobControl &control) {
        const auto counted = CampaignGenerator::countGenerated(store);
        if (control.cancelled())
            return BackgroundJob::Finish();
        return BackgroundJob::Finish([this, counted] {
            if (!counted.ok()) {
                QMessageBox::warning(this, tr("Generated campaigns not counted"), counted.message);
                return;
            }
            // Asked once the counting job is over, so that the removal's progress shows.
            connect(job_, &BackgroundJob::finished, this, [this, generated = counted.value] { removeGenerated(generated); },
                    Qt::SingleShotConnection);
        });
    });
}

void CampaignsPanel::removeGenerated(const CodeCount &generated)
{
    CampaignStore &store = session_.engine().store();
    const QLocale locale;
    if (generated.total() == 0) {
        QMessageBox::information(this, tr("Remove generated campaigns"),
                                 tr("%1 holds no generated campaigns (codes gen-<seed>-<n>).").arg(store.describe()));
        return;
    }
    QMessageBox box(QMessageBox::Question, tr("Remove generated campaigns"),
                    tr("Remove all %1 generated campaigns from %2?")
                        .arg(locale.toString(generated.total()), store.describe()),
                    QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("confirmRemoveGeneratedDialog"));
    box.setInformativeText(tr("%1 shown in the table and %2 generated as deleted: every campaign coded gen-<seed>-<n>, "
                              "with its rules. They are removed for good, in one transaction, and every instance "
                              "stops serving them; other campaigns are not touched.")
                               .arg(locale.toString(generated.live), locale.toString(generated.deleted)));
    QPushButton *remove = box.addButton(tr("Remove %1").arg(locale.toString(generated.total())), QMessageBox::AcceptRole);
    remove->setObjectName(QStringLiteral("confirmRemoveGenerated"));
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != remove)
        return;
    // The editor cannot save a campaign that is gone; unsaved edits stay for the user to see.
    if (editor_->hasCampaign() && !editor_->isDirty()
        && CampaignGenerator::generatedCodes().whole.match(editor_->original().campaign.code).hasMatch())
        editor_->clear();
    job_->start(tr("Removing %1 generated campaigns").arg(locale.toString(generated.total())),
                [this, &store](JobControl &control) {
                    const auto removed = CampaignGenerator::removeGenerated(
                        store, std::nullopt, [&](qint64 done, qint64 total) { return control.progress(done, total); });
                    return BackgroundJob::Finish([this, removed] {
                        if (!removed.ok()) {
                            QMessageBox::warning(this, tr("Generated campaigns not removed"),
                                                 tr("%1\n\nNothing was removed.").arg(removed.message));
                            Q_EMIT message(tr("Removal failed: nothing was removed"));
                        } else if (removed.value == 0) {
                            Q_EMIT message(tr("Removal cancelled: nothing was removed"));
                        } else {
                            finishAfterTableLoad(tr("%1 generated campaigns removed").arg(QLocale().toString(removed.value)));
                        }
                    });
                });
}

void CampaignsPanel::finishAfterTableLoad(const QString &done)
{
    // Called from the job's Finish: a table load that starts from now on reads what it wrote.
    auto loaded = std::make_shared<std::promise<void>>();
    connect(loader_, &BackgroundJob::started, this, [this, loaded] {
        connect(loader_, &BackgroundJob::finished, this, [this, loaded] {
            // Read, then arranged in the background: shown once the rows arrive.
            if (!model_->isArranging())
                loaded->set_value();
            else
                connect(model_, &CampaignTableModel::arranged, this, [loaded] { loaded->set_value(); },
                        Qt::SingleShotConnection);
        }, Qt::SingleShotConnection);
    }, Qt::SingleShotConnection);
    // Once the job is over (its Finish runs first), it goes on as "Loading the table".
    connect(job_, &BackgroundJob::finished, this, [this, done, shown = loaded->get_future().share()] {
        job_->start(tr("Loading the table"), [this, done, shown](JobControl &control) {
            // Waits without holding a pool thread the load itself may need.
            BackgroundJob::pool()->releaseThread();
            while (shown.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready && !control.cancelled()) {
            }
            BackgroundJob::pool()->reserveThread();
            return BackgroundJob::Finish([this, done] { Q_EMIT message(done); });
        });
    }, Qt::SingleShotConnection);
    reload();
}

void CampaignsPanel::askImport()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import campaigns"), QString(),
                                                      tr("Campaigns (*.json *.csv)"));
    if (!path.isEmpty())
        startImport(path);
}

void CampaignsPanel::startImport(const QString &path)
{
    CampaignStore &store = session_.engine().store();
    job_->start(tr("Importing %1").arg(QFileInfo(path).fileName()), [this, &store, path](JobControl &control) {
        CampaignTransfer::Parsed parsed = CampaignTransfer::readFile(path);
        // A code already in the store is reported, not overwritten.
        QSet<QString> taken;
        const auto existing = store.campaigns(false);
        for (const Campaign &c : existing.value)
            taken.insert(c.code);
        QList<CampaignWithRules> fresh;
        for (const CampaignWithRules &c : std::as_const(parsed.campaigns)) {
            if (taken.contains(c.campaign.code))
                parsed.errors.append(tr("%1: the code is already in use; skipped").arg(c.campaign.code));
            else
                fresh.append(c);
        }
        const auto inserted = fresh.isEmpty() ? StoreResult<qint64>::success(0)
                                              : store.insertMany(fresh, [&](qint64 done, qint64 total) {
                                                    return control.progress(done, total);
                                                });
        if (!inserted.ok())
            parsed.errors.prepend(inserted.message);
        for (const FieldError &e : inserted.fieldErrors)
            parsed.errors.append(e.field + QStringLiteral(": ") + e.message);
        return BackgroundJob::Finish([this, count = inserted.value, errors = parsed.errors] {
            Q_EMIT message(tr("%1 campaigns imported").arg(count));
            if (!errors.isEmpty())
                QMessageBox::warning(this, tr("Import"),
                                     tr("%1 campaigns imported. Problems:\n%2")
                                         .arg(count)
                                         .arg(errors.mid(0, 30).join(QLatin1Char('\n'))));
            reload();
        });
    });
}

void CampaignsPanel::askExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export campaigns"), QStringLiteral("campaigns.json"),
                                                      tr("JSON (*.json);;CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportTo(path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
}

bool CampaignsPanel::exportTo(const QString &path, QString *error)
{
    // What the table shows: the filter applies to the export too.
    QList<CampaignWithRules> shown;
    for (int row = 0; row < model_->rowCount(); ++row)
        shown.append(model_->at(row));
    if (!CampaignTransfer::writeFile(path, shown, error))
        return false;
    Q_EMIT message(tr("%1 campaigns exported to %2").arg(shown.size()).arg(path));
    return true;
}

} // namespace adserve
