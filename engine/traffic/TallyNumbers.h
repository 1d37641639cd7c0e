#pragma once

#include "RecordedTraffic.h"
#include "targeting/RequestTally.h"

#include <array>
#include <limits>
#include <vector>

namespace adserve {

// Recorded traffic's value numbers as a tally's index numbers them (RequestTally::valueNumber),
// each looked up once, when first asked for. TrafficRow::kOther becomes
// RequestTally::kUnknownValue: the folded long tail qualifies for certain only where a
// campaign has no rule in that dimension. Safe to share between threads once lookUpAll() ran.
class TallyNumbers
{
public:
    TallyNumbers(const RecordedTraffic &traffic, const RequestTally &tally)
        : traffic_(traffic)
        , tally_(tally)
    {
        for (Dimension d : kDimensions)
            numbers_[size_t(d)].assign(size_t(traffic.values(d).size()), kNotLooked);
    }

    int of(Dimension d, int value) const
    {
        int &number = numbers_[size_t(d)][size_t(value)];
        if (number == kNotLooked)
            number = value == traffic_.otherValue(d) ? RequestTally::kUnknownValue
                                                     : tally_.valueNumber(d, traffic_.values(d)[value]);
        return number;
    }
    int of(Dimension d, const RecordedTraffic::Triple &triple) const { return of(d, triple.value(d)); }

    // Adds the triples of one (country, OS) group to `tally` (`apps`: its scratch list); with
    // `matchCounts`, how many campaigns match each of them (see RequestTally::add).
    void addGroup(RequestTally &tally, const RecordedTraffic::Group &group, std::vector<RequestTally::AppRequests> &apps,
                  std::vector<qint32> *matchCounts = nullptr) const
    {
        const auto &triples = traffic_.triples();
        apps.clear();
        for (size_t t = group.first; t < group.end; ++t)
            apps.push_back({of(Dimension::App, triples[t]), triples[t].requests});
        const RecordedTraffic::Triple &head = triples[group.first];
        tally.add(of(Dimension::Country, head), of(Dimension::Os, head), apps, matchCounts);
    }

    void lookUpAll() const
    {
        for (Dimension d : kDimensions) {
            for (int value = 0; value < int(numbers_[size_t(d)].size()); ++value)
                of(d, value);
        }
    }

private:
    static constexpr int kNotLooked = std::numeric_limits<int>::min();
    const RecordedTraffic &traffic_;
    const RequestTally &tally_;
    mutable std::array<std::vector<int>, kDimensionCount> numbers_;
};

} // namespace adserve
