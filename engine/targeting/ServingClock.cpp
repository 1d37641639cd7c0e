#include "ServingClock.h"

#include "MatchEngine.h"

#include <QDateTime>

#include <algorithm>
#include <chrono>

namespace adserve {

ServingClock::ServingClock(MatchEngine &matcher)
    : matcher_(matcher)
    , thread_([this] { run(); })
{
}

ServingClock::~ServingClock()
{
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void ServingClock::run()
{
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        matcher_.advanceTo(now);
        const qint64 next = matcher_.snapshot()->nextServingChange();
        lock.lock();
        wake_.wait_for(lock, std::chrono::milliseconds(std::clamp<qint64>(next - now, 0, kLookEveryMs)),
                       [this] { return stopping_; });
    }
}

} // namespace adserve
