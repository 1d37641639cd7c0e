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
    std::vector<qint64> totals(parts, 0); // each part's count
    std::vector<qint64> read(parts, 0);   // and how many of them it read
    progress_.read = 0;
    progress_.total = 0;
    const auto result = StoreParts::read(
        store_, ranges.value, CampaignStore::Fields::Targeting,
        [&](int lane, qint64 campaigns) { // again after a dropped connection: this part starts over
            const auto part = size_t(lane);
            builder.clear(lane);
            ids[part].clear();
            progress_.read -= std::exchange(read[part], 0);
            progress_.total += campaigns - std::exchange(totals[part], campaigns);
        },
        [&](int lane, CampaignWithRules &&campaign) {
            if (storeIds)
                ids[size_t(lane)].append(campaign.campaign.id);
            builder.add(campaign, lane);
            ++read[size_t(lane)];
            progress_.read.fetch_add(1, std::memory_order_relaxed);
            return !cancelled_.load(std::memory_order_relaxed);
        });

    if (storeIds) { // what was read, even of a read that failed
        for (const auto &partIds : ids)
            *storeIds += partIds;
    }
    if (!result.ok())
        return Result::failureFrom(result);
    return Result::success(builder.finish());
}

} // namespace adserve
