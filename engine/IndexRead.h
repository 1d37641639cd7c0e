#pragma once

#include "store/CampaignStore.h"
#include "targeting/MatchIndex.h"

#include <atomic>
#include <memory>

namespace adserve {

// Reads every live campaign's targeting into a new match index, compiling the rows as they
// arrive. A large store is read in parts side by side, one per core: each part a range of
// ids on a thread and connection of its own, compiled into a lane of the builder. (One
// thread reading and another compiling cost more than it saved: the compiler's frees of
// the reader's allocations contend for malloc's locks. Parts allocate and free their own.)
class IndexRead
{
public:
    struct Progress
    {
        std::atomic<qint64> read{0};
        std::atomic<qint64> total{0};
    };
    // How a store is split: at most `most` parts, each of at least `minIds` ids from the
    // first live campaign's to the last's (below that a thread costs more than it saves).
    struct Parts
    {
        int most = 0; // 0: one per core
        qint64 minIds = 100'000;
    };

    IndexRead(const CampaignStore &store, Progress &progress, const std::atomic<bool> &cancelled);
    IndexRead(const CampaignStore &store, Progress &progress, const std::atomic<bool> &cancelled, Parts parts);

    // The index; with `storeIds`, also every campaign read (even when the read failed), ascending.
    StoreResult<std::shared_ptr<const MatchIndex>> run(QList<qint64> *storeIds = nullptr);
    // How many parts the last run() read.
    int partsRead() const { return partsRead_; }

private:
    const CampaignStore &store_;
    Progress &progress_;
    const std::atomic<bool> &cancelled_;
    const Parts parts_;
    int partsRead_ = 0;
};

} // namespace adserve
