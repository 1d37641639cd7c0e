#pragma once

#include "cache/CampaignCache.h"
#include "config/Config.h"
#include "delivery/DeliveryService.h"
#include "store/CampaignStore.h"
#include "targeting/MatchEngine.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>
#include <mutex>

namespace adserve {

struct BackendHealth
{
    QString name;     // "store" / "cache"
    QString kind;     // "sqlite", "postgresql", "memory", "redis", ...
    QString target;   // where it points, without passwords
    bool up = false;
    QString error;
};

// The delivery engine, wired: the store (truth), the cache-aside layer, the match index and
// the delivery service. It keeps them consistent: when campaigns change (through the store,
// or heard from other instances), their cache keys are dropped and the index is rebuilt
// and swapped before the change is reported done.
class Engine : public QObject
{
    Q_OBJECT
public:
    // Opens the store and the cache backend and compiles the index. Call from the thread
    // that runs the event loop (database notifications arrive there).
    static std::unique_ptr<Engine> create(const Config &config, QString *error);
    ~Engine() override;

    const Config &config() const { return config_; }
    CampaignStore &store() { return *store_; }
    CampaignCache &cache() { return *cache_; }
    MatchEngine &matcher() { return matcher_; }
    DeliveryService &delivery() { return *delivery_; }

    QList<Decision> explain(const TargetingQuery &query, std::optional<qint64> campaignId = std::nullopt) const;
    // Re-reads all targeting from the store and swaps in a new index.
    StoreResult<bool> rebuildIndex();
    // Re-reads just these campaigns' targeting and swaps in the index with them replaced.
    StoreResult<bool> updateIndex(const QList<qint64> &campaignIds);
    // Drops the campaigns' cache keys and updates the index. Empty list: all campaigns.
    void applyChanges(const QList<qint64> &campaignIds);

    BackendHealth storeHealth() const;
    BackendHealth cacheHealth() const;

Q_SIGNALS:
    void indexRebuilt(qint64 campaigns, qint64 rules, qint64 micros);
    void changesApplied(const QList<qint64> &campaignIds);

private:
    Engine(const Config &config, std::unique_ptr<CampaignStore> store, std::unique_ptr<CampaignCache> cache);
    // Re-reads all targeting and swaps in a new index; with `dropCachedCampaigns`, first drops
    // the cache keys of every campaign the old index or the store knows.
    StoreResult<bool> reloadAll(bool dropCachedCampaigns);
    void install(std::shared_ptr<const MatchIndex> index, const QElapsedTimer &timer);

    Config config_;
    std::unique_ptr<CampaignStore> store_;
    std::unique_ptr<CampaignCache> cache_;
    MatchEngine matcher_;
    std::unique_ptr<DeliveryService> delivery_;
    std::mutex rebuildMutex_;
};

} // namespace adserve
