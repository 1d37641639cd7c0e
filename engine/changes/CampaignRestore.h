#pragma once

#include "ChangeHistory.h"
#include "store/CampaignStore.h"

namespace adserve {

// Restores a campaign and its rules to what they were right after a change in the log. The
// restore is itself a new change (noted "restore of change N"), so it can be undone too.
class CampaignRestore
{
public:
    struct Plan
    {
        CampaignWithRules current;
        CampaignWithRules target; // as right after the change
        CampaignChange effect;    // what restoring changes
    };

    explicit CampaignRestore(CampaignStore &store) : store_(store) {}

    // What restoring would do, without writing.
    StoreResult<Plan> preview(qint64 campaignId, qint64 changeId) const;
    // Restores; returns the campaign as it is now (its rules empty if it was deleted then).
    StoreResult<CampaignWithRules> restore(qint64 campaignId, qint64 changeId, WriteContext context);

private:
    CampaignStore &store_;
};

} // namespace adserve
