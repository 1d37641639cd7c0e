#pragma once

#include "CacheBackend.h"
#include "CacheStats.h"
#include "FragmentTable.h"
#include "model/Campaign.h"

#include <QThreadPool>

#include <chrono>
#include <memory>
#include <span>
#include <vector>

namespace adserve {

// The cache-aside layer over a CacheBackend: reads campaign details by id, turns cached
// values into ready response fragments, refills misses off the request path, and counts
// hits, misses and errors. A cached value is delivered only when it parses and its
// campaign is active and not deleted; anything else counts as a miss and is overwritten.
//
// Every value read is decoded once into an entry of a FragmentTable, which the delivery
// path reads without locks. An optional near cache delivers each entry for `nearTtl` after
// the backend or the store last gave its value: a hot campaign then costs one backend read
// per instance per `nearTtl` instead of one per request (with Redis a round trip, with the
// memory backend a cache key, a shard lock and an LRU update). invalidate() drops entries
// at once, and every change heard from the store invalidates, so only values edited in the
// backend directly can be seen up to `nearTtl` late.
class CampaignCache
{
public:
    using Entry = FragmentTable::Entry;

    CampaignCache(std::unique_ptr<CacheBackend> backend, std::chrono::seconds ttl,
                  std::chrono::milliseconds nearTtl = std::chrono::milliseconds(0));
    ~CampaignCache();

    // Entries found or made stay valid while a section lives: open one per request.
    FragmentTable::ReadSection readSection() const { return FragmentTable::ReadSection(fragments_); }

    // The near cache, inside a read section: for each id, the entry it may deliver without
    // the backend, or nullptr; the positions of the nullptrs are appended to `missing`.
    // An entry seen longer than `maxAge` ago (at most nearTtl()) is missing too. Without a
    // near cache every position is missing. Returns the found fragments' bytes.
    qsizetype nearLookup(std::span<const qint64> ids, const Entry **found, std::vector<size_t> &missing,
                         std::chrono::milliseconds maxAge);

    struct Lookup
    {
        std::vector<const Entry *> entries; // per requested id; nullptr where missing
        std::vector<size_t> missing;        // positions of the ids to read from the store
        bool failed = false;                // the cache could not be read at all
        QString error;                      // why it failed, wholly or in part
    };
    // Reads the ids from the backend, inside a read section; with `batchSize`, in batches of
    // that many sent together (CacheBackend::getManyInBatches).
    Lookup lookup(std::span<const qint64> ids, qsizetype batchSize = 0);

    // The entry for a campaign read from the store (memoised like cached ones), inside a
    // read section.
    const Entry *fragmentFor(const Campaign &campaign);
    // Moves when an invalidation starts and again when it is done. Read it before reading
    // the store: a refill of what was read is dropped if an invalidation came in between,
    // so it cannot write back an old value.
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
    // The clock of the near cache's ages (an entry's seenAtMs): steady, in ms.
    static qint64 nowMs();
    // Campaigns delivered in an answer reused whole (AnswerCache), made from near-cache
    // entries: counted as near-cache hits.
    void countNearHits(qint64 campaigns);
    // The decoded values held beside the backend: how many, and their heap bytes.
    qint64 memoisedEntries() const { return fragments_.entries(); }
    qint64 memoisedBytes() const { return fragments_.bytes(); }

private:
    // The entry for a value the backend or the store gave: decoded once per distinct value.
    const Entry *memoised(qint64 id, const QByteArray &raw, qint64 nowMs);

    std::unique_ptr<CacheBackend> backend_;
    const std::chrono::seconds ttl_;
    const std::chrono::milliseconds nearTtl_;
    CacheStats stats_;
    FragmentTable fragments_;
    std::atomic<quint64> epoch_{0};
    QThreadPool refillPool_;
};

} // namespace adserve
