#include "ReachImpact.h"

#include "TallyNumbers.h"
#include "targeting/MatchIndex.h"
#include "targeting/RequestTally.h"

#include <algorithm>

namespace adserve {

namespace {

// Per (country, OS) group of `traffic`, the requests at least one of `campaigns` matches.
std::vector<qint64> matchedPerGroup(const RecordedTraffic &traffic, const std::vector<RecordedTraffic::Group> &groups,
                                    const QList<CampaignWithRules> &campaigns, ReachImpact::Counting counting,
                                    qint64 nowMs)
{
    std::vector<qint64> matched(groups.size(), 0);
    if (campaigns.isEmpty())
        return matched;
    const auto built = MatchIndex::build(campaigns);
    RequestTally tally(counting == ReachImpact::Counting::TargetingAlone ? built->targetingAlone() : built->at(nowMs));
    const TallyNumbers numbers(traffic, tally);
    const auto &triples = traffic.triples();
    std::vector<RequestTally::AppRequests> apps;
    std::vector<qint32> matchCounts;
    for (size_t g = 0; g < groups.size(); ++g) {
        const RecordedTraffic::Group &group = groups[g];
        numbers.addGroup(tally, group, apps, &matchCounts);
        for (size_t t = group.first; t < group.end; ++t) {
            if (matchCounts[t - group.first] > 0)
                matched[g] += triples[t].requests;
        }
    }
    return matched;
}

} // namespace

ReachImpact ReachImpact::between(const RecordedTraffic &traffic, const QList<CampaignWithRules> &before,
                                 const QList<CampaignWithRules> &after, Counting counting, qint64 nowMs)
{
    ReachImpact impact;
    impact.recorded = traffic.totalRequests();
    const std::vector<RecordedTraffic::Group> groups = traffic.groups();
    const std::vector<qint64> was = matchedPerGroup(traffic, groups, before, counting, nowMs);
    const std::vector<qint64> is = matchedPerGroup(traffic, groups, after, counting, nowMs);
    for (size_t g = 0; g < groups.size(); ++g) {
        impact.before += was[g];
        impact.after += is[g];
        if (was[g] == is[g])
            continue;
        const RecordedTraffic::Triple &head = traffic.triples()[groups[g].first];
        const Cell cell{traffic.values(Dimension::Country)[head.value(Dimension::Country)],
                        traffic.values(Dimension::Os)[head.value(Dimension::Os)], was[g], is[g]};
        (cell.change() > 0 ? impact.gained : impact.lost).append(cell);
    }
    // The largest change first; ties in traffic order (country, then OS).
    const auto larger = [](const Cell &a, const Cell &b) { return std::abs(a.change()) > std::abs(b.change()); };
    std::stable_sort(impact.gained.begin(), impact.gained.end(), larger);
    std::stable_sort(impact.lost.begin(), impact.lost.end(), larger);
    return impact;
}

} // namespace adserve
