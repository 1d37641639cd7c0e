#pragma once

#include <QDateTime>
#include <QString>

namespace adserve {

// How far an instance has applied the change log, for /readyz, /metrics, the instance
// registry and the studio.
struct ChangeStatus
{
    qint64 appliedThrough = 0; // every change up to this id is applied
    bool settled = false;      // appliedThrough is exact (see ChangeFeed::settled)
    QDateTime appliedAt;       // when the newest change was applied (0: none since start)
    qint64 newestId = 0;       // the newest change in the log when it was last read
    qint64 behindChanges = 0;  // changes read but not applied yet
    QDateTime behindSince;     // when the oldest of them was made
    QString problem;           // why it is behind or cannot read the log; empty when all is well
    QDateTime lastRead;        // the last successful read of the log
    qint64 resyncs = 0;        // full reloads: a backlog, a TRUNCATE, a log pruned past this instance

    // Serving what it last knew while changes wait, or unable to tell.
    bool stale() const { return behindChanges > 0 || !problem.isEmpty(); }
    // Seconds the oldest unapplied change has waited (0 when none).
    double lagSeconds(const QDateTime &now = QDateTime::currentDateTimeUtc()) const
    {
        return behindChanges > 0 && behindSince.isValid() ? behindSince.msecsTo(now) / 1000.0 : 0.0;
    }
};

} // namespace adserve
