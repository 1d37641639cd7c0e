#pragma once

#include <chrono>

namespace adserve {

// How long the change log keeps what (CHANGES_RETENTION_DAYS, CHANGES_KEEP_PER_CAMPAIGN).
struct ChangeRetention
{
    std::chrono::hours maxAge{90 * 24};
    int keepPerCampaign = 50; // the newest changes of every campaign stay, however old
};

// How an instance follows the change log (CHANGES_POLL_MS and the retention).
struct FollowerSettings
{
    std::chrono::milliseconds pollInterval{1000};
    ChangeRetention retention;
    int pageSize = 10000;       // a longer backlog of others' changes is caught up by reloading everything
    std::chrono::minutes pruneEvery{60};
};

} // namespace adserve
