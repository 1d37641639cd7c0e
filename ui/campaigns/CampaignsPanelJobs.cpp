// The Campaigns panel's long jobs, each in the background with progress and cancel:
// generating campaigns and removing them, importing and exporting. Each ends once the table
// shows what it wrote.
#include "CampaignsPanel.h"

#include "CampaignEditor.h"
#include "CampaignTableModel.h"
#include "CampaignTransfer.h"
#include "Engine.h"
#include "GenerateDialog.h"
#include "common/BackgroundJob.h"
#include "session/StudioSession.h"
#include "store/CampaignGenerator.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QThreadPool>

#include <future>

namespace adserve {

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
