#include "HitRatioWindow.h"

namespace adserve {

void HitRatioWindow::add(const CacheStatsSnapshot &counters, qint64 atMs)
{
    samples_.push_back({atMs, counters.hits, counters.misses, counters.errors});
    // Keep the newest sample at least a span old: the window then covers the whole span.
    while (samples_.size() > 1 && samples_[1].atMs <= atMs - spanMs_)
        samples_.pop_front();
}

qint64 HitRatioWindow::lookups() const
{
    if (samples_.empty())
        return 0;
    const Sample &first = samples_.front(), &last = samples_.back();
    return (last.hits - first.hits) + (last.misses - first.misses);
}

qint64 HitRatioWindow::failedReads() const
{
    return samples_.empty() ? 0 : samples_.back().errors - samples_.front().errors;
}

std::optional<double> HitRatioWindow::ratio() const
{
    // A read the cache failed is no hit: without it, the near cache's hits while the cache
    // is down would read 100%.
    const qint64 total = lookups() + failedReads();
    if (total <= 0)
        return std::nullopt;
    return double(samples_.back().hits - samples_.front().hits) / double(total);
}

} // namespace adserve
