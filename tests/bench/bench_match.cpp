// Google Benchmark for the targeting index: MatchIndex::build, match and explain over
// the generator's campaigns (what `adserve generate` writes) at 10k, 100k and 1M.
//
// Targets (issue 2): p50 match <= 5 us at 10k and <= 50 us at 1M; build of 1M <= 3 s.
// With a limit of 20 (the second argument; 0: every match), p50 <= 20 us at 1M (issue 14).
// The generated campaigns have priorities, flights and day-parting as `adserve generate`
// makes them, so answers come in priority order through the serving bitset.
// BM_Update: the index after one campaign changed, what every instance does then.
// BM_AdvanceToBoundary: the index as of the next serving boundary (the serving clock's work).
// BM_Match times every call itself and reports p50/p90/p99 in microseconds as counters,
// with the mean number of matched campaigns beside them.
#include "BenchData.h"
#include "targeting/MatchIndex.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

using namespace adserve;
using namespace adserve::bench;

namespace {

constexpr quint64 kSeed = 42;
constexpr qsizetype kQueryCount = 4096;

// One data set per size, generated once and shared by every benchmark of that size.
struct DataSet
{
    QList<CampaignWithRules> campaigns;
    std::shared_ptr<const MatchIndex> index;
    std::vector<TargetingQuery> queries;
};

const DataSet &dataSet(qsizetype size)
{
    static std::map<qsizetype, std::unique_ptr<DataSet>> sets;
    auto &slot = sets[size];
    if (!slot) {
        slot = std::make_unique<DataSet>();
        slot->campaigns = generatedCampaigns(size, kSeed);
        // For a comparison with stores that have no priorities, flights or day-parting.
        if (qEnvironmentVariableIntValue("ADSERVE_BENCH_NO_SERVING_TIMES") == 1) {
            for (CampaignWithRules &c : slot->campaigns) {
                c.campaign.priority = 0;
                c.campaign.serving = {};
            }
        }
        slot->queries = requestsFor(slot->campaigns, kQueryCount, kSeed);
        slot->index = MatchIndex::build(slot->campaigns);
    }
    return *slot;
}

double percentile(const std::vector<double> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    return sorted[std::min(sorted.size() - 1, size_t(p * double(sorted.size())))];
}

void BM_Build(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    qsizetype rules = 0;
    for (auto _ : state) {
        auto index = MatchIndex::build(data.campaigns);
        rules = index->ruleCount();
        benchmark::DoNotOptimize(index);
        // Freeing the index is not part of building it (the engine frees the old one after the swap).
        state.PauseTiming();
        index.reset();
        state.ResumeTiming();
    }
    state.counters["campaigns"] = double(data.campaigns.size());
    state.counters["rules"] = double(rules);
}

// What every instance does when one campaign changes: the index with that campaign's
// targeting replaced (the store read of that one campaign is not part of it).
void BM_Update(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    size_t next = 0;
    for (auto _ : state) {
        const CampaignWithRules &changed = data.campaigns[qsizetype((next++ * 7919) % size_t(data.campaigns.size()))];
        auto index = data.index->withChanges({changed.campaign.id}, {changed});
        benchmark::DoNotOptimize(index);
        state.PauseTiming();
        index.reset();
        state.ResumeTiming();
    }
}

void BM_Match(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    const MatchIndex &index = *data.index;
    std::vector<double> micros;
    micros.reserve(1 << 20);
    double matched = 0;
    size_t next = 0;
    const size_t limit = state.range(1) > 0 ? size_t(state.range(1)) : MatchIndex::kAll;
    MatchedIds ids; // reused, as DeliveryService does per thread
    for (auto _ : state) {
        const TargetingQuery &query = data.queries[next++ % data.queries.size()];
        const auto start = std::chrono::steady_clock::now();
        index.match(query, ids, limit);
        const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        state.SetIterationTime(elapsed);
        if (micros.size() < micros.capacity())
            micros.push_back(elapsed * 1e6);
        matched += double(ids.size());
    }
    std::sort(micros.begin(), micros.end());
    state.counters["p50_us"] = percentile(micros, 0.50);
    state.counters["p90_us"] = percentile(micros, 0.90);
    state.counters["p99_us"] = percentile(micros, 0.99);
    state.counters["matched"] = state.iterations() ? matched / double(state.iterations()) : 0;
}

void BM_ExplainOne(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    size_t next = 0;
    for (auto _ : state) {
        const TargetingQuery &query = data.queries[next % data.queries.size()];
        // Stride through the whole id range rather than walk it.
        const qint64 id = data.campaigns[qsizetype((next * 7919) % size_t(data.campaigns.size()))].campaign.id;
        ++next;
        benchmark::DoNotOptimize(data.index->explain(query, id));
    }
}

// What /api/v1/delivery/explain does: a decision for every campaign.
void BM_ExplainAll(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    size_t next = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(data.index->explain(data.queries[next++ % data.queries.size()]));
}

// The index as of the next flight or day-parting boundary: what the serving clock works out
// at each one (every half hour with the generator's time zones), on its own thread.
void BM_AdvanceToBoundary(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    const qint64 boundary = data.index->nextServingChange();
    for (auto _ : state)
        benchmark::DoNotOptimize(data.index->at(boundary));
}

BENCHMARK(BM_Build)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdvanceToBoundary)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Update)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Match)
    ->ArgsProduct({{10'000, 100'000, 1'000'000}, {0, 20}})
    ->ArgNames({"campaigns", "limit"})
    ->Unit(benchmark::kMicrosecond)
    ->UseManualTime();
BENCHMARK(BM_ExplainOne)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ExplainAll)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
