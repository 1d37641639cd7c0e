#pragma once

#include "model/Campaign.h"
#include "targeting/TargetingQuery.h"

#include <QList>

#include <vector>

namespace adserve::bench {

// The campaigns `adserve generate --campaigns count --seed seed` writes (CampaignGenerator),
// numbered 1..count as a fresh store numbers them, without the deleted ones, as
// CampaignStore::targeting() hands them to the match index.
QList<CampaignWithRules> generatedCampaigns(qsizetype count, quint64 seed);

// Requests as traffic sends them: each value drawn from the values the campaigns name,
// weighted by how often they name it (popular targets are popular requests), spelled in
// mixed case; one request in ten comes from an app no campaign names.
std::vector<TargetingQuery> requestsFor(const QList<CampaignWithRules> &campaigns, qsizetype count, quint64 seed);

} // namespace adserve::bench
