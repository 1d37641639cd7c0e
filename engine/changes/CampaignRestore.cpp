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
    CampaignWithRules current{*campaign, {}};
    for (const TargetRule &r : rules) {
        if (!r.deleted && !campaign->deleted)
            current.rules.append(r);
    }
    return {current, *target, ChangeHistory::difference(current, *target)};
}

// Writes `plan.target` over the campaign's rows; rules keep their ids where their rows
// still belong to the campaign, and come back as new rows where they are gone.
void apply(CampaignWrites &w, const CampaignRestore::Plan &plan)
{
    const Campaign &current = plan.current.campaign;
    const Campaign &wanted = plan.target.campaign;
    const QDateTime now = CampaignWrites::writeTime(current.updatedAt);
    if (wanted.code != current.code)
        w.ensureCodeFree(wanted.code, current.id);
    Campaign row = current;
    row.code = wanted.code;
    row.name = wanted.name;
    row.image = wanted.image;
    row.cta = wanted.cta;
    row.status = wanted.status;
    row.priority = wanted.priority;
    row.serving = wanted.serving;
    row.deleted = wanted.deleted;
    row.deletedAt = wanted.deleted ? (wanted.deletedAt.isValid() ? wanted.deletedAt : now) : QDateTime();
    row.updatedAt = now;
    w.rows().updateCampaign(row);

    const QList<TargetRule> target = wanted.deleted ? QList<TargetRule>() : plan.target.rules;
    QSet<qint64> targetIds;
    for (const TargetRule &r : target)
        targetIds.insert(r.id);
    QHash<qint64, TargetRule> existing;
    for (const TargetRule &r : w.rows().allRules(current.id)) {
        existing.insert(r.id, r);
        if (!r.deleted && !targetIds.contains(r.id)) {
            TargetRule gone = r;
            gone.deleted = true;
            gone.deletedAt = gone.updatedAt = now;
            w.rows().updateRule(gone);
        }
    }
    for (const TargetRule &wantedRule : target) {
        const auto it = existing.constFind(wantedRule.id);
        if (it == existing.cend()) {
            w.rows().insertRule(CampaignWrites::newRule(wantedRule, current.id, now));
            continue;
        }
        TargetRule revived = *it;
        revived.code = wantedRule.code;
        revived.dimension = wantedRule.dimension;
        revived.type = wantedRule.type;
        revived.values = wantedRule.values;
        revived.deleted = false;
        revived.deletedAt = {};
        if (revived == *it)
            continue;
        revived.updatedAt = now;
        w.rows().updateRule(revived);
    }
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
        apply(w, plan);
        if (plan.target.campaign.deleted)
            return CampaignWithRules{*w.rows().campaign(campaignId), {}};
        return w.loadLive(campaignId);
    });
}

} // namespace adserve
