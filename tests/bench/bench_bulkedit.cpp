// Google Benchmark for bulk edits through the store (BulkEditor), as the studio makes them:
// deactivating N campaigns of a generated SQLite store of 100,000 in one transaction, and the
// undo of it. A bulk edit's cost grows mostly with the campaigns it edits; give a copy of a
// large store to see what its size adds.
// The store is generated once per run into a temporary directory (about 20 s), or is a copy
// of one given with --store (it is written to: the edits are undone, the change log grows).
//
//   build/bin/bench_bulkedit [--store FILE.db] [--benchmark_filter=...]
#include "changes/BulkEdit.h"
#include "store/CampaignGenerator.h"
#include "store/CampaignStore.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <memory>

using namespace adserve;

namespace {

constexpr qint64 kStoreSize = 100'000;
QString givenStore; // --store

CampaignStore &store()
{
    static QTemporaryDir dir;
    static std::unique_ptr<CampaignStore> opened = [] {
        QString error;
        const QString path = givenStore.isEmpty() ? dir.filePath(QStringLiteral("bulk.db")) : givenStore;
        auto s = CampaignStore::open(DatabaseTarget::sqlite(path), &error);
        if (!s || (givenStore.isEmpty() && !CampaignGenerator::generate(*s, kStoreSize, 42).ok()))
            qFatal("cannot make the store: %s", qPrintable(error));
        return s;
    }();
    return *opened;
}

// Deactivates the first `arg` active campaigns, then undoes it (each timed on its own).
void BM_BulkDeactivate(benchmark::State &state)
{
    CampaignStore &s = store();
    QList<qint64> ids;
    for (const Campaign &c : s.campaigns().value) {
        if (ids.size() < state.range(0) && c.status == kStatusActive)
            ids.append(c.id);
    }
    BulkEdit deactivate;
    deactivate.action = BulkEdit::Action::Deactivate;
    BulkEditor editor(s);
    double undoSeconds = 0;
    for (auto _ : state) {
        const auto applied = editor.apply(deactivate, ids);
        if (!applied.ok())
            state.SkipWithError(qPrintable(applied.message));
        state.PauseTiming();
        QElapsedTimer undo;
        undo.start();
        if (!editor.undo(applied.value).ok())
            state.SkipWithError("undo failed");
        undoSeconds += double(undo.nsecsElapsed()) / 1e9;
        state.ResumeTiming();
    }
    state.counters["campaigns"] = double(ids.size());
    state.counters["apply_us_per_campaign"] =
        benchmark::Counter(double(ids.size()), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["undo_s"] = undoSeconds / double(state.iterations());
}

// 135,000: as many as serve FR in the 1M store (run with --store and a filter).
BENCHMARK(BM_BulkDeactivate)->Arg(1'000)->Arg(10'000)->Arg(135'000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // the store's SQL driver needs one
    for (int i = 1; i + 1 < argc; ++i) {
        if (qstrcmp(argv[i], "--store") == 0) {
            givenStore = QString::fromLocal8Bit(argv[i + 1]);
            std::copy(argv + i + 2, argv + argc, argv + i); // the rest is Google Benchmark's
            argc -= 2;
            break;
        }
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
