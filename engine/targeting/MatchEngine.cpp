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

quint64 MatchEngine::generation() const
{
    std::lock_guard lock(mutex_);
    return generation_;
}

} // namespace adserve
