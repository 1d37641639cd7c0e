// Google Benchmark for forecasts over recorded traffic: preparing a window of 100,000
// distinct (country, OS, app) triples (RecordedTraffic), one campaign's forecast with its
// overlap against the delivery index (ReachForecast), every campaign's reach (ReachCounter),
// and the impact preview of an edit of one campaign and of a bulk edit of many (ReachImpact).
//
// Targets (issue 16): a forecast p50 <= 20 ms over 100k triples (10k and 100k campaigns);
// every campaign's reach at 1M campaigns <= 10 s. The 1M report takes minutes to set up (the
// campaigns are generated and indexed first): it runs only with ADSERVE_BENCH_1M=1.
// Traffic: requests drawn as BenchData draws them (popular targets are popular requests,
// one in ten from an app no campaign names) until 100k distinct triples; each triple's
// requests spread over the days of a week, one row per day, read hour by hour.
#include "BenchData.h"
#include "changes/BulkEdit.h"
#include "targeting/MatchIndex.h"
#include "traffic/ReachCounter.h"
#include "traffic/ReachForecast.h"
#include "traffic/ReachImpact.h"
#include "traffic/RecordedTraffic.h"

#include <benchmark/benchmark.h>

#include <QHash>
#include <QThreadPool>
#include <QTimeZone>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <random>

using namespace adserve;
using namespace adserve::bench;

namespace {

constexpr quint64 kSeed = 42;
constexpr size_t kTriples = 100'000;
constexpr int kDays = 7;
constexpr int kSubjects = 128; // campaigns forecast, the same ones in every configuration

QList<TrafficRow> trafficFor(const QList<CampaignWithRules> &campaigns)
{
    QHash<QString, qint64> weights; // "country|os|app" -> requests drawn
    std::vector<TargetingQuery> order;
    for (quint64 round = 0; size_t(weights.size()) < kTriples; ++round) {
        for (const TargetingQuery &q : requestsFor(campaigns, 200'000, kSeed + round)) {
            const QString key = q.values[0] + QLatin1Char('|') + q.values[1] + QLatin1Char('|') + q.values[2];
            auto it = weights.find(key);
            if (it != weights.end()) {
                ++it.value();
            } else if (size_t(weights.size()) < kTriples) {
                weights.insert(key, 1);
                order.push_back(q);
            }
        }
    }
    std::mt19937_64 random(kSeed);
    const qint64 monday = QDateTime(QDate(2024, 3, 4), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
    QList<TrafficRow> rows;
    rows.reserve(qsizetype(order.size()) * kDays);
    for (const TargetingQuery &q : order) {
        const qint64 total = 10 * weights.value(q.values[0] + QLatin1Char('|') + q.values[1] + QLatin1Char('|') + q.values[2]);
        for (int day = 0; day < kDays; ++day) {
            const qint64 hour = monday + day * 86400 + qint64(random() % 24) * 3600;
            rows.append({hour, q.values[0], q.values[1], q.values[2], std::max<qint64>(1, total / kDays)});
        }
    }
    // As a store reads a window: hour by hour.
    std::stable_sort(rows.begin(), rows.end(), [](const TrafficRow &a, const TrafficRow &b) { return a.hourStart < b.hourStart; });
    return rows;
}

struct DataSet
{
    QList<CampaignWithRules> campaigns;
    std::shared_ptr<const MatchIndex> index;
    QList<TrafficRow> rows;
    std::unique_ptr<RecordedTraffic> traffic;
};

const DataSet &dataSet(qsizetype size)
{
    static std::map<qsizetype, std::unique_ptr<DataSet>> sets;
    auto &slot = sets[size];
    if (!slot) {
        slot = std::make_unique<DataSet>();
        slot->campaigns = generatedCampaigns(size, kSeed);
        slot->index = MatchIndex::build(slot->campaigns);
        slot->rows = trafficFor(slot->campaigns);
        slot->traffic = std::make_unique<RecordedTraffic>(RecordedTraffic::from(slot->rows));
    }
    return *slot;
}

double percentile(std::vector<double> sorted, double p)
{
    std::sort(sorted.begin(), sorted.end());
    return sorted.empty() ? 0 : sorted[std::min(sorted.size() - 1, size_t(p * double(sorted.size())))];
}

void BM_RecordedTraffic(benchmark::State &state)
{
    const DataSet &data = dataSet(10'000);
    for (auto _ : state)
        benchmark::DoNotOptimize(RecordedTraffic::from(data.rows));
    state.counters["rows"] = double(data.rows.size());
    state.counters["triples"] = double(data.traffic->triples().size());
}

// One forecast with its overlap; arg 1 is the overlap coverage in percent, arg 2 the cap on
// the triples it is counted over (0: none).
void BM_Forecast(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    const ReachForecast forecaster(*data.traffic, data.index);
    ReachForecast::Options options;
    options.overlapCoverage = double(state.range(1)) / 100.0;
    options.overlapTriples = state.range(2) > 0 ? qsizetype(state.range(2)) : std::numeric_limits<qsizetype>::max();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::vector<double> millis;
    double share = 0, coverage = 0, overlapTriples = 0;
    size_t next = 0;
    for (auto _ : state) {
        const CampaignWithRules &subject = data.campaigns[qsizetype((next++ * 7919) % size_t(data.campaigns.size()))];
        const auto start = std::chrono::steady_clock::now();
        const Forecast f = forecaster.forecast(subject, now, options);
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        state.SetIterationTime(elapsed);
        millis.push_back(elapsed * 1e3);
        share += f.share();
        coverage += f.matching ? double(f.overlapBasis) / double(f.matching) : 1.0;
        overlapTriples += double(f.overlapTriples);
    }
    const double n = double(std::max<size_t>(millis.size(), 1));
    state.counters["p50_ms"] = percentile(millis, 0.5);
    state.counters["p90_ms"] = percentile(millis, 0.9);
    state.counters["max_ms"] = percentile(millis, 1.0);
    state.counters["share"] = share / n;
    state.counters["coverage"] = coverage / n;
    state.counters["overlap_triples"] = overlapTriples / n;
}

// The worst case for the overlap: a draft with no rules matches every triple. Arg 1: the
// cap on the overlap's triples (0: none).
void BM_ForecastBroad(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    const ReachForecast forecaster(*data.traffic, data.index);
    ReachForecast::Options options;
    options.overlapTriples = state.range(1) > 0 ? qsizetype(state.range(1)) : std::numeric_limits<qsizetype>::max();
    double coverage = 0;
    for (auto _ : state) {
        const Forecast f = forecaster.forecast(CampaignWithRules{}, QDateTime::currentMSecsSinceEpoch(), options);
        coverage = double(f.overlapBasis) / double(std::max<qint64>(f.matching, 1));
    }
    state.counters["coverage"] = coverage;
}

void BM_TargetingAlone(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(data.index->targetingAlone());
}

// Every campaign's reach, index preparation (targetingAlone) included; arg 1: threads.
void BM_ReachReport(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    QThreadPool pool;
    pool.setMaxThreadCount(int(state.range(1)));
    ReachCounter::Options options;
    options.pool = &pool;
    qsizetype unreached = 0;
    for (auto _ : state) {
        const ReachReport report = ReachCounter::count(*data.traffic, *data.index, options);
        unreached = report.unreachedCount();
    }
    state.counters["campaigns"] = double(data.index->campaignCount());
    state.counters["unreached"] = double(unreached);
}

// The same count the plain way, for the ratio: one match() per triple, each matched id counted.
void BM_ReachByMatch(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    const auto targeting = data.index->targetingAlone();
    const auto &traffic = *data.traffic;
    std::vector<qint64> counts(size_t(data.campaigns.back().campaign.id) + 1, 0);
    MatchedIds ids;
    for (auto _ : state) {
        std::fill(counts.begin(), counts.end(), 0);
        for (const auto &triple : traffic.triples()) {
            const TargetingQuery query{{traffic.values(Dimension::Country)[triple.value(Dimension::Country)],
                                        traffic.values(Dimension::Os)[triple.value(Dimension::Os)],
                                        traffic.values(Dimension::App)[triple.value(Dimension::App)]}};
            targeting->match(query, ids);
            for (qint64 id : ids)
                counts[size_t(id)] += triple.requests; // generated ids are at most N
        }
        benchmark::DoNotOptimize(counts.data());
    }
}

// What excluding a country does to the requests `arg 1` campaigns serve (the bulk edit
// preview; 1: the editor's), of a store of `arg 0`: two index builds and two counts.
void BM_Impact(benchmark::State &state)
{
    const DataSet &data = dataSet(state.range(0));
    BulkEdit edit;
    edit.action = BulkEdit::Action::AddValue;
    edit.ruleType = RuleType::Exclude;
    edit.value = QStringLiteral("US");
    QList<CampaignWithRules> before = data.campaigns.first(std::min<qsizetype>(state.range(1), data.campaigns.size()));
    QList<CampaignWithRules> after;
    for (const CampaignWithRules &c : before)
        after.append(edit.applyTo(c).value_or(c));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 change = 0;
    for (auto _ : state)
        change = ReachImpact::between(*data.traffic, before, after, ReachImpact::Counting::ServingNow, now).change();
    state.counters["change"] = double(change);
}

BENCHMARK(BM_RecordedTraffic)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Forecast)
    ->ArgsProduct({{10'000, 100'000}, {100, 90}, {0, 10'000}})
    ->ArgNames({"campaigns", "coverage", "cap"})
    ->Unit(benchmark::kMillisecond)
    ->UseManualTime()
    ->Iterations(kSubjects);
BENCHMARK(BM_ForecastBroad)
    ->ArgsProduct({{10'000, 100'000}, {0, 10'000}})
    ->ArgNames({"campaigns", "cap"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_TargetingAlone)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReachReport)
    ->ArgsProduct({{10'000, 100'000}, {1, 2}})
    ->ArgNames({"campaigns", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_Impact)
    ->ArgsProduct({{100'000}, {1, 10'000, 100'000}})
    ->ArgNames({"campaigns", "edited"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_ReachByMatch)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// By hand: ADSERVE_BENCH_1M=1 build/bin/bench_forecast --benchmark_filter=1000000
const bool kMillion = [] {
    if (qEnvironmentVariableIntValue("ADSERVE_BENCH_1M") == 1) {
        benchmark::RegisterBenchmark("BM_ReachReport/1000000", [](benchmark::State &state) {
            const DataSet &data = dataSet(1'000'000);
            for (auto _ : state) {
                const auto start = std::chrono::steady_clock::now();
                const ReachReport report = ReachCounter::count(*data.traffic, *data.index, {});
                state.counters["unreached"] = double(report.unreachedCount());
                state.counters["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                // Of which the index with status and flights aside (MatchIndex::targetingAlone).
                const auto prepared = std::chrono::steady_clock::now();
                benchmark::DoNotOptimize(data.index->targetingAlone());
                state.counters["prepare_s"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - prepared).count();
            }
        })->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
    }
    return true;
}();

} // namespace

BENCHMARK_MAIN();
