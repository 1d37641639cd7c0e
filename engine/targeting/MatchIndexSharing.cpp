// What the index lends to those who keep campaigns beside it (the studio's catalog), so that
// a million campaigns' rules are held once.
#include "MatchIndexData.h"
#include "model/RuleReach.h"

#include <algorithm>

namespace adserve {

const MatchIndex::CampaignEntry *MatchIndex::sharedTargetingOf(const CampaignWithRules &campaign) const
{
    const CampaignEntry *entry = targeting_->find(campaign.campaign.id);
    if (!entry || entry->rules.size() != size_t(campaign.rules.size()))
        return nullptr;
    for (qsizetype r = 0; r < campaign.rules.size(); ++r) {
        const TargetRule &rule = campaign.rules[r];
        const CompiledRule &compiled = entry->rules[size_t(r)];
        if (rule.deleted || rule.id != compiled.id || rule.dimension != compiled.dimension()
            || rule.type != compiled.type())
            return nullptr;
        // Values are kept each once, as first spelt: a rule that repeats one or spells it
        // otherwise keeps its own copy.
        const std::span<const int> values = entry->valuesOf(compiled);
        if (values.size() != size_t(rule.values.size()))
            return nullptr;
        const std::vector<QString> &spellings = targeting_->spellings[size_t(rule.dimension)];
        for (size_t v = 0; v < values.size(); ++v) {
            if (spellings[size_t(values[v])] != rule.values[qsizetype(v)])
                return nullptr;
        }
        if (entry->ruleCode(compiled) != rule.code)
            return nullptr;
    }
    return entry;
}

int MatchIndex::ruleCountOf(const CampaignEntry &entry)
{
    return int(entry.rules.size());
}

const QString &MatchIndex::codeOf(const CampaignEntry &entry)
{
    return entry.code;
}

QList<TargetRule> MatchIndex::rulesOf(const CampaignEntry &entry, qint64 campaignId) const
{
    QList<TargetRule> rules;
    rules.reserve(qsizetype(entry.rules.size()));
    for (const CompiledRule &compiled : entry.rules) {
        TargetRule rule;
        rule.id = compiled.id;
        rule.code = entry.ruleCode(compiled);
        rule.campaignId = campaignId;
        rule.dimension = compiled.dimension();
        rule.type = compiled.type();
        const std::vector<QString> &spellings = targeting_->spellings[size_t(rule.dimension)];
        for (int value : entry.valuesOf(compiled))
            rule.values.append(spellings[size_t(value)]);
        rules.append(std::move(rule));
    }
    return rules;
}

int MatchIndex::valueIdOf(Dimension dimension, const QString &value) const
{
    return targeting_->valueIdOf(dimension, normalizeValue(value));
}

bool MatchIndex::qualifiesIn(const CampaignEntry &entry, Dimension dimension, int valueId)
{
    DimensionVerdict verdict;
    for (const CompiledRule &rule : entry.rules) {
        if (rule.dimension() != dimension)
            continue;
        const std::span<const int> values = entry.valuesOf(rule);
        if (!verdict.add(rule.type(), valueId >= 0 && std::find(values.begin(), values.end(), valueId) != values.end()))
            break;
    }
    return verdict.qualifies();
}

bool MatchIndex::neverQualifies(const CampaignEntry &entry)
{
    for (Dimension dimension : kDimensions) {
        std::vector<int> included, excluded;
        bool hasInclude = false;
        for (const CompiledRule &rule : entry.rules) {
            if (rule.dimension() != dimension)
                continue;
            hasInclude = hasInclude || rule.type() == RuleType::Include;
            const std::span<const int> values = entry.valuesOf(rule);
            std::vector<int> &into = rule.type() == RuleType::Include ? included : excluded;
            into.insert(into.end(), values.begin(), values.end());
        }
        if (includesOnlyExcluded(hasInclude, included, excluded))
            return true;
    }
    return false;
}

} // namespace adserve
