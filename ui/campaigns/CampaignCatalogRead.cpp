#include "CampaignCatalog.h"

#include <optional>
#include <vector>

namespace adserve {

StoreResult<std::shared_ptr<const CampaignCatalog>> CampaignCatalog::read(const CampaignStore &store,
                                                                          std::shared_ptr<const MatchIndex> index,
                                                                          const StoreParts &parts)
{
    using Result = StoreResult<std::shared_ptr<const CampaignCatalog>>;
    const auto ranges = parts.split(store);
    if (!ranges.ok())
        return Result::failureFrom(ranges);
    const auto count = size_t(ranges.value.size());
    std::vector<std::optional<Builder>> builders(count);
    const auto read = StoreParts::read(
        store, ranges.value, CampaignStore::Fields::All,
        [&](int part, qint64 campaigns) {
            builders[size_t(part)].emplace(index); // again when the read starts over
            builders[size_t(part)]->reserve(campaigns);
        },
        [&](int part, CampaignWithRules &&campaign) {
            builders[size_t(part)]->add(campaign);
            return true;
        });
    if (!read.ok())
        return Result::failureFrom(read);
    Builder &whole = *builders.front();
    for (size_t part = 1; part < count; ++part)
        whole.append(std::move(*builders[part]));
    return Result::success(whole.finish());
}

} // namespace adserve
