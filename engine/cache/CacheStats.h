#pragma once

#include <QtGlobal>

#include <atomic>

namespace adserve {

// Counters of the engine's cache-aside layer, as seen from the delivery path.
struct CacheStatsSnapshot
{
    qint64 hits = 0;
    qint64 nearHits = 0;     // of the hits, answered by the near cache without the backend
    qint64 misses = 0;       // ids read from the store: absent, or in a part of the cache that failed
    qint64 errors = 0;       // failed cache calls, whole or partial (what they missed was served from the store)
    qint64 rejected = 0;     // cached values not delivered: unparseable, inactive or deleted
    qint64 refills = 0;      // values written back after a miss
    qint64 invalidations = 0;
    qint64 lookupMicros = 0; // total time spent in cache reads

    double hitRatio() const { return hits + misses ? double(hits) / double(hits + misses) : 0.0; }
};

class CacheStats
{
public:
    std::atomic<qint64> hits{0}, nearHits{0}, misses{0}, errors{0}, rejected{0}, refills{0}, invalidations{0},
        lookupMicros{0};

    CacheStatsSnapshot snapshot() const
    {
        return {hits.load(), nearHits.load(), misses.load(), errors.load(), rejected.load(),
                refills.load(), invalidations.load(), lookupMicros.load()};
    }
};

} // namespace adserve
