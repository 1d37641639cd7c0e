#include "MatchEngine.h"

namespace adserve {

MatchEngine::MatchEngine()
    : index_(MatchIndex::build({}))
{
}

std::shared_ptr<const MatchIndex> MatchEngine::snapshot() const
{
    std::lock_guard lock(mutex_);
    return index_;
}

void MatchEngine::swap(std::shared_ptr<const MatchIndex> index)
{
    std::shared_ptr<const MatchIndex> old;
    {
        std::lock_guard lock(mutex_);
        old = std::exchange(index_, std::move(index));
        ++generation_;
    }
    // `old` is released here, outside the lock.
}

bool MatchEngine::advanceTo(qint64 ms)
{
    const std::shared_ptr<const MatchIndex> current = snapshot();
    if (current->nextServingChange() > ms)
        return false;
    std::shared_ptr<const MatchIndex> advanced = current->at(ms); // outside the lock: O(campaigns with times)
    std::lock_guard lock(mutex_);
    if (index_ != current)
        return false; // a newer index is as of its own build time
    index_.swap(advanced);
    ++generation_;
    return true; // the old index is released outside the lock, with `advanced`
}

quint64 MatchEngine::generation() const
{
    std::lock_guard lock(mutex_);
    return generation_;
}

} // namespace adserve
