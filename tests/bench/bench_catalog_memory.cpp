// What the studio holds beside the engine on a large store: the engine's index read as the
// server reads it, then the campaigns table's catalog of the same store. For each, the heap
// in use it added (bytes per campaign) and the RSS once freed memory is given back, which
// shows what the read left scattered in the heap.
//   build/bin/bench_catalog_memory --store FILE.db
#include "campaigns/CampaignCatalog.h"
#include "Engine.h"
#include "config/Config.h"
#include "ProcessMemory.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

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
    QCommandLineParser options;
    options.addOptions({{"store", "The SQLite store (read only).", "file"}});
    options.addHelpOption();
    options.process(app);
    if (!options.isSet("store") || !QFile::exists(options.value("store"))) {
        std::fprintf(stderr, "--store FILE (an existing SQLite store) is required\n");
        return 2;
    }
    QString error;
    const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), options.value("store")}}, &error);
    const auto engine = config ? Engine::open(*config, &error) : nullptr;
    if (!engine) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(error));
        return 1;
    }
    QElapsedTimer clock;
    clock.start();
    const qint64 openMb = report("store open", 0, 0, clock);
    if (const auto built = engine->rebuildIndex(); !built.ok()) {
        std::fprintf(stderr, "cannot read the store: %s\n", qPrintable(built.message));
        return 1;
    }
    const qint64 indexMb = report("the engine's index", engine->matcher().snapshot()->campaignCount(), openMb, clock);
    const auto catalog = CampaignCatalog::read(engine->store());
    if (!catalog.ok()) {
        std::fprintf(stderr, "cannot read the catalog: %s\n", qPrintable(catalog.message));
        return 1;
    }
    report("and the studio's catalog", catalog.value->size(), indexMb, clock);
    return 0;
}
