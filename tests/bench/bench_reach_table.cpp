// The Reach panel's table of every campaign by reach (ReachTableModel) on a report of 100k and
// 1M campaigns: what the window waits for when a report arrives (the rows ordered by reach),
// when "only campaigns no request matches" is toggled, and to draw a screenful of rows. The
// report itself is built once per size, outside the timing.
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

void BM_SetReport(benchmark::State &state)
{
    const auto &r = reportOf(state.range(0));
    ReachTableModel model;
    for (auto _ : state) {
        model.setReport(r);
        benchmark::DoNotOptimize(model.rowCount());
    }
}
BENCHMARK(BM_SetReport)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

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
BENCHMARK(BM_ToggleUnreachedOnly)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

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
