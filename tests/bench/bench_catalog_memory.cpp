// What the studio holds beside the engine on a large store: the engine's index read as the
// server reads it, then the campaigns table's catalog of the same store. For each, the heap
// in use it added (bytes per campaign) and the RSS once freed memory is given back, which
// shows what the read left scattered in the heap.
//   build/bin/bench_catalog_memory --store FILE.db
#include "campaigns/CampaignCatalog.h"
#include "Engine.h"
#include "BenchEngine.h"
#include "ProcessMemory.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace adserve;
using adserve::bench::heapInUseMb;
using adserve::bench::rssMb;

namespace {

// One step's line; returns the heap in use after it, in MB.
qint64 report(const char *step, qint64 campaigns, qint64 heapBeforeMb, const QElapsedTimer &clock)
{
    Engine::releaseFreedMemory(); // what a read left behind, as the studio gives it back
    const qint64 heapMb = heapInUseMb();
    const qint64 perCampaign = campaigns > 0 ? ((heapMb - heapBeforeMb) << 20) / campaigns : 0;
    std::printf("%-22s %9lld campaigns  %6lld ms  heap in use %5lld MB (+%lld bytes a campaign)  RSS %5lld MB\n",
                step, static_cast<long long>(campaigns), static_cast<long long>(clock.elapsed()),
                static_cast<long long>(heapMb), static_cast<long long>(perCampaign),
                static_cast<long long>(rssMb()));
    std::fflush(stdout);
    return heapMb;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Engine::tuneMemoryForInteractiveUse(); // as the studio does
    QElapsedTimer clock;
    qint64 openMb = 0;
    int exitCode = 0;
    const auto engine = adserve::bench::openStoreEngine(app, &exitCode, [&] {
        clock.start();
        openMb = report("store open", 0, 0, clock);
    });
    if (!engine)
        return exitCode;
    const qint64 indexMb = report("the engine's index", engine->matcher().snapshot()->campaignCount(), openMb, clock);
    // Beside the index, as the studio reads it: rules the index has are not copied.
    const auto catalog = CampaignCatalog::read(engine->store(), engine->matcher().snapshot());
    if (!catalog.ok()) {
        std::fprintf(stderr, "cannot read the catalog: %s\n", qPrintable(catalog.message));
        return 1;
    }
    report("and the studio's catalog", catalog.value->size(), indexMb, clock);
    std::printf("campaigns whose rules are the index's: %lld of %lld\n",
                static_cast<long long>(catalog.value->sharedTargetingCount()), static_cast<long long>(catalog.value->size()));
    return 0;
}
