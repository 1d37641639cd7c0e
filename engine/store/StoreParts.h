#pragma once

#include <atomic>

#include "CampaignStore.h"

#include <functional>

namespace adserve {

// A large store read in parts side by side, one per core: each part a range of campaign
// ids read on a thread and connection of its own, in a snapshot of its own. (One thread
// reading and another digesting the rows cost more than it saved: the second thread's frees
// of the first one's allocations contend for malloc's locks. Parts allocate and free their
// own.) What changes between the parts' snapshots must come from the change log, as any
// change made during a read does.
struct StoreParts
{
    int most = 0;            // at most this many parts; 0: one per core
    qint64 minIds = 100'000; // ids from the first live campaign's to the last's per part

    // How far a read got, for a progress bar: the parts' counts and how many they read (a
    // part that starts over takes back what it had read).
    struct Progress
    {
        std::atomic<qint64> read{0};
        std::atomic<qint64> total{0};
    };

    // The ranges to read, in id order: the first and last reach out to the ends, so that
    // campaigns written after the ends were read are read too. One range of every id when
    // the store is small (or empty).
    StoreResult<QList<IdRange>> split(const CampaignStore &store) const;
    // Reads the live campaigns of `ranges` side by side (CampaignStore::forEachTargeting),
    // part i on a thread of its own (the first on the calling thread): begin(i, campaigns)
    // first, and again if that part's read starts over; visit(i, campaign) returns false to
    // stop that part. Returns once every part has: the first part's failure, if any. Counts
    // into `progress` when given (from zero).
    static StoreResult<bool> read(const CampaignStore &store, const QList<IdRange> &ranges,
                                  CampaignStore::Fields fields,
                                  const std::function<void(int part, qint64 campaigns)> &begin,
                                  const std::function<bool(int part, CampaignWithRules &&campaign)> &visit,
                                  Progress *progress = nullptr);
};

} // namespace adserve
