#include "ReachForecast.h"

#include "TallyNumbers.h"
#include "ValueVerdicts.h"
#include "targeting/MatchIndex.h"
#include "targeting/RequestTally.h"
#include "targeting/ServingWindow.h"

#include <QTimeZone>

#include <algorithm>
#include <limits>
#include <numeric>

namespace adserve {

namespace {

QString servingStateOf(const Campaign &campaign, qint64 nowMs)
{
    if (campaign.deleted)
        return QStringLiteral("deleted");
    if (campaign.status != kStatusActive)
        return QStringLiteral("inactive");
    ServingZones zones;
    const ServingWindow window = ServingWindow::compile(campaign.serving, zones);
    switch (window.stateAt(nowMs, zones.slotsAt(nowMs))) {
    case ServingWindow::State::Serving: return QStringLiteral("serving");
    case ServingWindow::State::NotStarted: return QStringLiteral("not-started");
    case ServingWindow::State::Ended: return QStringLiteral("ended");
    case ServingWindow::State::OutsideHours: return QStringLiteral("outside-hours");
    }
    return {};
}

void describeCampaign(const Campaign &campaign, qint64 nowMs, Forecast &result)
{
    result.campaignId = campaign.id;
    result.code = campaign.code;
    result.name = campaign.name;
    result.status = campaign.status;
    result.deleted = campaign.deleted;
    result.flightStart = campaign.serving.flightStart;
    result.flightEnd = campaign.serving.flightEnd;
    result.hours = campaign.serving.dayParting ? campaign.serving.dayParting->describe() : QString();
    result.servingState = servingStateOf(campaign, nowMs);
    result.asOf = QDateTime::fromMSecsSinceEpoch(nowMs, QTimeZone::utc());
}

Forecast::Breakdown breakdownOf(const std::vector<qint64> &byValue, const QStringList &values, int top)
{
    std::vector<int> order;
    for (size_t v = 0; v < byValue.size(); ++v) {
        if (byValue[v] > 0)
            order.push_back(int(v));
    }
    const auto heavier = [&](int a, int b) {
        const qint64 left = byValue[size_t(a)], right = byValue[size_t(b)];
        return left != right ? left > right : values[a] < values[b];
    };
    const size_t shown = std::min(order.size(), size_t(std::max(top, 0)));
    std::partial_sort(order.begin(), order.begin() + qsizetype(shown), order.end(), heavier);
    Forecast::Breakdown breakdown;
    for (size_t i = 0; i < order.size(); ++i) {
        const qint64 requests = byValue[size_t(order[i])];
        if (i < shown) {
            breakdown.top.append({values[order[i]], requests});
        } else {
            breakdown.restRequests += requests;
            ++breakdown.restValues;
        }
    }
    return breakdown;
}

} // namespace

ReachForecast::ReachForecast(const RecordedTraffic &traffic, std::shared_ptr<const MatchIndex> index)
    : traffic_(traffic)
    , index_(std::move(index))
{
}

Forecast ReachForecast::forecast(const CampaignWithRules &campaign, qint64 nowMs, const Options &options) const
{
    Forecast result;
    describeCampaign(campaign.campaign, nowMs, result);
    result.days = traffic_.days();
    result.recorded = traffic_.totalRequests();

    const ValueVerdicts verdicts(campaign.rules, traffic_);
    std::array<std::vector<qint64>, kDimensionCount> byValue;
    for (Dimension d : kDimensions)
        byValue[size_t(d)].assign(size_t(traffic_.values(d).size()), 0);
    std::vector<qint64> matchingByDay(size_t(traffic_.days().size()), 0);
    std::vector<qint64> blocked(size_t(verdicts.blockers().size()), 0), blockedAlone(blocked.size(), 0);
    std::vector<int> matched;
    std::vector<int> blockers; // of one triple

    const auto &triples = traffic_.triples();
    for (size_t i = 0; i < triples.size(); ++i) {
        const RecordedTraffic::Triple &triple = triples[i];
        bool unknown = false;
        blockers.clear();
        for (Dimension d : kDimensions) {
            const int value = triple.value(d);
            switch (verdicts.verdict(d, value)) {
            case ValueVerdicts::Verdict::Qualifies: break;
            case ValueVerdicts::Verdict::Unattributed: unknown = true; break;
            case ValueVerdicts::Verdict::Blocked:
                blockers.insert(blockers.end(), verdicts.blockersBegin(d, value), verdicts.blockersEnd(d, value));
                break;
            }
        }
        if (!blockers.empty()) {
            // Blocked for certain, whatever an OTHER elsewhere stands for. Under each blocker
            // (they are distinct: one dimension lists each once), once in the total.
            result.lost += triple.requests;
            for (int blocker : blockers)
                blocked[size_t(blocker)] += triple.requests;
            if (blockers.size() == 1 && !unknown)
                blockedAlone[size_t(blockers.front())] += triple.requests;
        } else if (unknown) {
            result.unattributed += triple.requests;
        } else {
            result.matching += triple.requests;
            matched.push_back(int(i));
            for (Dimension d : kDimensions)
                byValue[size_t(d)][size_t(triple.value(d))] += triple.requests;
            const auto &days = traffic_.dayRequests();
            for (quint32 k = triple.firstDay; k < triple.firstDay + triple.dayCount; ++k)
                matchingByDay[size_t(days[k].day)] += days[k].requests;
        }
    }

    for (qsizetype day = 0; day < traffic_.days().size(); ++day)
        result.byDay.append({traffic_.days()[day], traffic_.requestsByDay()[size_t(day)], matchingByDay[size_t(day)]});
    for (Dimension d : kDimensions)
        result.breakdown[size_t(d)] = breakdownOf(byValue[size_t(d)], traffic_.values(d), options.top);
    for (qsizetype b = 0; b < verdicts.blockers().size(); ++b) {
        const ValueVerdicts::Blocker &blocker = verdicts.blockers()[b];
        result.lostBy.append({blocker.describe(), blocker.dimension, blocker.type, blocker.ruleIds, blocked[size_t(b)],
                              blockedAlone[size_t(b)]});
    }
    std::stable_sort(result.lostBy.begin(), result.lostBy.end(),
                     [](const Forecast::Loss &a, const Forecast::Loss &b) { return a.blocked > b.blocked; });
    if (index_)
        countOverlap(matched, campaign.campaign.id, options, result);
    return result;
}

void ReachForecast::countOverlap(const std::vector<int> &matched, qint64 selfId, const Options &options,
                                 Forecast &result) const
{
    const auto &triples = traffic_.triples();
    std::vector<int> counted = matched;
    const size_t most = size_t(std::max<qsizetype>(options.overlapTriples, 0));
    if (options.overlapCoverage < 1.0 || counted.size() > most) {
        // The heaviest first, until they cover the share asked for or reach the cap; then
        // back in triple order, which groups them by (country, OS).
        std::stable_sort(counted.begin(), counted.end(),
                         [&](int a, int b) { return triples[size_t(a)].requests > triples[size_t(b)].requests; });
        const double wanted = options.overlapCoverage * double(result.matching);
        qint64 covered = 0;
        size_t taken = 0;
        while (taken < counted.size() && taken < most && double(covered) < wanted)
            covered += triples[size_t(counted[taken++])].requests;
        counted.resize(taken);
        std::sort(counted.begin(), counted.end());
    }

    RequestTally tally(index_);
    const TallyNumbers numbers(traffic_, tally);
    std::vector<RequestTally::AppRequests> apps;
    for (size_t first = 0; first < counted.size();) {
        const RecordedTraffic::Triple &head = triples[size_t(counted[first])];
        apps.clear();
        size_t end = first;
        for (; end < counted.size(); ++end) {
            const RecordedTraffic::Triple &triple = triples[size_t(counted[end])];
            if (!triple.sameGroup(head))
                break;
            apps.push_back({numbers.of(Dimension::App, triple), triple.requests});
            result.overlapBasis += triple.requests;
        }
        tally.add(numbers.of(Dimension::Country, head), numbers.of(Dimension::Os, head), apps);
        first = end;
    }
    result.overlapKnown = true;
    result.overlapTriples = qsizetype(counted.size());

    std::vector<RequestTally::CampaignRequests> others = tally.counted();
    std::erase_if(others, [selfId](const auto &c) { return c.id == selfId || c.requests <= 0; });
    const auto more = [](const auto &a, const auto &b) {
        return a.requests != b.requests ? a.requests > b.requests : a.id < b.id;
    };
    const size_t shown = std::min(others.size(), size_t(std::max(options.top, 0)));
    std::partial_sort(others.begin(), others.begin() + qsizetype(shown), others.end(), more);
    for (size_t i = 0; i < shown; ++i)
        result.overlap.append({others[i].id, index_->codeOf(others[i].id), others[i].requests});
}

} // namespace adserve
