#include "IndexRead.h"

#include <vector>

namespace adserve {

IndexRead::IndexRead(const CampaignStore &store, Progress &progress, const std::atomic<bool> &cancelled,
                     StoreParts parts)
    : store_(store)
    , progress_(progress)
    , cancelled_(cancelled)
    , parts_(parts)
{
}

StoreResult<std::shared_ptr<const MatchIndex>> IndexRead::run(QList<qint64> *storeIds)
{
    using Result = StoreResult<std::shared_ptr<const MatchIndex>>;
    const auto ranges = parts_.split(store_);
    if (!ranges.ok())
        return Result::failureFrom(ranges);
    const auto parts = size_t(ranges.value.size());
    partsRead_ = int(parts);

    MatchIndex::Builder builder(static_cast<int>(parts));
    std::vector<QList<qint64>> ids(parts);
    std::vector<qint64> totals(parts, 0);
    std::vector<StoreResult<qint64>> results(parts);
    progress_.read = 0;
    progress_.total = 0;
    StoreParts::readSideBySide(int(parts), [&](int lane) {
        const auto part = size_t(lane);
        qint64 read = 0;
        results[part] = store_.forEachTargeting(
            [&](qint64 campaigns) { // again after a dropped connection: this part starts over
                builder.clear(lane);
                ids[part].clear();
                progress_.read -= std::exchange(read, 0);
                progress_.total += campaigns - std::exchange(totals[part], campaigns);
            },
            [&](const CampaignWithRules &campaign) {
                if (storeIds)
                    ids[part].append(campaign.campaign.id);
                builder.add(campaign, lane);
                ++read;
                progress_.read.fetch_add(1, std::memory_order_relaxed);
                return !cancelled_.load(std::memory_order_relaxed);
            },
            CampaignStore::Fields::Targeting, ranges.value[lane]);
    });

    if (storeIds) { // what was read, even of a read that failed
        for (const auto &partIds : ids)
            *storeIds += partIds;
    }
    for (const auto &result : results) {
        if (!result.ok())
            return Result::failureFrom(result);
    }
    return Result::success(builder.finish());
}

} // namespace adserve
