#pragma once

#include "SingleFlightFetcher.h"
#include "cache/CampaignCache.h"
#include "targeting/MatchEngine.h"

#include <QByteArray>
#include <QThreadPool>

#include <atomic>
#include <span>
#include <vector>

namespace adserve {

class CampaignStore;

// Where a delivered campaign's details came from.
enum class DetailSource { Cache, Store };

struct DeliveryTiming
{
    qint64 matchMicros = 0;
    qint64 cacheMicros = 0; // summed over batches
    qint64 storeMicros = 0; // summed over batches
    qint64 totalMicros = 0;
};

struct DeliveryResult
{
    std::vector<qint64> campaignIds;   // delivered, in match order
    std::vector<QByteArray> fragments; // {"cid","img","cta"} per delivered campaign
    std::vector<DetailSource> sources;
    DeliveryTiming timing;
    int batches = 0;
    QString cacheError; // the cache failed (wholly or in part): what it missed came from the store
    QString storeError; // the store failed: no answer can be given

    bool ok() const { return storeError.isEmpty(); }
    // The delivered campaigns as a JSON array: [{"cid","img","cta"},...]
    QByteArray jsonArray() const { return wrappedJsonArray({}, {}); }
    // The same array between `before` and `after`, in one allocation (response envelopes).
    QByteArray wrappedJsonArray(QByteArrayView before, QByteArrayView after) const;
};

// The delivery path after validation: match → batches of ids → per batch cache MGET,
// misses from the store in one query, cache refilled off the request path → results
// gathered in match order. One batch runs inline; more run concurrently on the
// service's own pool, the calling thread taking the first.
class DeliveryService
{
public:
    DeliveryService(MatchEngine &matcher, CampaignCache &cache, CampaignStore &store, int batchSize);

    DeliveryResult deliver(const TargetingQuery &query);

    void setBatchSize(int size);
    qint64 batchesRun() const { return batchesRun_.load(); }
    qint64 storeReads() const { return fetcher_.storeReads(); }

private:
    struct BatchResult
    {
        std::vector<QByteArray> fragments; // per id of the batch; empty: not delivered
        std::vector<DetailSource> sources;
        qint64 cacheMicros = 0;
        qint64 storeMicros = 0;
        QString cacheError;
        QString storeError;
    };
    BatchResult runBatch(std::span<const qint64> ids);

    MatchEngine &matcher_;
    CampaignCache &cache_;
    SingleFlightFetcher fetcher_;
    std::atomic<int> batchSize_;
    std::atomic<qint64> batchesRun_{0};
    QThreadPool pool_;
};

} // namespace adserve
