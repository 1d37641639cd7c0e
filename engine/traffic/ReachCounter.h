#pragma once

#include "RecordedTraffic.h"
#include "ReachReport.h"

#include <atomic>
#include <functional>
#include <memory>

class QThreadPool;

namespace adserve {

class MatchIndex;

// Counts every campaign's reach over recorded traffic (ReachReport) with the index, one
// (country, OS) group of triples at a time (RequestTally), not campaign by campaign. The
// groups are shared out over the pool's threads, each with counters of its own, merged at
// the end. Meant to run off the GUI thread: it blocks its caller until done or cancelled.
class ReachCounter
{
public:
    struct Options
    {
        int contested = 20;          // how many of the most contested triples to keep
        QThreadPool *pool = nullptr; // null: the global pool; its thread count is used
    };
    // Triples done so far of all. Called from the counting threads, one call at a time,
    // about every percent.
    using Progress = std::function<void(qint64 done, qint64 total)>;

    // Over `index`'s campaigns with their targeting alone (MatchIndex::targetingAlone()).
    // When `cancel` turns true the count stops within a group and the report says cancelled.
    static ReachReport count(const RecordedTraffic &traffic, const MatchIndex &index, const Options &options,
                             const Progress &progress = {}, const std::atomic_bool *cancel = nullptr);
};

} // namespace adserve
