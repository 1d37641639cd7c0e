#include "CampaignCatalog.h"

#include <algorithm>

namespace adserve {

std::shared_ptr<const CampaignCatalog> CampaignCatalog::make(QList<CampaignWithRules> campaigns)
{
    auto catalog = std::make_shared<CampaignCatalog>();
    const auto byId = [](const CampaignWithRules &a, const CampaignWithRules &b) { return a.campaign.id < b.campaign.id; };
    if (!std::is_sorted(campaigns.cbegin(), campaigns.cend(), byId))
        std::sort(campaigns.begin(), campaigns.end(), byId);
    catalog->campaigns_ = std::move(campaigns);
    catalog->idsByCode_.reserve(catalog->campaigns_.size());
    for (const CampaignWithRules &c : std::as_const(catalog->campaigns_))
        catalog->idsByCode_.insert(c.campaign.code, c.campaign.id);
    return catalog;
}

qsizetype CampaignCatalog::indexOf(qint64 id) const
{
    const auto found = std::lower_bound(campaigns_.cbegin(), campaigns_.cend(), id,
                                        [](const CampaignWithRules &c, qint64 id) { return c.campaign.id < id; });
    return found != campaigns_.cend() && found->campaign.id == id ? found - campaigns_.cbegin() : -1;
}

} // namespace adserve
