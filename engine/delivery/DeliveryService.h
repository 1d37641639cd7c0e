#pragma once

#include "AnswerCache.h"
#include "DeliveryTiming.h"
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

// What a delivery gave besides the campaigns.
struct DeliveryOutcome
{
    DeliveryTiming timing;
    int batches = 0;    // batches of ids the cache or the store was asked for
    QString cacheError; // the cache failed (wholly or in part): what it missed came from the store
    QString storeError; // the store failed: no answer can be given

    bool ok() const { return storeError.isEmpty(); }
};

// Each delivered campaign on its own: what explain and the studio show.
struct DeliveryResult : DeliveryOutcome
{
    std::vector<qint64> campaignIds;   // delivered, in match order
    std::vector<QByteArray> fragments; // {"cid","img","cta"} per delivered campaign
    std::vector<DetailSource> sources;

    // The delivered campaigns as a JSON array: [{"cid","img","cta"},...]
    QByteArray jsonArray() const;
};

// The answer's bytes, written in one pass from the fragments: what the delivery routes send.
struct DeliveredBody : DeliveryOutcome
{
    QByteArray body; // `before` + the JSON array + `after`; empty when nothing was delivered
    int campaigns = 0;
};

// The delivery path after validation: match → the near cache, inline → batches of the ids
// it did not answer → per batch cache MGET, misses from the store in one query, cache
// refilled off the request path → results in match order. One batch runs inline; more run
// concurrently on the service's own pool, the calling thread taking the first. With the
// near cache on, an answer's bytes are reused whole while nothing in them can have changed
// (AnswerCache).
class DeliveryService
{
public:
    DeliveryService(MatchEngine &matcher, CampaignCache &cache, CampaignStore &store, int batchSize,
                    qint64 answerCacheBytes = 0);

    DeliveryResult deliver(const TargetingQuery &query, const AnswerScope &scope = {});
    // At most `limit` campaigns (MatchIndex::kAll: every match), as of now.
    DeliveredBody deliverBody(const TargetingQuery &query, size_t limit, QByteArrayView before = {},
                              QByteArrayView after = {});

    void setBatchSize(int size);
    qint64 batchesRun() const { return batchesRun_.load(); }
    qint64 storeReads() const { return fetcher_.storeReads(); }
    AnswerCache::Stats answerStats() const { return answers_.stats(); }

private:
    using Entry = CampaignCache::Entry;
    // Every matched id with its entry (nullptr: not delivered), in match order. Valid while
    // the cache's read section that was open when it was found lives, and until the next
    // find() on the same thread (its vectors are the thread's, reused).
    struct Found
    {
        std::span<const qint64> ids;
        std::span<const Entry *> entries;
        std::span<const DetailSource> sources; // empty: every one came from the cache
        int delivered = 0;                     // entries that are not nullptr
        qsizetype fragmentBytes = 0;           // their fragments' bytes
    };
    // Details the near cache saw longer than `nearMaxAge` ago are read again.
    Found find(const TargetingQuery &query, const AnswerScope &scope, std::chrono::milliseconds nearMaxAge,
               DeliveryOutcome &outcome);
    // find(), then `write(found, result)` while the entries are valid, both timed.
    template<typename Result, typename Write>
    Result deliverWith(const TargetingQuery &query, const AnswerScope &scope, std::chrono::milliseconds nearMaxAge,
                       Write &&write);

    struct BatchResult
    {
        std::vector<const Entry *> entries; // per id of the batch; nullptr: not delivered
        std::vector<DetailSource> sources;
        qint64 cacheMicros = 0;
        qint64 storeMicros = 0;
        QString cacheError;
        QString storeError;
    };
    BatchResult runBatch(std::span<const qint64> ids);
    // deliverBody() without reuse; `oldestDetailSeenMs` lowered to the near-cache age of its
    // oldest detail.
    DeliveredBody writeBody(const TargetingQuery &query, size_t limit, QByteArrayView before, QByteArrayView after,
                            std::chrono::milliseconds nearMaxAge, qint64 &oldestDetailSeenMs);
    AnswerCache::Sources answerSources() const;

    MatchEngine &matcher_;
    CampaignCache &cache_;
    SingleFlightFetcher fetcher_;
    std::atomic<int> batchSize_;
    std::atomic<qint64> batchesRun_{0};
    AnswerCache answers_;
    QThreadPool pool_;
};

} // namespace adserve
