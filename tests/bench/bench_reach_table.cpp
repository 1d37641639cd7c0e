// The Reach panel's table of every campaign by reach (ReachTableModel) on a report of 100k and
// 1M campaigns: ordering the rows by reach (done on the counting thread), what the window
// waits for when the report arrives, when "only campaigns no request matches" is toggled, and
// to draw a screenful of rows. The report itself is built once per size, outside the timing.
#include "reach/ReachTableModel.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>

#include <random>

using namespace adserve;

namespace {

// `campaigns` campaigns, a fifth of them matching nothing, the rest long-tailed.
std::shared_ptr<const ReachReport> report(qint64 campaigns)
{
    auto r = std::make_shared<ReachReport>();
    r->recorded = 50'000'000;
    std::mt19937_64 random(16);
    std::geometric_distribution<qint64> reach(1e-5);
    r->campaigns.reserve(size_t(campaigns));
    for (qint64 id = 1; id <= campaigns; ++id)
        r->campaigns.push_back({id, QStringLiteral("c%1").arg(id), true, random() % 5 == 0 ? 0 : reach(random)});
    return r;
}

const std::shared_ptr<const ReachReport> &reportOf(qint64 campaigns)
{
    static std::map<qint64, std::shared_ptr<const ReachReport>> made;
    auto &r = made[campaigns];
    if (!r)
        r = report(campaigns);
    return r;
}

// On the counting thread: the campaigns ordered by reach.
void BM_OrderByReach(benchmark::State &state)
{
    const auto &r = reportOf(state.range(0));
    for (auto _ : state)
        benchmark::DoNotOptimize(ReachTableModel::orderByReach(*r));
}
BENCHMARK(BM_OrderByReach)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// On the GUI thread: the ordered report handed to the table (the copy of the order is the
// benchmark's own: the panel moves it in).
void BM_SetOrderedReport(benchmark::State &state)
{
    const auto &r = reportOf(state.range(0));
    const std::vector<int> order = ReachTableModel::orderByReach(*r);
    ReachTableModel model;
    for (auto _ : state) {
        state.PauseTiming();
        std::vector<int> copy = order;
        state.ResumeTiming();
        model.setReport(r, std::move(copy));
        benchmark::DoNotOptimize(model.rowCount());
    }
}
BENCHMARK(BM_SetOrderedReport)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

void BM_ToggleUnreachedOnly(benchmark::State &state)
{
    ReachTableModel model;
    model.setReport(reportOf(state.range(0)));
    bool only = false;
    for (auto _ : state) {
        only = !only;
        model.setUnreachedOnly(only);
        benchmark::DoNotOptimize(model.rowCount());
    }
}
BENCHMARK(BM_ToggleUnreachedOnly)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

// A screenful: 40 rows of every column, as a view asks for them.
void BM_DrawScreenful(benchmark::State &state)
{
    ReachTableModel model;
    model.setReport(reportOf(state.range(0)));
    const int middle = model.rowCount() / 2;
    for (auto _ : state) {
        for (int row = middle; row < middle + 40; ++row) {
            for (int column = 0; column < ReachTableModel::ColumnCount; ++column)
                benchmark::DoNotOptimize(model.data(model.index(row, column)));
        }
    }
}
BENCHMARK(BM_DrawScreenful)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMicrosecond);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
