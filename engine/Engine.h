#pragma once

#include "cache/CampaignCache.h"
#include "changes/ChangeFollower.h"
#include "config/Config.h"
#include "IndexRead.h"
#include "delivery/DeliveryService.h"
#include "store/CampaignStore.h"
#include "targeting/MatchEngine.h"
#include "targeting/ServingClock.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>
#include <mutex>

namespace adserve {

class TrafficRecorder;

struct BackendHealth
{
    QString name;     // "store" / "cache"
    QString kind;     // "sqlite", "postgresql", "memory", "redis", ...
    QString target;   // where it points, without passwords
    bool up = false;
    QString error;
};

// The delivery engine, wired: the store (truth), the cache-aside layer, the match index,
// the delivery service and the change follower. It keeps them consistent: when campaigns
// change, their cache keys are dropped and the index is updated and swapped before the
// change counts as applied. Its own writes apply at once, on the writing thread, so the next
// request sees them; every other change (another instance, psql) arrives through the change
// log (ChangeFollower), which also catches up on any of its own that failed to apply.
class Engine : public QObject, private ChangeApplier
{
    Q_OBJECT
public:
    // Opens the store and the cache backend, compiles the index and starts following the
    // change log. `instanceKind` is how this instance registers ("server" or "studio").
    static std::unique_ptr<Engine> create(const Config &config, QString *error,
                                          const QString &instanceKind = QStringLiteral("server"));
    // The first half of create(): the store and the cache are open and the change log's head
    // is taken, but no index is built yet (loaded() is false). Then rebuildIndex(), from any
    // thread, and startFollowing() on the engine's thread: a server can answer /healthz and
    // /readyz ("loading") while a large store loads.
    static std::unique_ptr<Engine> open(const Config &config, QString *error,
                                        const QString &instanceKind = QStringLiteral("server"));
    void startFollowing();
    // Whether an index of the store was built: until then nothing can be delivered.
    bool loaded() const { return loaded_.load(); }
    // Stops following the change log (this instance leaves the registry), then the rest.
    ~Engine() override;

    const Config &config() const { return config_; }
    CampaignStore &store() { return *store_; }
    CampaignCache &cache() { return *cache_; }
    MatchEngine &matcher() { return matcher_; }
    DeliveryService &delivery() { return *delivery_; }
    ChangeFollower &changes() { return *follower_; }
    // Counts delivery requests into the store's traffic table; null with TRAFFIC_RECORDING=false.
    // One per engine: it flushes into the engine's store, and stops (a last flush) before it.
    TrafficRecorder *traffic() { return traffic_.get(); }

    QList<Decision> explain(const TargetingQuery &query, std::optional<qint64> campaignId = std::nullopt,
                            const AnswerScope &scope = {}) const;
    // Re-reads all targeting from the store and swaps in a new index.
    StoreResult<bool> rebuildIndex();
    // Stops a full read of the store under way, and any later one, from any thread: the
    // engine is going away (a shutdown, another connection) and its index is not needed.
    // The read then fails as cancelled, at once.
    void cancelLoading() { cancelled_ = true; }
    // Re-reads these campaigns' targeting and swaps in the index with them replaced (more
    // than an eighth of the store: an index read afresh).
    StoreResult<bool> updateIndex(const QList<qint64> &campaignIds);

    BackendHealth storeHealth() const;
    BackendHealth cacheHealth() const;

    // How far the last full read of the store's targeting got: campaigns read of how many.
    struct LoadProgress
    {
        qint64 read = 0;
        qint64 total = 0;
    };
    LoadProgress loadProgress() const { return {loading_.read.load(), loading_.total.load()}; }

    // Gives memory left free back to the system: after a full read (its peak is far above
    // what the index keeps) or when a large copy of the store is dropped.
    static void releaseFreedMemory();
    // For a window, not a server that builds answers of megabytes:
    // - each of malloc's heaps keeps 4 MB free at its top, not 64 MB (a thread that read a
    //   large store would keep up to that much it freed);
    // - a small block freed is merged with its free neighbours at once (no fast bins). Else
    //   the next free of a large block merges every small block freed before it in that heap,
    //   with the heap locked: a window that dropped a bulk edit's list of ids did that for the
    //   edit's hundreds of thousands of blocks, or waited for the heap meanwhile (50–90 ms).
    static void tuneMemoryForInteractiveUse();

    // How many times changesApplied() has been emitted. Each is counted after its changes were
    // committed and applied: a reader that took this count before reading the store has read
    // whatever those emissions announce, and only a higher count can bring it news.
    quint64 changesAppliedCount() const { return changesAppliedCount_.load(); }

Q_SIGNALS:
    void indexRebuilt(qint64 campaigns, qint64 rules, qint64 micros);
    // Changes are live on this instance: these campaigns (empty: every campaign was read
    // again). Emitted from the thread that applied them.
    void changesApplied(const QList<qint64> &campaignIds);

private:
    Engine(const Config &config, std::unique_ptr<CampaignStore> store, std::unique_ptr<CampaignCache> cache);
    // Re-reads all targeting and swaps in a new index; with `dropCached`, first drops the
    // cache keys of every campaign the old index or the store knows (into `notDropped` when
    // the cache cannot).
    StoreResult<bool> reloadAll(bool dropCached, ChangeApplier::Outcome *cacheOutcome = nullptr);
    void install(std::shared_ptr<const MatchIndex> index, const QElapsedTimer &timer);
    void applyOwnWrite(const StoreChange &change);

    // ChangeApplier
    Outcome applyCampaigns(const QList<qint64> &campaignIds) override;
    Outcome reloadEverything() override;
    Outcome dropCached(const QList<qint64> &campaignIds) override;

    Config config_;
    std::unique_ptr<CampaignStore> store_;
    std::unique_ptr<CampaignCache> cache_;
    MatchEngine matcher_;
    ServingClock servingClock_{matcher_}; // on a thread of its own
    std::unique_ptr<DeliveryService> delivery_;
    std::mutex rebuildMutex_;
    std::atomic<bool> loaded_{false};
    std::atomic<bool> cancelled_{false};
    std::atomic<quint64> changesAppliedCount_{0};
    IndexRead::Progress loading_;
    std::unique_ptr<TrafficRecorder> traffic_;
    std::unique_ptr<ChangeFollower> follower_; // last: stopped first
};

} // namespace adserve
