#pragma once

#include "CacheBackend.h"
#include "CacheStats.h"
#include "FragmentTable.h"
#include "model/Campaign.h"

#include <QThreadPool>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
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
//
// A backend that reports the changes of its keys (CacheBackend::watchChanges: the memory
// backend, standalone Redis) makes the near cache exact: a value read from it while it
// watches is delivered until the backend says the value changed or the watch ended, however
// long that is, and a changed value is dropped at once.
class CampaignCache final : private CacheChangeListener
{
public:
    using Entry = FragmentTable::Entry;

    CampaignCache(std::unique_ptr<CacheBackend> backend, std::chrono::seconds ttl,
                  std::chrono::milliseconds nearTtl = std::chrono::milliseconds(0));
    ~CampaignCache() override;

    // Entries found or made stay valid while a section lives: open one per request.
    FragmentTable::ReadSection readSection() const { return FragmentTable::ReadSection(fragments_); }

    // The near cache, inside a read section: for each id, the entry it may deliver without
    // the backend, or nullptr; the positions of the nullptrs are appended to `missing`.
    // An entry seen longer than `maxAge` ago (at most nearTtl()) is missing too, unless it is
    // watched(). Without a near cache every position is missing. Returns the found
    // fragments' bytes.
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

    // True when the entry's value was read under the backend's current watch: any change
    // of it would have been reported (and the entry dropped), so it holds whatever its age.
    bool watched(const Entry *entry) const
    {
        const quint32 watch = entry->watchedIn.load(std::memory_order_acquire);
        return watch != 0 && watch == watch_.load(std::memory_order_acquire);
    }
    // Moves whenever a value that may have been delivered as watched is no more: a change
    // reported of it, or the watch restarted or lost. What was made of watched values before
    // (a whole answer) is stale once it moved.
    quint64 watchedChanges() const { return watchedChanges_.load(); }
    // The backend reports changes now.
    bool watching() const { return watch_.load() != 0; }
    // Reports the backend sent: of changed keys, and of its watch restarted.
    quint64 changeReports() const { return changesHeard_.load(); }

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
    // `watch`: the watch the backend's value was read under; 0 for none, and for a value
    // from the store (an entry of the same value stays as watched as it was).
    const Entry *memoised(qint64 id, const QByteArray &raw, qint64 nowMs, quint32 watch);
    // After a read under a watch during which changes were reported (changesHeard_ moved
    // from `heardBefore`): the entries read of a key reported changed may hold the value
    // the change replaced, so they are read again on their next delivery.
    void forgetChangedDuringRead(quint64 heardBefore, std::span<const qint64> ids,
                                 std::span<const Entry *const> entries);
    // Read again on its next delivery, whatever its age. True when it was watched.
    bool forget(const Entry *entry);

    // CacheChangeListener: the backend's reports.
    void keysChanged(const QList<QByteArray> &keys) override;
    void watchRestarted(bool watching) override;

    std::unique_ptr<CacheBackend> backend_;
    const std::chrono::seconds ttl_;
    const std::chrono::milliseconds nearTtl_;
    CacheStats stats_;
    FragmentTable fragments_;
    std::atomic<quint64> epoch_{0};
    std::atomic<quint32> watch_{0};          // the backend's current watch; 0 while it reports nothing
    std::atomic<quint32> watchesStarted_{0}; // numbers the watches
    std::atomic<quint64> watchedChanges_{0};
    // The latest reports, numbered, for a read to tell which came while it was under way.
    std::mutex reportsMutex_;
    std::atomic<quint64> changesHeard_{0}; // reports of changes and restarts; moves under reportsMutex_
    std::deque<std::pair<quint64, qint64>> recentlyChanged_; // (report, campaign id), the latest last
    quint64 reportsForgottenUpTo_ = 0; // reports older than recentlyChanged_ holds, and restarts
    QThreadPool refillPool_;
};

} // namespace adserve
