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
    const auto result = StoreParts::read(
        store_, ranges.value, CampaignStore::Fields::Targeting,
        [&](int lane, qint64) { // again after a dropped connection: this part starts over
            builder.clear(lane);
            ids[size_t(lane)].clear();
        },
        [&](int lane, CampaignWithRules &&campaign) {
            if (storeIds)
                ids[size_t(lane)].append(campaign.campaign.id);
            builder.add(campaign, lane);
            return !cancelled_.load(std::memory_order_relaxed);
        },
        &progress_);

    if (storeIds) { // what was read, even of a read that failed
        for (const auto &partIds : ids)
            *storeIds += partIds;
    }
    if (!result.ok())
        return Result::failureFrom(result);
    return Result::success(builder.finish());
}

} // namespace adserve
