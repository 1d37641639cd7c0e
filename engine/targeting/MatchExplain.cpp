// Explaining: every campaign's decision for a request, at an instant and under a limit.
#include "MatchIndexData.h"

namespace adserve {

// What explaining a request at an instant needs for every campaign it decides.
struct MatchIndex::Explaining
{
    TargetingQuery query;
    std::array<int, kDimensionCount> valueIds;
    qint64 ms = 0;
    std::vector<int> weekSlots;            // the week slot of each zone at ms
    size_t limit = kAll;
    std::vector<qint64> delivered;     // the answer at ms, ascending (when asked for)
    QHash<qint64, qsizetype> rankedOut; // matched past the limit -> place in answer order (1-based)
};

MatchIndex::Explaining MatchIndex::explaining(const TargetingQuery &query, const AnswerScope &scope,
                                              bool needsAnswer) const
{
    const Targeting &t = *targeting_;
    Explaining context{query, t.valueIdsOf(query), scope.at.value_or(QDateTime::currentMSecsSinceEpoch()), {},
                       scope.limit, {}, {}};
    context.weekSlots = t.zones.slotsAt(context.ms);
    // The answer itself only matters for what it leaves out: past a limit, or for a page of
    // the campaigns not delivered.
    if (!needsAnswer)
        return context;
    MatchedIds matched;
    scan(query, matched, kAll, scope.at ? servingAt(*scope.at) : serving_);
    const size_t answered = std::min(matched.size(), scope.limit);
    for (size_t place = answered; place < matched.size(); ++place)
        context.rankedOut.insert(matched[place], qsizetype(place + 1));
    context.delivered.assign(matched.begin(), matched.begin() + qsizetype(answered));
    std::sort(context.delivered.begin(), context.delivered.end());
    return context;
}

QStringList MatchIndex::spellingsOf(Dimension dimension, std::vector<int> &valueIds) const
{
    compiled::dropRepeats(valueIds);
    const std::vector<QString> &spellings = targeting_->spellings[size_t(dimension)];
    QStringList values;
    values.reserve(qsizetype(valueIds.size()));
    for (int id : valueIds)
        values.append(spellings[size_t(id)]);
    return values;
}

Decision MatchIndex::decide(const CampaignEntry &campaign, const Explaining &context) const
{
    Decision decision;
    decision.campaignId = campaign.id;
    decision.campaignCode = campaign.code;
    decision.priority = campaign.priority;
    for (Dimension d : kDimensions) {
        DimensionCheck check;
        check.dimension = d;
        check.value = context.query.value(d);
        const int valueId = context.valueIds[size_t(d)];
        const CompiledRule *firstInclude = nullptr;
        const CompiledRule *firstExclude = nullptr;
        const CompiledRule *includedBy = nullptr;
        const CompiledRule *excludedBy = nullptr;
        std::vector<int> includeIds, excludeIds;
        for (const CompiledRule &rule : campaign.rules) {
            if (rule.dimension() != d)
                continue;
            const std::span<const int> values = campaign.valuesOf(rule);
            const bool names = valueId >= 0 && std::find(values.begin(), values.end(), valueId) != values.end();
            if (rule.type() == RuleType::Exclude) {
                if (!firstExclude)
                    firstExclude = &rule;
                if (names && !excludedBy)
                    excludedBy = &rule;
                excludeIds.insert(excludeIds.end(), values.begin(), values.end());
            } else {
                if (!firstInclude)
                    firstInclude = &rule;
                if (names && !includedBy)
                    includedBy = &rule;
                includeIds.insert(includeIds.end(), values.begin(), values.end());
            }
        }
        check.included = spellingsOf(d, includeIds);
        check.excluded = spellingsOf(d, excludeIds);
        const CompiledRule *deciding = excludedBy ? excludedBy : includedBy ? includedBy : firstInclude ? firstInclude : firstExclude;
        check.outcome = excludedBy     ? DimensionCheck::Outcome::Excluded
                        : includedBy   ? DimensionCheck::Outcome::Included
                        : firstInclude ? DimensionCheck::Outcome::NotIncluded
                        : firstExclude ? DimensionCheck::Outcome::NotExcluded
                                       : DimensionCheck::Outcome::NoRules;
        if (deciding) {
            check.ruleId = deciding->id;
            check.ruleCode = campaign.ruleCode(*deciding);
        }
        decision.checks.append(check);
    }
    const ServingWindow::State state =
        campaign.window ? campaign.window->stateAt(context.ms, context.weekSlots) : ServingWindow::State::Serving;
    if (campaign.window) {
        const ServingWindow &w = *campaign.window;
        if (w.startMs != std::numeric_limits<qint64>::min())
            decision.flightStart = QDateTime::fromMSecsSinceEpoch(w.startMs, Qt::UTC);
        if (w.endMs != kNever)
            decision.flightEnd = QDateTime::fromMSecsSinceEpoch(w.endMs, Qt::UTC);
        if (w.zone >= 0)
            decision.hours = DayParting{w.hours, targeting_->zones.id(w.zone)}.describe();
    }
    if (campaign.deleted)
        decision.verdict = Decision::Verdict::Deleted;
    else if (!campaign.active)
        decision.verdict = Decision::Verdict::Inactive;
    else if (state == ServingWindow::State::NotStarted)
        decision.verdict = Decision::Verdict::FlightNotStarted;
    else if (state == ServingWindow::State::Ended)
        decision.verdict = Decision::Verdict::FlightEnded;
    else if (state == ServingWindow::State::OutsideHours)
        decision.verdict = Decision::Verdict::OutsideHours;
    else if (decision.decidingCheck())
        decision.verdict = Decision::Verdict::Rejected;
    else if (const auto ranked = context.rankedOut.constFind(campaign.id); ranked != context.rankedOut.cend()) {
        decision.verdict = Decision::Verdict::RankedOut;
        decision.rank = ranked.value();
        decision.limit = qsizetype(context.limit);
    } else {
        decision.verdict = Decision::Verdict::Matched;
    }
    return decision;
}

QList<Decision> MatchIndex::explain(const TargetingQuery &query, std::optional<qint64> campaignId,
                                    const AnswerScope &scope) const
{
    if (!campaignId)
        return explainFirst(query, ExplainScope::AllCampaigns, campaignCount(), scope).decisions;
    QList<Decision> decisions;
    if (const CampaignEntry *entry = targeting_->find(*campaignId))
        decisions.append(decide(*entry, explaining(query, scope, scope.limit != kAll)));
    return decisions;
}

MatchIndex::ExplainPage MatchIndex::explainFirst(const TargetingQuery &query, ExplainScope which, qsizetype rows,
                                                 const AnswerScope &scope) const
{
    // The delivered campaigns are skipped by the answer's ids (the match and decide() agree)
    // rather than decided one by one: a request most campaigns match stays cheap too.
    const bool skipDelivered = which == ExplainScope::NotDelivered;
    const Explaining context = explaining(query, scope, skipDelivered || scope.limit != kAll);
    const std::vector<qint64> &delivered = context.delivered;
    const auto &campaigns = targeting_->campaigns;
    const auto deliverable = [](const auto &campaign) { return campaign->active && !campaign->deleted; };
    const bool onlyDeliverable = which == ExplainScope::Deliverable;
    ExplainPage page;
    page.total = onlyDeliverable ? qsizetype(std::count_if(campaigns.begin(), campaigns.end(), deliverable))
                                 : qsizetype(campaigns.size() - (skipDelivered ? delivered.size() : 0));
    page.decisions.reserve(std::min(rows, page.total));
    auto next = delivered.cbegin();
    for (const auto &campaign : campaigns) {
        if (page.decisions.size() >= rows)
            break;
        if (onlyDeliverable && !deliverable(campaign))
            continue;
        if (skipDelivered) {
            while (next != delivered.cend() && *next < campaign->id)
                ++next;
            if (next != delivered.cend() && *next == campaign->id)
                continue;
        }
        page.decisions.append(decide(*campaign, context));
    }
    return page;
}

std::optional<MatchIndex::ServingAt> MatchIndex::servingOf(qint64 campaignId, qint64 ms) const
{
    const CampaignEntry *entry = targeting_->find(campaignId);
    if (!entry)
        return std::nullopt;
    if (!entry->window)
        return ServingAt{};
    const ServingZones &zones = targeting_->zones;
    const ServingWindow &window = *entry->window;
    return ServingAt{window.stateAt(ms, zones.slotsAt(ms)), window.nextChange(ms, zones)};
}

} // namespace adserve
