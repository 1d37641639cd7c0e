#include "LiveWatch.h"

#include "common/BackgroundJob.h"
#include "session/StudioSession.h"

#include <QElapsedTimer>
#include <QThread>

namespace adserve {

LiveWatch::LiveWatch(StudioSession &session, QObject *parent)
    : QObject(parent)
    , session_(session)
    , job_(new BackgroundJob(this))
{
    connect(&session_, &StudioSession::aboutToClose, job_, &BackgroundJob::cancelAndWait);
}

QString LiveWatch::describe(const Liveness &live)
{
    QString text = tr("live on %1 of %2 %3")
                       .arg(live.liveOn)
                       .arg(live.instances)
                       .arg(live.instances == 1 ? tr("instance") : tr("instances"));
    if (live.liveOn > 0)
        text += tr(" (slowest %1 ms)").arg(live.slowestMs);
    QStringList waiting;
    for (const InstanceRecord &r : live.waiting) {
        QString who = QStringLiteral("%1 on %2").arg(r.kind, r.host);
        if (!r.address.isEmpty())
            who += QStringLiteral(" (%1)").arg(r.address);
        if (!r.problem.isEmpty())
            who += QStringLiteral(": %1").arg(r.problem);
        waiting.append(who);
    }
    if (!waiting.isEmpty())
        text += tr("; not yet on %1").arg(waiting.join(QLatin1String("; ")));
    return text;
}

void LiveWatch::watch(qint64 changeId, const QString &what)
{
    job_->cancelAndWait();
    if (changeId <= 0) {
        Q_EMIT reported(what);
        return;
    }
    InstanceRegistry &registry = session_.engine().changes().registry();
    job_->start(tr("Waiting for the change to be live"), [this, &registry, changeId, what](JobControl &control) {
        QElapsedTimer waited;
        waited.start();
        StoreResult<Liveness> live;
        do {
            live = registry.liveness(changeId);
            if (live.ok() && live.value.everywhere())
                break;
            QThread::msleep(50);
        } while (!control.cancelled() && waited.elapsed() < kPatienceMs);
        return BackgroundJob::Finish([this, what, live] {
            Q_EMIT reported(live.ok() ? tr("%1 — %2").arg(what, describe(live.value))
                                      : tr("%1 — cannot tell where it is live: %2").arg(what, live.message));
        });
    });
}

} // namespace adserve
