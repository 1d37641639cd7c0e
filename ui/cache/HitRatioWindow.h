#pragma once

#include "cache/CacheStats.h"

#include <QtGlobal>

#include <deque>
#include <optional>

namespace adserve {

// The hit ratio of the lookups made in the last `spanMs`, from samples of the cache-aside
// counters. Counters since start hide the present (a day of hits outweighs a minute of
// misses), and a ratio of no lookups is no figure at all.
class HitRatioWindow
{
public:
    explicit HitRatioWindow(qint64 spanMs) : spanMs_(spanMs) {}

    // The counters as they were at `atMs` (a steady clock, increasing).
    void add(const CacheStatsSnapshot &counters, qint64 atMs);
    // Counters that start again (another cache).
    void clear() { samples_.clear(); }

    // Hits and misses counted within the window.
    qint64 lookups() const;
    // Cache reads that failed within the window (each served from the store).
    qint64 failedReads() const;
    // Hits over lookups and failed reads; none when the window holds no lookup.
    std::optional<double> ratio() const;

private:
    struct Sample
    {
        qint64 atMs;
        qint64 hits;
        qint64 misses;
        qint64 errors;
    };

    const qint64 spanMs_;
    std::deque<Sample> samples_; // oldest first; the first one is where the window starts
};

} // namespace adserve
