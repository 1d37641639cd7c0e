#include "BulkEditRunner.h"

#include "common/BackgroundJob.h"
#include "session/StudioSession.h"

#include <QAction>
#include <QLocale>

namespace adserve {

BulkEditRunner::BulkEditRunner(StudioSession &session, BackgroundJob &job, QObject *parent)
    : QObject(parent)
    , session_(session)
    , job_(job)
    , undoAction_(new QAction(tr("Undo bulk edit"), this))
{
    undoAction_->setObjectName(QStringLiteral("undoBulkEdit"));
    undoAction_->setEnabled(false);
    connect(undoAction_, &QAction::triggered, this, &BulkEditRunner::undo);
}

bool BulkEditRunner::start(const BulkEdit &edit, const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return false;
    CampaignStore &store = session_.engine().store();
    const QString what = edit.describe();
    return job_.start(tr("Bulk edit: %1 (%2 campaigns)").arg(what, QLocale().toString(ids.size())),
                      [this, &store, edit, ids, what](JobControl &control) -> BackgroundJob::Finish {
                          bool cancelled = false;
                          auto result = BulkEditor(store).apply(
                              edit, ids, [&](qint64 done, qint64 total) { return control.progress(done, total); },
                              &cancelled);
                          if (cancelled)
                              return [this] { Q_EMIT message(tr("Bulk edit cancelled: nothing was written")); };
                          if (!result.ok())
                              return [this, why = result.message, what] {
                                  Q_EMIT message(tr("Bulk edit not made (%1): %2. Nothing was written.").arg(what, why));
                              };
                          auto record = std::make_shared<const BulkEditRecord>(std::move(result.value));
                          return [this, record, what] {
                              Q_EMIT message(tr("Bulk edit made: %1, %2 campaigns changed")
                                                 .arg(what, QLocale().toString(record->before.size())));
                              if (!record->before.isEmpty())
                                  remember(record);
                              Q_EMIT written();
                          };
                      });
}

bool BulkEditRunner::undo()
{
    if (!last_)
        return false;
    CampaignStore &store = session_.engine().store();
    const auto record = last_;
    return job_.start(tr("Undoing: %1").arg(record->edit.describe()), [this, &store, record](JobControl &control) -> BackgroundJob::Finish {
        bool cancelled = false;
        const auto undone = BulkEditor(store).undo(
            *record, [&](qint64 done, qint64 total) { return control.progress(done, total); }, &cancelled);
        const QString what = record->edit.describe();
        if (cancelled)
            return [this] { Q_EMIT message(tr("Undo cancelled: nothing was written")); };
        if (!undone.ok())
            return [this, why = undone.message] { Q_EMIT message(tr("Not undone: %1").arg(why)); };
        return [this, record, what, undone = undone.value]() mutable {
            const QLocale locale;
            QString text = tr("Undone: %1, %2 campaigns back as they were").arg(what, locale.toString(undone.restored));
            if (!undone.changedSince.isEmpty())
                text += tr("; %1 changed since were left as they are").arg(locale.toString(undone.changedSince.size()));
            Q_EMIT message(text);
            if (last_ == record)
                remember(nullptr);
            // The campaigns as they were: 100,000s at 1M.
            BackgroundJob::releaseLater(std::move(record), BackgroundJob::Size::Large);
            Q_EMIT written();
        };
    });
}

void BulkEditRunner::forget()
{
    remember(nullptr);
}

void BulkEditRunner::remember(std::shared_ptr<const BulkEditRecord> record)
{
    BackgroundJob::releaseLater(std::exchange(last_, std::move(record)), BackgroundJob::Size::Large);
    undoAction_->setEnabled(last_ != nullptr);
    undoAction_->setText(last_ ? tr("Undo bulk edit: %1 (%2 campaigns)")
                                     .arg(last_->edit.describe(), QLocale().toString(last_->before.size()))
                               : tr("Undo bulk edit"));
}

} // namespace adserve
