// Google Benchmark for TrafficCounter::record(), on the delivery path of every request:
// a triple the hour already counts, a new triple each time (the hour's table growing),
// the long tail once the hour is full (folded into OTHER rows), and a known triple from two
// threads at once (Threads(2): one shared counter).
#include "traffic/TrafficCounter.h"

#include <benchmark/benchmark.h>

#include <malloc.h>

#include <vector>

using namespace adserve;

namespace {

constexpr qint64 kHour = 1'764'763'200;
constexpr int kQueries = 1 << 16;

// Realistic mix: 20 countries, 3 OSes, 2,000 apps; normalised up front as delivery does.
const std::vector<TargetingQuery> &queries()
{
    static const std::vector<TargetingQuery> list = [] {
        std::vector<TargetingQuery> q;
        for (int i = 0; i < kQueries; ++i)
            q.push_back(TargetingQuery::from(QStringLiteral("c%1").arg(i % 20), QStringLiteral("os%1").arg(i % 3),
                                             QStringLiteral("com.example.app%1").arg((i * 7919) % 2000)));
        return q;
    }();
    return list;
}

void BM_RecordKnown(benchmark::State &state)
{
    TrafficCounter counter;
    const auto &q = queries();
    for (const TargetingQuery &query : q)
        counter.record(query, kHour);
    size_t i = 0;
    for (auto _ : state)
        counter.record(q[i++ & (kQueries - 1)], kHour);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordKnown);

void BM_RecordNow(benchmark::State &state) // the same, with the hour read from the clock
{
    TrafficCounter counter;
    const auto &q = queries();
    for (const TargetingQuery &query : q)
        counter.record(query);
    size_t i = 0;
    for (auto _ : state)
        counter.record(q[i++ & (kQueries - 1)]);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordNow);

// Bytes allocated now: small blocks and the large ones malloc maps apart (a table's buckets).
size_t heapInUse()
{
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

// Each triple new to the hour, while it has room: a row is made (an allocation). Also
// reports the heap a row takes, values included ("bytes_per_row").
void BM_RecordNew(benchmark::State &state)
{
    constexpr int kNew = 200'000;
    std::vector<TargetingQuery> fresh;
    fresh.reserve(kNew);
    for (int i = 0; i < kNew; ++i)
        fresh.push_back(TargetingQuery::from(QStringLiteral("c%1").arg(i % 20), QStringLiteral("os%1").arg(i % 3),
                                             QStringLiteral("one-off-%1").arg(i)));
    double bytesPerRow = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const size_t heapBefore = heapInUse();
        // Fresh strings, as each request normalises its own: a row keeps those of its first request.
        std::vector<TargetingQuery> requests(fresh.size());
        for (size_t i = 0; i < fresh.size(); ++i)
            for (size_t d = 0; d < size_t(kDimensionCount); ++d)
                requests[i].values[d] = QString(fresh[i].values[d].data(), fresh[i].values[d].size());
        auto counter = std::make_unique<TrafficCounter>(kNew);
        state.ResumeTiming();
        for (const TargetingQuery &query : requests)
            counter->record(query, kHour);
        state.PauseTiming();
        std::vector<TargetingQuery>().swap(requests); // what the rows keep stays
        const size_t heapAfter = heapInUse();
        bytesPerRow = heapAfter > heapBefore ? double(heapAfter - heapBefore) / kNew : 0;
        counter.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kNew);
    state.counters["bytes_per_row"] = bytesPerRow;
}
BENCHMARK(BM_RecordNew)->Unit(benchmark::kMillisecond);

// The long tail of a full hour: each new triple is looked up, refused, and counted in its
// (country, os, OTHER) row.
void BM_RecordFolded(benchmark::State &state)
{
    TrafficCounter counter(100);
    constexpr int kNew = 1 << 17;
    std::vector<TargetingQuery> fresh;
    fresh.reserve(kNew);
    for (int i = 0; i < kNew; ++i)
        fresh.push_back(TargetingQuery::from(QStringLiteral("c%1").arg(i % 20), QStringLiteral("os%1").arg(i % 3),
                                             QStringLiteral("one-off-%1").arg(i)));
    for (int i = 0; i < 1000; ++i)
        counter.record(fresh[size_t(i)], kHour);
    size_t i = 0;
    for (auto _ : state)
        counter.record(fresh[i++ & (kNew - 1)], kHour);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordFolded);

// Two server threads recording known triples into one counter.
TrafficCounter *shared = nullptr;

void BM_RecordKnownThreads(benchmark::State &state)
{
    if (state.thread_index() == 0) {
        shared = new TrafficCounter;
        for (const TargetingQuery &query : queries())
            shared->record(query, kHour);
    }
    const auto &q = queries();
    size_t i = size_t(state.thread_index()) * 7777;
    for (auto _ : state)
        shared->record(q[i++ & (kQueries - 1)], kHour);
    state.SetItemsProcessed(state.iterations());
    if (state.thread_index() == 0) {
        delete shared;
        shared = nullptr;
    }
}
BENCHMARK(BM_RecordKnownThreads)->Threads(1)->Threads(2)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
