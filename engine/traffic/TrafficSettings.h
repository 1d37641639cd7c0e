#pragma once

#include <QtGlobal>

#include <chrono>

namespace adserve {

// Recording delivery traffic (TRAFFIC_RECORDING, TRAFFIC_RETENTION_DAYS, TRAFFIC_FLUSH_MS).
struct TrafficSettings
{
    bool recording = true;
    int retentionDays = 35;                         // older hours are deleted from the store
    std::chrono::milliseconds flushInterval{60000}; // how often the counts go to the store
    qint64 maxTriples = 100'000;                    // exact (country, os, app) rows per hour
};

} // namespace adserve
