// Memory of the server's engine on a large store with every live campaign's detail in the
// in-memory cache (the embedded default), then also decoded in the near cache: the RSS after
// each step, and the near cache's own count of its bytes.
//   build/bin/bench_cache_memory --store FILE.db
#include "Engine.h"
#include "cache/CampaignCache.h"
#include "store/CampaignStore.h"
#include "BenchEngine.h"
#include "ProcessMemory.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace adserve;
using adserve::bench::rssMb;

namespace {

constexpr qsizetype kBatch = 10'000;

void report(const char *step, qint64 campaigns, const QElapsedTimer &clock)
{
    Engine::releaseFreedMemory(); // what a read left behind, as the server gives it back
    std::printf("%-50s %9lld campaigns  %7lld ms  RSS %6lld MB\n", step, static_cast<long long>(campaigns),
                static_cast<long long>(clock.elapsed()), static_cast<long long>(rssMb()));
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QElapsedTimer clock;
    int exitCode = 0;
    const auto engine = adserve::bench::openStoreEngine(app, &exitCode, [&] { clock.start(); });
    if (!engine)
        return exitCode;
    report("index built", engine->matcher().snapshot()->campaignCount(), clock);

    // Every live campaign's detail into the cache, as delivery's refills write them.
    CampaignCache &cache = engine->cache();
    QList<Campaign> batch;
    QList<qint64> ids;
    QString cacheError;
    const auto flush = [&] {
        if (const auto stored = cache.store(batch); !stored.ok())
            cacheError = stored.error;
        batch.clear();
    };
    const auto read = engine->store().forEachTargeting(
        [&](qint64) {
            batch.clear();
            ids.clear();
        },
        [&](CampaignWithRules &&campaign) {
            ids.append(campaign.campaign.id);
            batch.append(std::move(campaign.campaign));
            if (batch.size() == kBatch)
                flush();
            return cacheError.isEmpty();
        },
        CampaignStore::Fields::All);
    flush();
    if (!read.ok() || !cacheError.isEmpty()) {
        std::fprintf(stderr, "cannot fill the cache: %s\n", qPrintable(read.ok() ? cacheError : read.message));
        return 1;
    }
    const auto keys = cache.backend().keyCount();
    report("every detail in the in-memory cache", keys.ok() ? keys.value : -1, clock);

    // And each one read back once, as delivery reads them: decoded into the near cache.
    qint64 deliverable = 0; // an entry that is not (inactive) is decoded, and left to the store
    for (qsizetype first = 0; first < ids.size(); first += kBatch) {
        const auto section = cache.readSection();
        const auto lookup = cache.lookup(std::span<const qint64>(ids.constData() + first,
                                                                  size_t(std::min(kBatch, ids.size() - first))));
        deliverable += qint64(lookup.entries.size() - lookup.missing.size());
    }
    report("... and decoded in the near cache (deliverable)", deliverable, clock);
    std::printf("near cache: %lld entries, %lld MB (%lld bytes each, counting the raw values it shares with the "
                "in-memory cache)\n", static_cast<long long>(cache.memoisedEntries()),
                static_cast<long long>(cache.memoisedBytes() >> 20),
                static_cast<long long>(cache.memoisedEntries() ? cache.memoisedBytes() / cache.memoisedEntries() : 0));
    return 0;
}
