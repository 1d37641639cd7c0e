#pragma once

#include "store/CampaignStore.h"
#include "store/StoreParts.h"
#include "targeting/MatchIndex.h"

#include <atomic>
#include <memory>

namespace adserve {

// Reads every live campaign's targeting into a new match index, compiling the rows as they
// arrive: a large store in parts side by side (StoreParts), each compiled into a lane of
// the builder.
class IndexRead
{
public:
    using Progress = StoreParts::Progress;

    IndexRead(const CampaignStore &store, Progress &progress, const std::atomic<bool> &cancelled,
              StoreParts parts = {});

    // The index; with `storeIds`, also every campaign read (even when the read failed), ascending.
    StoreResult<std::shared_ptr<const MatchIndex>> run(QList<qint64> *storeIds = nullptr);
    // How many parts the last run() read.
    int partsRead() const { return partsRead_; }

private:
    const CampaignStore &store_;
    Progress &progress_;
    const std::atomic<bool> &cancelled_;
    const StoreParts parts_;
    int partsRead_ = 0;
};

} // namespace adserve
