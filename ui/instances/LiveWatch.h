#pragma once

#include "changes/InstanceRegistry.h"

#include <QObject>

namespace adserve {

class BackgroundJob;
class StudioSession;

// Says where a change the studio made is live: follows the instance registry off the GUI
// thread until every running instance has applied the change (or kPatience passes), then
// reports "live on 3 of 3 instances (slowest 41 ms)", or which instances are behind.
class LiveWatch : public QObject
{
    Q_OBJECT
public:
    static constexpr int kPatienceMs = 10000;

    explicit LiveWatch(StudioSession &session, QObject *parent = nullptr);

    // Follows `changeId`; `what` starts the report ("Campaign summer-sale saved"). A watch
    // still running is replaced.
    void watch(qint64 changeId, const QString &what);
    BackgroundJob *job() const { return job_; }

    // "live on 2 of 3 instances (slowest 41 ms); waiting for studio on host (stale: ...)"
    static QString describe(const Liveness &live);

Q_SIGNALS:
    void reported(const QString &text);

private:
    StudioSession &session_;
    BackgroundJob *job_;
};

} // namespace adserve
