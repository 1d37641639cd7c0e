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

void Metrics::recordDelivery(const DeliveryTiming &timing)
{
    deliveries_.fetch_add(1, std::memory_order_relaxed);
    stageMicros_[Match].fetch_add(timing.matchMicros, std::memory_order_relaxed);
    stageMicros_[Cache].fetch_add(timing.cacheMicros, std::memory_order_relaxed);
    stageMicros_[Store].fetch_add(timing.storeMicros, std::memory_order_relaxed);
    stageMicros_[Write].fetch_add(timing.bodyMicros, std::memory_order_relaxed);
}

void Metrics::recordAnswerWrite(qint64 micros)
{
    stageMicros_[Write].fetch_add(micros, std::memory_order_relaxed);
}

void Metrics::recordSharedRead(qint64 deliveries)
{
    sharedReads_.fetch_add(1, std::memory_order_relaxed);
    sharedReadDeliveries_.fetch_add(deliveries, std::memory_order_relaxed);
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

    out += "# HELP adserve_delivery_stage_seconds_total The server's own time in deliveries by stage: match (the "
           "index), cache (near cache and cache reads), store (reads of what the cache missed), write (the answer's "
           "bytes, written and handed to the connection). Batches running at once each count their own time.\n"
           "# TYPE adserve_delivery_stage_seconds_total counter\n";
    for (const auto &[stage, name] : {std::pair{Match, "match"}, {Cache, "cache"}, {Store, "store"}, {Write, "write"}}) {
        out += "adserve_delivery_stage_seconds_total{stage=\"" + QByteArray(name) + "\"} "
               + QByteArray::number(double(stageMicros_[stage].load()) / 1e6, 'f', 6) + '\n';
    }
    out += "# HELP adserve_delivery_stage_deliveries_total Deliveries the stage times cover (mean per stage: divide).\n"
           "# TYPE adserve_delivery_stage_deliveries_total counter\n"
           "adserve_delivery_stage_deliveries_total "
           + QByteArray::number(deliveries_.load()) + '\n';
    out += "# HELP adserve_delivery_shared_reads_total Reads of the cache shared by the deliveries a server thread "
           "had waiting at once (with Redis, what the near cache did not hold): one round trip for all.\n"
           "# TYPE adserve_delivery_shared_reads_total counter\n"
           "adserve_delivery_shared_reads_total "
           + QByteArray::number(sharedReads_.load()) + '\n';
    out += "# HELP adserve_delivery_shared_read_deliveries_total Deliveries answered through shared reads (per read: "
           "divide).\n"
           "# TYPE adserve_delivery_shared_read_deliveries_total counter\n"
           "adserve_delivery_shared_read_deliveries_total "
           + QByteArray::number(sharedReadDeliveries_.load()) + '\n';

    // One metric with its HELP and TYPE lines; `labels` is "" or "{...}".
    auto metric = [&](const char *name, const char *type, const char *help, const QByteArray &labels,
                      const QByteArray &value) {
        out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name + labels + ' '
               + value + '\n';
    };
    const CacheStatsSnapshot cache = engine.cache().stats();
    const QByteArray backend = "{backend=\"" + engine.cache().backend().kind().toUtf8() + "\"}";
    auto cacheCounter = [&](const char *name, const char *help, qint64 value) {
        metric(name, "counter", help, backend, QByteArray::number(value));
    };
    cacheCounter("adserve_cache_hits_total", "Campaign details served from the cache.", cache.hits);
    cacheCounter("adserve_cache_near_hits_total", "Of the hits, those answered in-process without the backend.",
                 cache.nearHits);
    cacheCounter("adserve_cache_misses_total", "Campaign details not in the cache (read from the store).", cache.misses);
    cacheCounter("adserve_cache_errors_total", "Failed cache calls, whole or in part (one Redis Cluster node).", cache.errors);
    cacheCounter("adserve_cache_rejected_total", "Cached values not delivered (unparseable, inactive or deleted).",
                 cache.rejected);
    cacheCounter("adserve_cache_refills_total", "Values written back to the cache after a miss.", cache.refills);
    metric("adserve_cache_lookup_seconds_total", "counter", "Time spent reading the cache.", backend,
           QByteArray::number(double(cache.lookupMicros) / 1e6, 'f', 6));
    metric("adserve_cache_decoded_entries", "gauge",
           "Campaign details held decoded, ready to deliver (the near cache and the values it compares).", {},
           QByteArray::number(engine.cache().memoisedEntries()));
    metric("adserve_cache_decoded_bytes", "gauge", "Heap bytes those decoded details hold.", {},
           QByteArray::number(engine.cache().memoisedBytes()));
    metric("adserve_cache_up", "gauge", "Whether the cache answers (1) or not (0).", backend,
           engine.cacheHealth().up ? "1" : "0");
    metric("adserve_cache_watched", "gauge",
           "Whether the cache reports its changes (1: the near cache holds details until they change) or not "
           "(0: for CACHE_NEAR_TTL_MS).",
           backend, engine.cache().watching() ? "1" : "0");
    cacheCounter("adserve_cache_change_reports_total", "Reports of changed keys (or of a watch restarted) the cache sent.",
                 qint64(engine.cache().changeReports()));
    const AnswerCache::Stats answers = engine.delivery().answerStats();
    metric("adserve_answer_cache_hits_total", "counter", "Delivery answers reused whole (CACHE_ANSWER_MB).", {},
           QByteArray::number(answers.hits));
    metric("adserve_answer_cache_misses_total", "counter", "Delivery answers written because none could be reused.",
           {}, QByteArray::number(answers.misses));
    metric("adserve_answer_cache_answers", "gauge", "Answers held for reuse.", {}, QByteArray::number(answers.answers));
    metric("adserve_answer_cache_bytes", "gauge", "Their bytes.", {}, QByteArray::number(answers.bytes));
    metric("adserve_delivery_batches_total", "counter", "Detail batches run.", {},
           QByteArray::number(engine.delivery().batchesRun()));
    metric("adserve_store_reads_total", "counter", "Store reads for cache misses.", {},
           QByteArray::number(engine.delivery().storeReads()));
    const auto index = engine.matcher().snapshot();
    metric("adserve_index_campaigns", "gauge", "Campaigns in the match index.", {},
           QByteArray::number(index->campaignCount()));
    metric("adserve_index_rules", "gauge", "Rules in the match index.", {}, QByteArray::number(index->ruleCount()));
    metric("adserve_index_loaded", "gauge", "Whether the index of the store was built (0 while loading at start-up).", {},
           engine.loaded() ? "1" : "0");
    const ChangeStatus changes = engine.changes().status();
    metric("adserve_changes_applied_id", "gauge", "Every change up to this change-log id is applied here.", {},
           QByteArray::number(changes.appliedThrough));
    metric("adserve_changes_newest_id", "gauge", "The newest change-log id when the log was last read.", {},
           QByteArray::number(changes.newestId));
    metric("adserve_changes_behind", "gauge", "Changes read but not applied yet (the store was locked, slow or down).",
           {}, QByteArray::number(changes.behindChanges));
    metric("adserve_changes_lag_seconds", "gauge", "How long the oldest change not applied yet has waited.", {},
           QByteArray::number(changes.lagSeconds(), 'f', 3));
    metric("adserve_changes_stale", "gauge", "1 while this instance serves what it last knew (changes wait, or the "
           "log cannot be read).", {}, changes.stale() ? "1" : "0");
    metric("adserve_changes_resyncs_total", "counter", "Times everything was read again (a backlog, a TRUNCATE, a "
           "pruned log).", {}, QByteArray::number(changes.resyncs));

    metric("adserve_http_connections_open", "gauge", "Client connections open now.", {},
           QByteArray::number(edge_.open.load()));
    metric("adserve_http_connections_refused_total", "counter",
           "New connections answered 503 at the connection cap (every open one was busy).", {},
           QByteArray::number(edge_.refused.load()));
    metric("adserve_http_connections_evicted_total", "counter",
           "Idle connections closed to make room for new ones at the connection cap.", {},
           QByteArray::number(edge_.evicted.load()));
    metric("adserve_http_connections_idle_closed_total", "counter",
           "Kept-alive connections closed after the idle timeout.", {}, QByteArray::number(edge_.idleClosed.load()));
    out += "# HELP adserve_http_rejected_total Requests the edge refused before any route saw them, by status.\n"
           "# TYPE adserve_http_rejected_total counter\n";
    for (size_t i = 0; i < EdgeStats::kStatuses.size(); ++i) {
        const int status = EdgeStats::kStatuses[i];
        out += "adserve_http_rejected_total{status=\"" + (status ? QByteArray::number(status) : QByteArray("other"))
               + "\"} " + QByteArray::number(edge_.rejected[i].load()) + '\n';
    }
    return out;
}

} // namespace adserve
