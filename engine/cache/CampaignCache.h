#pragma once

#include "CacheBackend.h"
#include "CacheStats.h"
#include "model/Campaign.h"

#include <QThreadPool>

#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <span>
#include <vector>

namespace adserve {

// The cache-aside layer over a CacheBackend: reads campaign details by id, turns cached
// values into ready response fragments, refills misses off the request path, and counts
// hits, misses and errors. A cached value is delivered only when it parses and its
// campaign is active and not deleted; anything else counts as a miss and is overwritten.
//
// An optional near cache keeps each fragment that was read or written for `nearTtl`, keyed
// by id: a hot campaign then costs one backend read per instance per `nearTtl` instead of
// one per request (with Redis a round trip, with the memory backend a cache key, a shard
// lock and an LRU update). invalidate() drops near entries at once, and every change heard
// from the store invalidates, so only values edited in the backend directly can be seen
// up to `nearTtl` late.
class CampaignCache
{
public:
    CampaignCache(std::unique_ptr<CacheBackend> backend, std::chrono::seconds ttl,
                  std::chrono::milliseconds nearTtl = std::chrono::milliseconds(0));
    ~CampaignCache();

    struct Lookup
    {
        std::vector<QByteArray> fragments; // per requested id; empty where missing
        std::vector<size_t> missing;       // positions of the ids to read from the store
        bool failed = false;               // the cache could not be read at all
        QString error;                     // why it failed, wholly or in part
    };
    Lookup lookup(std::span<const qint64> ids);

    // The fragment for a campaign read from the store (memoised like cached ones).
    QByteArray fragmentFor(const Campaign &campaign);
    // Invalidations so far. Read it before reading the store: a refill of what was read
    // is dropped if an invalidation came in between, so it cannot write back an old value.
    quint64 epoch() const { return epoch_.load(); }
    // Writes the campaigns to the cache on the refill thread; returns at once.
    void refillAsync(QList<Campaign> campaigns, quint64 readAtEpoch);
    // Waits until scheduled refills are written (tests, warm-up, shutdown).
    void waitForRefills();
    // Writes now, on the calling thread (warm-up).
    CacheReply<bool> store(const QList<Campaign> &campaigns);
    // Drops the campaigns' keys (and their memoised fragments).
    CacheReply<qint64> invalidate(const QList<qint64> &ids);

    CacheBackend &backend() { return *backend_; }
    CacheStatsSnapshot stats() const { return stats_.snapshot(); }
    std::chrono::milliseconds nearTtl() const { return nearTtl_; }

private:
    using Clock = std::chrono::steady_clock;
    // Decoded once per distinct cached value: the fragment, or that it must not be delivered.
    struct Memo
    {
        QByteArray raw;
        QByteArray fragment;      // empty: not deliverable
        Clock::time_point seenAt; // when the backend or the store last gave this value
    };
    // The fragment when the near cache may answer for `id` without the backend.
    std::optional<QByteArray> nearFragment(qint64 id, Clock::time_point now);
    QByteArray memoisedFragment(qint64 id, const QByteArray &raw);

    static constexpr size_t kMemoShards = 16;
    struct MemoShard
    {
        std::mutex mutex;
        std::unordered_map<qint64, Memo> memos;
    };
    MemoShard &memoShard(qint64 id) { return memoShards_[size_t(id) % kMemoShards]; }

    std::unique_ptr<CacheBackend> backend_;
    const std::chrono::seconds ttl_;
    const std::chrono::milliseconds nearTtl_;
    CacheStats stats_;
    std::array<MemoShard, kMemoShards> memoShards_;
    std::atomic<quint64> epoch_{0};
    QThreadPool refillPool_;
};

} // namespace adserve
