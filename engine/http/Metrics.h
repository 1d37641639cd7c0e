#pragma once

#include "EdgeStats.h"
#include "delivery/DeliveryTiming.h"

#include <QByteArray>

#include <array>
#include <atomic>

namespace adserve {

class Engine;

// Request counters and latency histograms per route, lock-free, rendered in the
// Prometheus text format together with the engine's cache and delivery figures.
class Metrics
{
public:
    enum class Route { Delivery, DeliveryV1, Explain, Health, Ready, MetricsRoute, Admin, Other, Count };
    static constexpr std::array<int, 13> kStatuses{200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 500, 503, 0};
    static constexpr std::array<double, 14> kBucketsSeconds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                            0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

    void record(Route route, int status, qint64 micros);
    // A delivery's stages, and the time its answer took to hand to the connection.
    void recordDelivery(const DeliveryTiming &timing);
    void recordAnswerWrite(qint64 micros);
    // Deliveries that waited for the cache and were finished together, with one read for all.
    void recordSharedRead(qint64 deliveries);
    QByteArray render(Engine &engine) const;
    static const char *routeName(Route route);
    // Counted by the edge guard of the server that carries these routes.
    EdgeStats &edge() { return edge_; }

private:
    static constexpr size_t kRoutes = size_t(Route::Count);
    static size_t statusSlot(int status);
    std::array<std::array<std::atomic<qint64>, kStatuses.size()>, kRoutes> requests_{};
    std::array<std::array<std::atomic<qint64>, kBucketsSeconds.size() + 1>, kRoutes> buckets_{};
    std::array<std::atomic<qint64>, kRoutes> latencySumMicros_{};
    enum Stage { Match, Cache, Store, Write, StageCount };
    std::array<std::atomic<qint64>, StageCount> stageMicros_{};
    std::atomic<qint64> deliveries_{0};
    std::atomic<qint64> sharedReads_{0};
    std::atomic<qint64> sharedReadDeliveries_{0};
    EdgeStats edge_;
};

} // namespace adserve
