#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>

namespace adserve {

// What the edge guard refused or closed, for /metrics. Shared by every server thread.
struct EdgeStats
{
    static constexpr std::array<int, 10> kStatuses{400, 408, 413, 414, 417, 431, 501, 503, 505, 0};
    std::atomic<qint64> open{0};       // connections open now
    std::atomic<qint64> refused{0};    // new connections refused at the cap (503)
    std::atomic<qint64> evicted{0};    // idle connections closed to make room for new ones
    std::atomic<qint64> idleClosed{0}; // kept-alive connections closed after the idle timeout
    std::array<std::atomic<qint64>, kStatuses.size()> rejected{}; // requests refused, by status (0: other)

    void countRejection(int status)
    {
        for (size_t i = 0; i < kStatuses.size(); ++i) {
            if (kStatuses[i] == status || kStatuses[i] == 0) {
                ++rejected[i];
                return;
            }
        }
    }
};

} // namespace adserve
