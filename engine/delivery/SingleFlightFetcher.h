#pragma once

#include "model/Campaign.h"
#include "store/StoreResult.h"

#include <QHash>

#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <vector>

namespace adserve {

// Reads campaigns by id from the store so that concurrent misses of the same campaign
// cause one read: the first caller to ask for an id reads it (with all its other ids, in
// one query); callers asking meanwhile wait for that read instead of issuing their own.
class SingleFlightFetcher
{
public:
    using Reader = std::function<StoreResult<QList<Campaign>>(const QList<qint64> &ids)>;
    explicit SingleFlightFetcher(Reader reader);

    struct Result
    {
        std::vector<std::optional<Campaign>> campaigns; // per requested id; nullopt: not in the store
        QString error;                                  // set when the store could not be read
        bool ok() const { return error.isEmpty(); }
    };
    Result fetch(const std::vector<qint64> &ids);

    qint64 storeReads() const { return reads_; }

private:
    struct Outcome
    {
        std::optional<Campaign> campaign;
        QString error;
    };
    using Flight = std::shared_future<Outcome>;

    Reader reader_;
    std::mutex mutex_;
    QHash<qint64, Flight> inFlight_;
    std::atomic<qint64> reads_{0};
};

} // namespace adserve
