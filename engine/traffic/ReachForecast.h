#pragma once

#include "Forecast.h"
#include "RecordedTraffic.h"

#include <memory>

namespace adserve {

class MatchIndex;

// Forecasts campaigns over one window of recorded traffic: a stored campaign or a draft
// (a CampaignWithRules not in the store, id 0), judged by its own rules (ValueVerdicts:
// each distinct value once), with the other campaigns that share its requests counted from
// the delivery index (RequestTally). Holds the traffic and index by reference / share; cheap
// to make, one per window.
class ReachForecast
{
public:
    struct Options
    {
        int top = 10; // values per breakdown, overlapping campaigns
        // The overlap is counted over the heaviest matching triples covering at least this
        // share of the matching requests (1: all of them), and at most `overlapTriples` of
        // them; the result says what it covered. A campaign matching every triple costs
        // nearly a reach report's work (measured: 0.2 s at 100k campaigns over 100k triples);
        // capped, less than half of that, counted over its heaviest triples.
        double overlapCoverage = 1.0;
        qsizetype overlapTriples = 10'000;
    };

    // `index`: the delivery index (campaigns serving now), for the overlap; null: none.
    ReachForecast(const RecordedTraffic &traffic, std::shared_ptr<const MatchIndex> index);

    // As of `nowMs` (ms since the epoch) for the campaign's serving state.
    Forecast forecast(const CampaignWithRules &campaign, qint64 nowMs, const Options &options) const;
    Forecast forecast(const CampaignWithRules &campaign, qint64 nowMs) const { return forecast(campaign, nowMs, Options()); }

private:
    // The matching triples (indexes into traffic.triples(), ascending) -> overlap fields.
    void countOverlap(const std::vector<int> &matched, qint64 selfId, const Options &options, Forecast &result) const;

    const RecordedTraffic &traffic_;
    std::shared_ptr<const MatchIndex> index_;
};

} // namespace adserve
