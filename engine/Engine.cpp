#include "Engine.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cache/CachePlugins.h"
#include "cache/CampaignCodec.h"
#include "traffic/TrafficRecorder.h"

#include <QElapsedTimer>
#include <QLoggingCategory>

#include <atomic>

namespace adserve {

namespace {

Q_LOGGING_CATEGORY(lcEngine, "adserve.engine")

// Blocks up to 32 MB come from malloc's heaps rather than mmap() of their own, and a heap
// keeps up to 64 MB free at its top rather than giving it back at each free: an answer of a
// large store (megabytes) then reuses memory instead of page-faulting its body afresh each
// time. glibc would move both thresholds by the largest blocks freed so far, so how fast
// such answers came depended on what the start-up read happened to free: 41,000-campaign
// answers ran ~15% apart between two builds that only read the store differently. The heap
// is still trimmed after every full read (Engine::releaseFreedMemory), but that gives back
// only the main heap's top: a thread's heap keeps what it freed at its top up to the
// threshold (Engine::tuneMemoryForInteractiveUse).
std::atomic<int> freedMemoryKept{64 << 20};

// Whether a write naming `named` campaigns is a large part of a store of `campaigns`: more
// than 1/`part` of it, and more than 1,000 (fewer are read by id whatever the store's size).
bool isLargePart(qsizetype named, qint64 campaigns, int part)
{
    constexpr qsizetype kFewCampaigns = 1000;
    return named > kFewCampaigns && named > campaigns / part;
}

void keepLargeBlocksOnTheHeap()
{
#if defined(__GLIBC__)
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, freedMemoryKept.load());
    });
#endif
}

} // namespace

std::unique_ptr<Engine> Engine::create(const Config &config, QString *error, const QString &instanceKind)
{
    auto engine = open(config, error, instanceKind);
    if (!engine)
        return nullptr;
    const auto built = engine->rebuildIndex();
    if (!built.ok()) {
        *error = QStringLiteral("store %1: %2").arg(config.database.describe(), built.message);
        return nullptr;
    }
    engine->startFollowing();
    return engine;
}

std::unique_ptr<Engine> Engine::open(const Config &config, QString *error, const QString &instanceKind)
{
    QString why;
    auto store = CampaignStore::open(config.database, &why);
    if (!store) {
        *error = QStringLiteral("store %1: %2").arg(config.database.describe(), why);
        return nullptr;
    }
    auto backend = CachePlugins::create(config.cache, &why);
    if (!backend) {
        *error = QStringLiteral("cache: %1").arg(why);
        return nullptr;
    }
    auto cache = std::make_unique<CampaignCache>(std::move(backend), config.cacheTtl, config.nearCacheTtl);
    std::unique_ptr<Engine> engine(new Engine(config, std::move(store), std::move(cache)));
    ChangeApplier &applier = *engine;
    engine->follower_ = std::make_unique<ChangeFollower>(engine->store_->sessions(), applier, config.changes,
                                                         InstanceRegistry::describeThisProcess(instanceKind));
    // The log's head first: whatever changes after it is applied after the index is built.
    if (!engine->follower_->takeHead(&why)) {
        *error = QStringLiteral("store %1: %2").arg(config.database.describe(), why);
        return nullptr;
    }
    return engine;
}

void Engine::startFollowing()
{
    follower_->start();
}

Engine::Engine(const Config &config, std::unique_ptr<CampaignStore> store, std::unique_ptr<CampaignCache> cache)
    : config_(config)
    , store_(std::move(store))
    , cache_(std::move(cache))
    , delivery_(std::make_unique<DeliveryService>(matcher_, *cache_, *store_, config.batchSize, config.answerCacheBytes))
{
    keepLargeBlocksOnTheHeap();
    if (config.traffic.recording) {
        traffic_ = std::make_unique<TrafficRecorder>(store_->sessions(), config.traffic);
        traffic_->start();
    }
    // Direct: the writer's thread applies the change before its write call returns, so the
    // next request sees it.
    connect(store_.get(), &CampaignStore::campaignsChanged, this, &Engine::applyOwnWrite, Qt::DirectConnection);
}

Engine::~Engine()
{
    if (traffic_)
        traffic_->stop(); // its last flush needs the store
    if (follower_)
        follower_->stop();
    cache_->waitForRefills();
}

QList<Decision> Engine::explain(const TargetingQuery &query, std::optional<qint64> campaignId,
                                const AnswerScope &scope) const
{
    return matcher_.snapshot()->explain(query, campaignId, scope);
}

void Engine::tuneMemoryForInteractiveUse()
{
    constexpr int kFreedMemoryKept = 4 << 20;
    freedMemoryKept = kFreedMemoryKept;
    keepLargeBlocksOnTheHeap();
#if defined(__GLIBC__)
    mallopt(M_TRIM_THRESHOLD, kFreedMemoryKept); // when an engine set it already
    mallopt(M_MXFAST, 0);
#endif
}

void Engine::releaseFreedMemory()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

StoreResult<bool> Engine::rebuildIndex()
{
    return reloadAll(false);
}

StoreResult<bool> Engine::reloadAll(bool dropCached, ChangeApplier::Outcome *cacheOutcome)
{
    std::lock_guard lock(rebuildMutex_);
    QElapsedTimer timer;
    timer.start();
    QList<qint64> storeIds; // with dropCached: every campaign the store has now
    const auto read = IndexRead(*store_, loading_, cancelled_).run(dropCached ? &storeIds : nullptr);
    if (cancelled_)
        return StoreResult<bool>::failure(StoreError::Unavailable, QStringLiteral("the read was cancelled"));
    if (dropCached) {
        // Every campaign the old index knew (a change may have deleted it) or the store now
        // has (it may have changed, or come back): dropped before the new index answers.
        QList<qint64> ids = matcher_.snapshot()->campaignIds() + storeIds;
        const auto dropped = cache_->invalidate(ids);
        if (!dropped.ok() && cacheOutcome) {
            cacheOutcome->cacheNotDropped = ids;
            cacheOutcome->cacheError = dropped.error;
        }
    }
    if (!read.ok())
        return StoreResult<bool>::failureFrom(read);
    install(read.value, timer);
    loaded_ = true;
    releaseFreedMemory();
    return StoreResult<bool>::success(true);
}

StoreResult<bool> Engine::updateIndex(const QList<qint64> &campaignIds)
{
    if (isLargePart(campaignIds.size(), matcher_.snapshot()->campaignCount(), 8)) {
        // So many that the index is built afresh from one read of the store rather than
        // around them: recompiled around the rest, their small blocks land among the read's
        // and stay spread over the pages the old ones leave (at 1M campaigns a bulk edit of
        // 135,000 and its undo left ~115 MB more held for good).
        // Other writers' changes committed meanwhile come in with this read, a poll or a
        // NOTIFY before the follower drops their cache keys: their details may be that much
        // older than their targeting, as a cache may be (stale by at most its TTL).
        return reloadAll(false);
    }
    std::lock_guard lock(rebuildMutex_);
    QElapsedTimer timer;
    timer.start();
    // Read under the lock, after the change committed: whichever of two changes to one
    // campaign is applied last, it read the campaign as it is now.
    const auto current = store_->targeting(campaignIds);
    if (!current.ok())
        return StoreResult<bool>::failureFrom(current);
    install(matcher_.snapshot()->withChanges(campaignIds, current.value), timer);
    return StoreResult<bool>::success(true);
}

void Engine::install(std::shared_ptr<const MatchIndex> index, const QElapsedTimer &timer)
{
    const qint64 campaigns = index->campaignCount();
    const qint64 rules = index->ruleCount();
    matcher_.swap(std::move(index));
    Q_EMIT indexRebuilt(campaigns, rules, timer.nsecsElapsed() / 1000);
}

void Engine::applyOwnWrite(const StoreChange &change)
{
    if (!loaded_) {
        // The index is still being read, perhaps from before this write: rather than wait for
        // the read here (the writer may be the studio's window), the follower applies it from
        // the log once the index is in.
        follower_->leaveToLog(change.txns);
        return;
    }
    // None named, or a large part of the store (one streaming read of everything beats
    // reading that many by id): everything is read again, and the follower goes on from the
    // log's head. Otherwise the campaigns written are applied as any change is (their cache
    // keys dropped, updateIndex), and the follower steps over their rows in the log.
    const qsizetype named = change.campaignIds.size();
    const bool readEverything = named == 0 || isLargePart(named, matcher_.snapshot()->campaignCount(), 4);
    const Outcome outcome = readEverything ? follower_->resync() : follower_->applyOwn(change.campaignIds, change.txns);
    if (!outcome.complete()) // the follower applies it, and retries until it can
        qCWarning(lcEngine) << "own write not applied at once, left to the change log:"
                            << (outcome.ok() ? outcome.cacheError : outcome.error);
}

ChangeApplier::Outcome Engine::applyCampaigns(const QList<qint64> &campaignIds)
{
    Outcome outcome = dropCached(campaignIds);
    const auto updated = updateIndex(campaignIds);
    if (!updated.ok()) {
        outcome.error = updated.message;
        return outcome;
    }
    ++changesAppliedCount_;
    Q_EMIT changesApplied(campaignIds);
    return outcome;
}

ChangeApplier::Outcome Engine::reloadEverything()
{
    Outcome outcome;
    const auto reloaded = reloadAll(true, &outcome);
    if (!reloaded.ok()) {
        outcome.error = reloaded.message;
        return outcome;
    }
    ++changesAppliedCount_;
    Q_EMIT changesApplied({});
    return outcome;
}

ChangeApplier::Outcome Engine::dropCached(const QList<qint64> &campaignIds)
{
    Outcome outcome;
    const auto dropped = cache_->invalidate(campaignIds);
    if (!dropped.ok()) {
        outcome.cacheNotDropped = campaignIds;
        outcome.cacheError = dropped.error;
    }
    return outcome;
}

BackendHealth Engine::storeHealth() const
{
    BackendHealth health{QStringLiteral("store"),
                         config_.database.isPostgres() ? QStringLiteral("postgresql") : QStringLiteral("sqlite"),
                         store_->describe(), false, {}};
    const auto ping = store_->ping();
    health.up = ping.ok();
    health.error = ping.message;
    return health;
}

BackendHealth Engine::cacheHealth() const
{
    CacheBackend &backend = cache_->backend();
    BackendHealth health{QStringLiteral("cache"), backend.kind(), backend.describe(), false, {}};
    const auto ping = backend.ping();
    health.up = ping.ok();
    health.error = ping.error;
    return health;
}

} // namespace adserve
