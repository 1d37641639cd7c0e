// The campaigns table's filter over a whole store, off the GUI thread as the studio runs it
// (two halves at once from 20,000 campaigns): a text in every campaign's code, name, status,
// CTA and image URL, a country it serves in, both. The catalog is read once, outside the timing.
//   build/bin/bench_catalog_filter --store FILE.db [--benchmark_repetitions=5 ...]
#include "campaigns/CampaignCatalog.h"
#include "campaigns/CampaignView.h"
#include "Engine.h"
#include "BenchEngine.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QDateTime>

using namespace adserve;

namespace {

void filterWholeStore(benchmark::State &state, const std::shared_ptr<const CampaignCatalog> &catalog,
                      const std::shared_ptr<const MatchIndex> &index, const CampaignFilter &filter)
{
    const CampaignArrangement arrangement{catalog, filter, {}, index, QDateTime::currentMSecsSinceEpoch(), {}, {}};
    const std::atomic<bool> cancelled{false};
    size_t shown = 0;
    for (auto _ : state) {
        const CampaignRows rows = arrangement.arrange(cancelled);
        shown = rows.shown.size();
        benchmark::DoNotOptimize(rows.shown.data());
    }
    state.counters["shown"] = double(shown);
    state.counters["per campaign"] =
        benchmark::Counter(double(catalog->size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

CampaignFilter textFilter(const QString &text)
{
    CampaignFilter filter;
    filter.text = text;
    return filter;
}

CampaignFilter servesIn(const QString &country, const QString &text = {})
{
    CampaignFilter filter = textFilter(text);
    filter.qualifiesFor[size_t(Dimension::Country)] = country;
    return filter;
}

} // namespace

int main(int argc, char **argv)
{
    benchmark::Initialize(&argc, argv); // takes its own flags out; --store is left for the engine
    QCoreApplication app(argc, argv);
    int exitCode = 0;
    const auto engine = adserve::bench::openStoreEngine(app, &exitCode);
    if (!engine)
        return exitCode;
    const auto index = engine->matcher().snapshot();
    const auto catalog = CampaignCatalog::read(engine->store(), index);
    if (!catalog.ok()) {
        std::fprintf(stderr, "cannot read the catalog: %s\n", qPrintable(catalog.message));
        return 1;
    }
    const std::pair<const char *, CampaignFilter> filters[] = {
        {"text:gen-42-499", textFilter(QStringLiteral("gen-42-499"))},
        {"text:vpn", textFilter(QStringLiteral("vpn"))},
        {"text:Ünïcode", textFilter(QStringLiteral("Ünïcode"))},
        {"country:FR", servesIn(QStringLiteral("FR"))},
        {"country+text:FR+vpn", servesIn(QStringLiteral("FR"), QStringLiteral("vpn"))},
    };
    for (const auto &[name, filter] : filters) {
        benchmark::RegisterBenchmark(name, filterWholeStore, catalog.value, index, filter)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
