#include "CampaignCatalog.h"

#include <optional>
#include <vector>

namespace adserve {

StoreResult<std::shared_ptr<const CampaignCatalog>> CampaignCatalog::read(const CampaignStore &store,
                                                                          const StoreParts &parts)
{
    using Result = StoreResult<std::shared_ptr<const CampaignCatalog>>;
    const auto ranges = parts.split(store);
    if (!ranges.ok())
        return Result::failureFrom(ranges);
    const auto count = size_t(ranges.value.size());
    std::vector<std::optional<Builder>> builders(count);
    std::vector<StoreResult<qint64>> reads(count);
    StoreParts::readSideBySide(int(count), [&](int part) {
        std::optional<Builder> &builder = builders[size_t(part)];
        reads[size_t(part)] = store.forEachTargeting(
            [&](qint64 campaigns) {
                builder.emplace(); // again when the read starts over
                builder->reserve(campaigns);
            },
            [&](CampaignWithRules &&campaign) {
                builder->add(campaign);
                return true;
            },
            CampaignStore::Fields::All, ranges.value[part]);
    });
    for (const auto &read : reads) {
        if (!read.ok())
            return Result::failureFrom(read);
    }
    Builder &whole = *builders.front();
    for (size_t part = 1; part < count; ++part)
        whole.append(std::move(*builders[part]));
    return Result::success(whole.finish());
}

} // namespace adserve
