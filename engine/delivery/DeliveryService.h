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

// A body begun and not finished: the details the near cache did not hold are still to be read
// (DeliveryService::beginBody). It keeps the cache's entries it found valid while it lives.
struct PendingBody;
struct PendingBodyDeleter
{
    void operator()(PendingBody *pending) const;
};
using PendingBodyPtr = std::unique_ptr<PendingBody, PendingBodyDeleter>;

// The delivery path after validation: match → the near cache, inline → batches of the ids
// it did not answer → per batch cache MGET, misses from the store in one query, cache
// refilled off the request path → results in match order. One batch runs inline; more run
// concurrently on the service's own pool, the calling thread taking the first. With the
// near cache on, an answer's bytes are reused whole while nothing in them can have changed
// (AnswerCache). With Redis, a server thread can begin the bodies of many requests and
// finish them together (beginBody, finishBodies): their batches go to Redis in one round trip.
class DeliveryService
{
public:
    DeliveryService(MatchEngine &matcher, CampaignCache &cache, CampaignStore &store, int batchSize,
                    qint64 answerCacheBytes = 0);

    DeliveryResult deliver(const TargetingQuery &query, const AnswerScope &scope = {});
    // At most `limit` campaigns (MatchIndex::kAll: every match), as of now.
    DeliveredBody deliverBody(const TargetingQuery &query, size_t limit, QByteArrayView before = {},
                              QByteArrayView after = {});

    // deliverBody() in two halves, for a server thread that has many requests to answer: a
    // body whose details are not all in the near cache comes back pending when the cache is a
    // round trip away (Redis) and what it misses fits in one batch, and finishBodies()
    // finishes many at once, with one read of the cache for all they miss: one round trip
    // where there were as many as requests. Otherwise the body comes back done.
    struct BodyStart
    {
        DeliveredBody done; // when `pending` is null
        PendingBodyPtr pending;
    };
    BodyStart beginBody(const TargetingQuery &query, size_t limit, QByteArrayView before = {},
                        QByteArrayView after = {})
    {
        return begin(query, limit, before, after, cacheIsRemote_);
    }
    // The bodies, in the order given. Each pending body is finished once.
    std::vector<DeliveredBody> finishBodies(std::span<PendingBody *const> pending);
    // Whether beginBody() can leave bodies pending: the cache is not in this process.
    bool mayPend() const { return cacheIsRemote_; }

    void setBatchSize(int size);
    qint64 batchesRun() const { return batchesRun_.load(); }
    qint64 storeReads() const { return fetcher_.storeReads(); }
    AnswerCache::Stats answerStats() const { return answers_.stats(); }

private:
    friend struct PendingBody;
    using Entry = CampaignCache::Entry;
    // One delivery's matched ids with their entries (nullptr: not delivered), in match order,
    // and the positions the near cache did not answer.
    struct Lookups
    {
        MatchedIds ids;
        std::vector<const Entry *, UninitializedAllocator<const Entry *>> entries;
        std::vector<DetailSource> sources; // empty: every one came from the cache
        std::vector<size_t> missing;
        int delivered = 0;           // entries that are not nullptr
        qsizetype fragmentBytes = 0; // their fragments' bytes
    };
    // Matches and looks in the near cache, inside a read section; details it saw longer than
    // `nearMaxAge` ago are missing.
    void lookNear(const TargetingQuery &query, const AnswerScope &scope, std::chrono::milliseconds nearMaxAge,
                  Lookups &lookups, DeliveryOutcome &outcome);

    struct BatchResult
    {
        std::vector<const Entry *> entries; // per id of the batch; nullptr: not delivered
        std::vector<DetailSource> sources;
        qint64 cacheMicros = 0;
        qint64 storeMicros = 0;
        QString cacheError;
        QString storeError;
    };
    // With `keysPerCommand`, the ids are read in commands of that many, pipelined.
    BatchResult runBatch(std::span<const qint64> ids, qsizetype keysPerCommand = 0);
    // The details of `ids` from the cache, misses from the store, in batches: the first on
    // this thread, the others at once on the pool; `together`: all on this thread, sent to
    // the cache together (one round trip).
    struct Fetched
    {
        std::vector<const Entry *> entries; // per id
        std::vector<DetailSource> sources;
        DeliveryOutcome outcome;            // its cache and store time, batches and errors
    };
    Fetched fetch(std::span<const qint64> ids, bool together);
    // The details the lookups miss, each id read once for all of them (`together`: on this
    // thread, with one round trip); each outcome gains its share of the time.
    void readMissing(std::span<Lookups *const> lookups, std::span<DeliveryOutcome *const> outcomes, bool together);
    // beginBody(), or deliverBody() when `mayPend` is false.
    BodyStart begin(const TargetingQuery &query, size_t limit, QByteArrayView before, QByteArrayView after,
                    bool mayPend);
    // Writes a body whose details are all read, and keeps it for reuse when it may be.
    DeliveredBody complete(PendingBody &body);
    AnswerCache::Sources answerSources() const;

    MatchEngine &matcher_;
    CampaignCache &cache_;
    SingleFlightFetcher fetcher_;
    std::atomic<int> batchSize_;
    std::atomic<qint64> batchesRun_{0};
    AnswerCache answers_;
    const bool cacheIsRemote_;
    QThreadPool pool_;
};

} // namespace adserve
