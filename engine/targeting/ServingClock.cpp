#include "ServingClock.h"

#include "MatchEngine.h"

#include <QDateTime>

#include <algorithm>

namespace adserve {

ServingClock::ServingClock(MatchEngine &matcher, QObject *parent)
    : QObject(parent)
    , matcher_(matcher)
{
    timer_.setSingleShot(true);
    timer_.setTimerType(Qt::PreciseTimer);
    connect(&timer_, &QTimer::timeout, this, &ServingClock::tick);
    tick();
}

void ServingClock::tick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    matcher_.advanceTo(now);
    const qint64 next = matcher_.snapshot()->nextServingChange();
    timer_.start(int(std::clamp<qint64>(next - now, 0, kLookEveryMs)));
}

} // namespace adserve
