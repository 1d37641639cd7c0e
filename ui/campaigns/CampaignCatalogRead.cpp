#include "CampaignCatalog.h"

#include "common/BackgroundJob.h"

#include <optional>
#include <vector>

namespace adserve {

StoreResult<std::shared_ptr<const CampaignCatalog>> CampaignCatalog::read(const CampaignStore &store,
                                                                          std::shared_ptr<const MatchIndex> index,
                                                                          const StoreParts &parts, JobControl *job)
{
    using Result = StoreResult<std::shared_ptr<const CampaignCatalog>>;
    const auto ranges = parts.split(store);
    if (!ranges.ok())
        return Result::failureFrom(ranges);
    const auto count = size_t(ranges.value.size());
    std::vector<std::optional<Builder>> builders(count);
    StoreParts::Progress progress;
    const auto read = StoreParts::read(
        store, ranges.value, CampaignStore::Fields::All,
        [&](int part, qint64 campaigns) {
            builders[size_t(part)].emplace(index); // again when the read starts over
            builders[size_t(part)]->reserve(campaigns);
        },
        [&](int part, CampaignWithRules &&campaign) {
            builders[size_t(part)]->add(campaign);
            const qint64 done = progress.read.load(std::memory_order_relaxed);
            return !job || done % 4096 != 0 || job->progress(done, progress.total.load());
        },
        &progress);
    if (!read.ok())
        return Result::failureFrom(read);
    if (job && !job->progress(progress.read, progress.total))
        return Result::failure(StoreError::Unavailable, QStringLiteral("the read was cancelled"));
    Builder &whole = *builders.front();
    for (size_t part = 1; part < count; ++part)
        whole.append(std::move(*builders[part]));
    return Result::success(whole.finish());
}

} // namespace adserve
