#pragma once

#include <QtGlobal>

namespace adserve {

// Where one delivery's time went, in microseconds. The cache and store figures are summed
// over the batches, which may run at once on several threads.
struct DeliveryTiming
{
    qint64 matchMicros = 0; // the match index
    qint64 cacheMicros = 0; // the near cache, then the cache backend
    qint64 storeMicros = 0; // the store, for what the cache missed
    qint64 bodyMicros = 0;  // writing the answer's bytes
    qint64 totalMicros = 0;
};

} // namespace adserve
