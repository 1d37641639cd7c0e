#include "Metrics.h"

#include "Engine.h"

namespace adserve {

const char *Metrics::routeName(Route route)
{
    switch (route) {
    case Route::Delivery: return "/api/v1/delivery";
    case Route::DeliveryV1: return "/v1/delivery";
    case Route::Explain: return "/api/v1/delivery/explain";
    case Route::Health: return "/healthz";
    case Route::Ready: return "/readyz";
    case Route::MetricsRoute: return "/metrics";
    case Route::Admin: return "admin";
    case Route::Other:
    case Route::Count: break;
    }
    return "other";
}

size_t Metrics::statusSlot(int status)
{
    for (size_t i = 0; i + 1 < kStatuses.size(); ++i) {
        if (kStatuses[i] == status)
            return i;
    }
    return kStatuses.size() - 1;
}

void Metrics::record(Route route, int status, qint64 micros)
{
    const size_t r = size_t(route);
    requests_[r][statusSlot(status)].fetch_add(1, std::memory_order_relaxed);
    size_t bucket = 0;
    while (bucket < kBucketsSeconds.size() && double(micros) > kBucketsSeconds[bucket] * 1e6)
        ++bucket;
    buckets_[r][bucket].fetch_add(1, std::memory_order_relaxed);
    latencySumMicros_[r].fetch_add(micros, std::memory_order_relaxed);
}

qint64 Metrics::requests(Route route, int status) const
{
    return requests_[size_t(route)][statusSlot(status)].load();
}

qint64 Metrics::totalRequests() const
{
    qint64 total = 0;
    for (const auto &route : requests_) {
        for (const auto &count : route)
            total += count.load();
    }
    return total;
}

QByteArray Metrics::render(Engine &engine) const
{
    QByteArray out;
    out.reserve(8192);
    out += "# HELP adserve_http_requests_total HTTP requests by route and status.\n"
           "# TYPE adserve_http_requests_total counter\n";
    for (size_t r = 0; r < kRoutes; ++r) {
        for (size_t s = 0; s < kStatuses.size(); ++s) {
            const qint64 n = requests_[r][s].load();
            if (n == 0)
                continue;
            out += "adserve_http_requests_total{route=\"" + QByteArray(routeName(Route(r))) + "\",status=\""
                   + (kStatuses[s] ? QByteArray::number(kStatuses[s]) : QByteArray("other")) + "\"} "
                   + QByteArray::number(n) + '\n';
        }
    }
    out += "# HELP adserve_http_request_duration_seconds Time to answer a request.\n"
           "# TYPE adserve_http_request_duration_seconds histogram\n";
    for (size_t r = 0; r < kRoutes; ++r) {
        qint64 cumulative = 0;
        for (const auto &b : buckets_[r])
            cumulative += b.load();
        if (cumulative == 0)
            continue;
        const QByteArray label = "route=\"" + QByteArray(routeName(Route(r))) + "\"";
        cumulative = 0;
        for (size_t b = 0; b <= kBucketsSeconds.size(); ++b) {
            cumulative += buckets_[r][b].load();
            const QByteArray le = b < kBucketsSeconds.size() ? QByteArray::number(kBucketsSeconds[b]) : "+Inf";
            out += "adserve_http_request_duration_seconds_bucket{" + label + ",le=\"" + le + "\"} "
                   + QByteArray::number(cumulative) + '\n';
        }
        out += "adserve_http_request_duration_seconds_sum{" + label + "} "
               + QByteArray::number(double(latencySumMicros_[r].load()) / 1e6, 'f', 6) + '\n';
        out += "adserve_http_request_duration_seconds_count{" + label + "} " + QByteArray::number(cumulative) + '\n';
    }

    const CacheStatsSnapshot cache = engine.cache().stats();
    const QByteArray kind = engine.cache().backend().kind().toUtf8();
    auto counter = [&](const char *name, const char *help, qint64 value) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " counter\n" + name
               + "{backend=\"" + kind + "\"} " + QByteArray::number(value) + '\n';
    };
    counter("adserve_cache_hits_total", "Campaign details served from the cache.", cache.hits);
    counter("adserve_cache_near_hits_total", "Of the hits, those answered in-process without the backend.",
            cache.nearHits);
    counter("adserve_cache_misses_total", "Campaign details not in the cache (read from the store).", cache.misses);
    counter("adserve_cache_errors_total", "Failed cache calls.", cache.errors);
    counter("adserve_cache_rejected_total", "Cached values not delivered (unparseable, inactive or deleted).",
            cache.rejected);
    counter("adserve_cache_refills_total", "Values written back to the cache after a miss.", cache.refills);
    out += "# HELP adserve_cache_lookup_seconds_total Time spent reading the cache.\n"
           "# TYPE adserve_cache_lookup_seconds_total counter\n"
           "adserve_cache_lookup_seconds_total{backend=\"" + kind + "\"} "
           + QByteArray::number(double(cache.lookupMicros) / 1e6, 'f', 6) + '\n';
    const bool cacheUp = engine.cacheHealth().up;
    out += "# HELP adserve_cache_up Whether the cache answers (1) or not (0).\n# TYPE adserve_cache_up gauge\n"
           "adserve_cache_up{backend=\"" + kind + "\"} " + (cacheUp ? "1" : "0") + '\n';
    out += "# HELP adserve_delivery_batches_total Detail batches run.\n# TYPE adserve_delivery_batches_total counter\n"
           "adserve_delivery_batches_total " + QByteArray::number(engine.delivery().batchesRun()) + '\n';
    out += "# HELP adserve_store_reads_total Store reads for cache misses.\n# TYPE adserve_store_reads_total counter\n"
           "adserve_store_reads_total " + QByteArray::number(engine.delivery().storeReads()) + '\n';
    const auto index = engine.matcher().snapshot();
    out += "# HELP adserve_index_campaigns Campaigns in the match index.\n# TYPE adserve_index_campaigns gauge\n"
           "adserve_index_campaigns " + QByteArray::number(index->campaignCount()) + '\n';
    out += "# HELP adserve_index_rules Rules in the match index.\n# TYPE adserve_index_rules gauge\n"
           "adserve_index_rules " + QByteArray::number(index->ruleCount()) + '\n';
    return out;
}

} // namespace adserve
