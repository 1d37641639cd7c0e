#include "CampaignWrites.h"

namespace adserve {

namespace {

// Equal for rules with the same targeting (dimension, type, values).
QString targetingKey(const TargetRule &rule)
{
    return QStringLiteral("%1/%2/").arg(int(rule.dimension)).arg(int(rule.type)) + rule.values.join(QChar(0));
}

QList<TargetRule> newRules(QList<TargetRule> rules, qint64 campaignId, const QDateTime &now)
{
    for (TargetRule &rule : rules)
        rule = CampaignWrites::newRule(rule, campaignId, now);
    return rules;
}

} // namespace

QDateTime CampaignWrites::writeTime(const QDateTime &previous)
{
    qint64 ms = QDateTime::currentMSecsSinceEpoch();
    if (previous.isValid())
        ms = std::max(ms, previous.toMSecsSinceEpoch() + 1);
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

StoreFailure CampaignWrites::invalid(const QList<FieldError> &errors)
{
    return {StoreError::Invalid, QStringLiteral("invalid %1: %2").arg(errors.first().field, errors.first().message),
            errors};
}

void CampaignWrites::throwIfInvalid(const QList<FieldError> &errors)
{
    if (!errors.isEmpty())
        throw invalid(errors);
}

void CampaignWrites::assignRuleCodes(const QString &campaignCode, QList<TargetRule> &rules, QSet<QString> used)
{
    for (const TargetRule &rule : rules)
        used.insert(rule.code);
    QHash<QString, int> nextNumber; // per prefix: thousands of rules get codes in linear time
    for (TargetRule &rule : rules) {
        if (!rule.code.isEmpty())
            continue;
        const QString base = QStringLiteral("%1-%2-%3-")
                                 .arg(campaignCode, dimensionName(rule.dimension), ruleTypeName(rule.type).toLower());
        auto next = nextNumber.find(base);
        if (next == nextNumber.end())
            next = nextNumber.insert(base, 1);
        int &n = next.value();
        while (used.contains(base + QString::number(n)))
            ++n;
        rule.code = base + QString::number(n);
        used.insert(rule.code);
    }
}

TargetRule CampaignWrites::newRule(TargetRule rule, qint64 campaignId, const QDateTime &now)
{
    rule.id = 0;
    rule.campaignId = campaignId;
    rule.createdAt = rule.updatedAt = now;
    rule.deleted = false;
    rule.deletedAt = {};
    return rule;
}

QList<CampaignWithRules> CampaignWrites::withRules(const QList<Campaign> &campaigns, QList<TargetRule> rules)
{
    QList<CampaignWithRules> result;
    result.reserve(campaigns.size());
    for (const Campaign &c : campaigns)
        result.append({c, {}});
    qsizetype at = 0;
    for (TargetRule &rule : rules) {
        while (at < result.size() && result.at(at).campaign.id < rule.campaignId)
            ++at;
        if (at < result.size() && result.at(at).campaign.id == rule.campaignId)
            result[at].rules.append(std::move(rule));
    }
    return result;
}

Campaign CampaignWrites::liveCampaign(qint64 id, bool lock)
{
    std::optional<Campaign> campaign = rows_.campaign(id, lock);
    if (!campaign || campaign->deleted)
        throw StoreFailure{StoreError::NotFound, QStringLiteral("campaign %1 not found").arg(id)};
    return *campaign;
}

CampaignWithRules CampaignWrites::loadLive(qint64 id)
{
    return {liveCampaign(id), rows_.liveRules(id)};
}

TargetRule CampaignWrites::liveRule(qint64 campaignId, qint64 ruleId)
{
    for (const TargetRule &rule : rows_.liveRules(campaignId)) {
        if (rule.id == ruleId)
            return rule;
    }
    throw StoreFailure{StoreError::NotFound, QStringLiteral("rule %1 of campaign %2 not found").arg(ruleId).arg(campaignId)};
}

void CampaignWrites::ensureCodeFree(const QString &code, qint64 exceptId)
{
    const std::optional<qint64> owner = rows_.campaignIdForCode(code);
    if (owner && *owner != exceptId)
        throw StoreFailure{StoreError::Conflict,
                           QStringLiteral("code '%1' is already used by campaign %2").arg(code).arg(*owner),
                           {{QStringLiteral("code"), QStringLiteral("is already used by campaign %1").arg(*owner)}}};
}

CampaignWithRules CampaignWrites::insertNew(CampaignWithRules c)
{
    ensureCodeFree(c.campaign.code);
    const QDateTime now = writeTime();
    c.campaign.createdAt = c.campaign.updatedAt = now;
    c.campaign.deleted = false;
    c.campaign.deletedAt = {};
    const qint64 id = rows_.insertCampaign(c.campaign);
    assignRuleCodes(c.campaign.code, c.rules, {});
    rows_.insertRules(newRules(c.rules, id, now));
    return loadLive(id);
}

void CampaignWrites::replaceRules(const Campaign &campaign, QList<TargetRule> wanted, const QDateTime &now)
{
    QList<TargetRule> current = rows_.liveRules(campaign.id);
    QList<int> matchOf(wanted.size(), -1); // index into current
    QList<bool> currentTaken(current.size(), false);
    // A wanted rule is the current rule with its id, else an untaken one with the same
    // targeting (and code, if it names one): looked up by hash, for campaigns with thousands.
    QHash<qint64, int> currentById;
    QMultiHash<QString, int> currentByTargeting;
    for (qsizetype c = current.size() - 1; c >= 0; --c) { // so values() lists them in order
        currentById.insert(current[c].id, int(c));
        currentByTargeting.insert(targetingKey(current[c]), int(c));
    }
    for (qsizetype w = 0; w < wanted.size(); ++w) {
        const int c = wanted[w].id != 0 ? currentById.value(wanted[w].id, -1) : -1;
        if (c >= 0 && !currentTaken[c]) {
            matchOf[w] = c;
            currentTaken[c] = true;
        }
    }
    for (qsizetype w = 0; w < wanted.size(); ++w) {
        if (wanted[w].id != 0)
            continue;
        for (const int c : currentByTargeting.values(targetingKey(wanted[w]))) {
            if (!currentTaken[c] && (wanted[w].code.isEmpty() || wanted[w].code == current[c].code)) {
                matchOf[w] = c;
                currentTaken[c] = true;
                break;
            }
        }
    }
    QList<qint64> gone;
    for (qsizetype c = 0; c < current.size(); ++c) {
        if (!currentTaken[c])
            gone.append(current[c].id);
    }
    rows_.softDeleteRules(gone, now);
    QSet<QString> usedCodes;
    for (const TargetRule &rule : std::as_const(current))
        usedCodes.insert(rule.code);
    QList<TargetRule> added;
    for (qsizetype w = 0; w < wanted.size(); ++w) {
        if (matchOf[w] < 0) {
            added.append(wanted[w]);
            continue;
        }
        const TargetRule &existing = current[matchOf[w]];
        TargetRule changed = existing;
        changed.dimension = wanted[w].dimension;
        changed.type = wanted[w].type;
        changed.values = wanted[w].values;
        if (!wanted[w].code.isEmpty())
            changed.code = wanted[w].code;
        if (changed == existing)
            continue;
        changed.updatedAt = now;
        rows_.updateRule(changed);
    }
    for (TargetRule &rule : added)
        rule.id = 0;
    assignRuleCodes(campaign.code, added, usedCodes);
    rows_.insertRules(newRules(added, campaign.id, now));
}

void CampaignWrites::touch(Campaign campaign, const QDateTime &now)
{
    campaign.updatedAt = now;
    rows_.updateCampaign(campaign);
}

CampaignWithRules CampaignWrites::stateOf(const Campaign &campaign, const QList<TargetRule> &allRules)
{
    CampaignWithRules state{campaign, {}};
    for (const TargetRule &r : allRules) {
        if (!r.deleted && !campaign.deleted)
            state.rules.append(r);
    }
    return state;
}

QList<CampaignWrites::Stored> CampaignWrites::storedOf(const QList<qint64> &ids, bool lock)
{
    QHash<qint64, Campaign> campaigns;
    for (Campaign &campaign : rows_.campaignsByIds(ids, lock))
        campaigns.insert(campaign.id, std::move(campaign));
    QHash<qint64, QList<TargetRule>> rules = rows_.allRules(ids);
    QList<Stored> stored;
    stored.reserve(ids.size());
    for (qint64 id : ids) {
        const auto campaign = campaigns.constFind(id);
        if (campaign == campaigns.cend())
            throw StoreFailure{StoreError::NotFound, QStringLiteral("campaign %1 not found").arg(id)};
        QList<TargetRule> all = rules.take(id);
        stored.append({stateOf(*campaign, all), std::move(all)});
    }
    return stored;
}

QDateTime CampaignWrites::writeState(const CampaignWithRules &current, const CampaignWithRules &target)
{
    const QList<TargetRule> all = rows_.allRules(current.campaign.id);
    return writeState(Stored{current, all}, target);
}

QDateTime CampaignWrites::writeState(const Stored &stored, const CampaignWithRules &targetState)
{
    const Campaign &current = stored.state.campaign;
    const Campaign &wanted = targetState.campaign;
    const QDateTime now = CampaignWrites::writeTime(current.updatedAt);
    if (wanted.code != current.code)
        ensureCodeFree(wanted.code, current.id);
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
    rows_.updateCampaign(row);

    QList<TargetRule> target = wanted.deleted ? QList<TargetRule>() : targetState.rules;
    QSet<qint64> targetIds;
    for (const TargetRule &r : target)
        targetIds.insert(r.id);
    QSet<QString> usedCodes; // a new rule (a bulk edit's) gets a code no rule of the campaign had
    for (const TargetRule &r : stored.allRules)
        usedCodes.insert(r.code);
    assignRuleCodes(wanted.code, target, usedCodes);
    QHash<qint64, TargetRule> existing;
    for (const TargetRule &r : stored.allRules) {
        existing.insert(r.id, r);
        if (!r.deleted && !targetIds.contains(r.id)) {
            TargetRule gone = r;
            gone.deleted = true;
            gone.deletedAt = gone.updatedAt = now;
            rows_.updateRule(gone);
        }
    }
    for (const TargetRule &wantedRule : target) {
        const auto it = existing.constFind(wantedRule.id);
        if (it == existing.cend()) {
            rows_.insertRule(CampaignWrites::newRule(wantedRule, current.id, now));
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
        rows_.updateRule(revived);
    }
    return now;
}

} // namespace adserve
