#include "SingleFlightFetcher.h"

namespace adserve {

SingleFlightFetcher::SingleFlightFetcher(Reader reader)
    : reader_(std::move(reader))
{
}

SingleFlightFetcher::Result SingleFlightFetcher::fetch(const std::vector<qint64> &ids)
{
    std::vector<Flight> flights(ids.size());
    QList<qint64> mine;
    std::vector<std::promise<Outcome>> promises;
    {
        std::lock_guard lock(mutex_);
        for (size_t i = 0; i < ids.size(); ++i) {
            const auto it = inFlight_.constFind(ids[i]);
            if (it != inFlight_.cend()) {
                flights[i] = *it;
                continue;
            }
            promises.emplace_back();
            flights[i] = promises.back().get_future().share();
            inFlight_.insert(ids[i], flights[i]);
            mine.append(ids[i]);
        }
    }

    if (!mine.isEmpty()) {
        ++reads_;
        const auto read = reader_(mine);
        QHash<qint64, Campaign> byId;
        if (read.ok()) {
            for (const Campaign &c : read.value)
                byId.insert(c.id, c);
        }
        {
            std::lock_guard lock(mutex_);
            for (qint64 id : mine)
                inFlight_.remove(id);
        }
        for (qsizetype i = 0; i < mine.size(); ++i) {
            Outcome outcome;
            if (!read.ok())
                outcome.error = read.message;
            else if (const auto it = byId.constFind(mine[i]); it != byId.cend())
                outcome.campaign = *it;
            promises[size_t(i)].set_value(std::move(outcome));
        }
    }

    Result result;
    result.campaigns.reserve(ids.size());
    for (const Flight &flight : flights) {
        const Outcome &outcome = flight.get();
        if (!outcome.error.isEmpty() && result.error.isEmpty())
            result.error = outcome.error;
        result.campaigns.push_back(outcome.campaign);
    }
    return result;
}

} // namespace adserve
