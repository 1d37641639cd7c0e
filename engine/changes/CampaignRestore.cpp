#include "CampaignRestore.h"

#include "store/CampaignWrites.h"

#include <QSet>

namespace adserve {

namespace {

// The campaign now and right after `changeId`, read on the session of `w`.
CampaignRestore::Plan planOn(CampaignWrites &w, qint64 campaignId, qint64 changeId, bool lock)
{
    SqlSession &session = w.rows().session();
    const std::optional<Campaign> campaign = w.rows().campaign(campaignId, lock);
    if (!campaign)
        throw StoreFailure{StoreError::NotFound, QStringLiteral("campaign %1 not found").arg(campaignId)};
    if (!ChangeLog::hasEntry(session, campaignId, changeId))
        throw StoreFailure{StoreError::NotFound,
                           QStringLiteral("change %1 of campaign %2 is not in the change log (never made, or pruned)")
                               .arg(changeId)
                               .arg(campaignId)};
    const QList<TargetRule> rules = w.rows().allRules(campaignId);
    QString why;
    const auto target = ChangeHistory::stateAfter(*campaign, rules, ChangeLog::entriesAfter(session, campaignId, changeId),
                                                  changeId, &why);
    if (!target)
        throw StoreFailure{StoreError::Conflict, QStringLiteral("cannot restore: %1").arg(why)};
    const CampaignWithRules current = CampaignWrites::stateOf(*campaign, rules);
    return {current, *target, ChangeHistory::difference(current, *target)};
}

} // namespace

StoreResult<CampaignRestore::Plan> CampaignRestore::preview(qint64 campaignId, qint64 changeId) const
{
    return store_.sessions().run(Access::Snapshot, [&](SqlSession &session) {
        CampaignRows rows(session);
        CampaignWrites writes(rows);
        return planOn(writes, campaignId, changeId, false);
    });
}

StoreResult<CampaignWithRules> CampaignRestore::restore(qint64 campaignId, qint64 changeId, WriteContext context)
{
    if (context.note.isEmpty())
        context.note = QStringLiteral("restore of change %1").arg(changeId);
    return store_.writeCampaign(campaignId, context, [&](CampaignWrites &w) {
        const Plan plan = planOn(w, campaignId, changeId, true);
        w.writeState(plan.current, plan.target);
        if (plan.target.campaign.deleted)
            return CampaignWithRules{*w.rows().campaign(campaignId), {}};
        return w.loadLive(campaignId);
    });
}

} // namespace adserve
