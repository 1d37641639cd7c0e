#include "DeliveryService.h"

#include "store/CampaignStore.h"

#include <QElapsedTimer>
#include <QHash>
#include <QtConcurrent>

#include <cstring>
#include <limits>

namespace adserve {

namespace {
qint64 microsSince(const QElapsedTimer &timer) { return timer.nsecsElapsed() / 1000; }
// The longest a whole answer made of watched details is reused.
constexpr std::chrono::milliseconds kWatchedAnswerLifetime{30'000};
} // namespace

QByteArray DeliveryResult::jsonArray() const
{
    qsizetype size = 2;
    for (const QByteArray &f : fragments)
        size += f.size() + 1;
    QByteArray out;
    out.reserve(size);
    out += '[';
    for (size_t i = 0; i < fragments.size(); ++i) {
        if (i)
            out += ',';
        out += fragments[i];
    }
    out += ']';
    return out;
}

DeliveryService::DeliveryService(MatchEngine &matcher, CampaignCache &cache, CampaignStore &store, int batchSize,
                                 qint64 answerCacheBytes)
    : matcher_(matcher)
    , cache_(cache)
    , fetcher_([&store](const QList<qint64> &ids) { return store.campaignsByIds(ids); })
    , batchSize_(std::max(batchSize, 1))
    , answers_(cache.nearTtl().count() > 0 ? answerCacheBytes : 0) // no reuse where every detail is read again
    , cacheIsRemote_(!cache.backend().inProcess())
{
    pool_.setMaxThreadCount(std::max(QThread::idealThreadCount(), 2));
}

void DeliveryService::setBatchSize(int size)
{
    batchSize_ = std::max(size, 1);
}

DeliveryService::BatchResult DeliveryService::runBatch(std::span<const qint64> ids, qsizetype keysPerCommand)
{
    batchesRun_ += keysPerCommand > 0 ? (qsizetype(ids.size()) + keysPerCommand - 1) / keysPerCommand : 1;
    BatchResult result;
    result.sources.assign(ids.size(), DetailSource::Cache);

    QElapsedTimer timer;
    timer.start();
    CampaignCache::Lookup lookup = cache_.lookup(ids, keysPerCommand);
    result.cacheMicros = microsSince(timer);
    result.entries = std::move(lookup.entries);
    result.cacheError = lookup.error;
    if (lookup.missing.empty())
        return result;

    timer.restart();
    std::vector<qint64> missingIds;
    missingIds.reserve(lookup.missing.size());
    for (size_t pos : lookup.missing)
        missingIds.push_back(ids[pos]);
    const quint64 epoch = cache_.epoch();
    const SingleFlightFetcher::Result fetched = fetcher_.fetch(missingIds);
    result.storeMicros = microsSince(timer);
    if (!fetched.ok()) {
        result.storeError = fetched.error;
        return result;
    }
    QList<Campaign> refill;
    for (size_t i = 0; i < lookup.missing.size(); ++i) {
        const size_t pos = lookup.missing[i];
        result.sources[pos] = DetailSource::Store;
        const std::optional<Campaign> &campaign = fetched.campaigns[i];
        // Gone from the store or deactivated since the index was built: neither delivered
        // nor cached.
        if (!campaign || !campaign->isDeliverable())
            continue;
        refill.append(*campaign);
        result.entries[pos] = cache_.fragmentFor(*campaign);
    }
    // After a partial failure too: the writes to the part that failed may fail again,
    // off the request path, and count as errors there.
    if (!lookup.failed)
        cache_.refillAsync(std::move(refill), epoch);
    return result;
}

DeliveryService::Fetched DeliveryService::fetch(std::span<const qint64> ids, bool together)
{
    const size_t batchSize = size_t(batchSize_.load());
    const size_t batchCount = (ids.size() + batchSize - 1) / batchSize;
    std::vector<BatchResult> batches;
    if (together) {
        batches.push_back(runBatch(ids, qsizetype(batchSize)));
    } else {
        batches.resize(batchCount);
        auto runAt = [&](size_t b) {
            const size_t begin = b * batchSize;
            batches[b] = runBatch(ids.subspan(begin, std::min(batchSize, ids.size() - begin)));
        };
        QList<QFuture<void>> others;
        for (size_t b = 1; b < batchCount; ++b)
            others.append(QtConcurrent::run(&pool_, runAt, b));
        runAt(0);
        for (QFuture<void> &f : others)
            f.waitForFinished();
    }

    Fetched fetched;
    fetched.entries.reserve(ids.size());
    fetched.sources.reserve(ids.size());
    fetched.outcome.batches = int(batchCount);
    for (const BatchResult &batch : batches) {
        fetched.outcome.timing.cacheMicros += batch.cacheMicros;
        fetched.outcome.timing.storeMicros += batch.storeMicros;
        if (fetched.outcome.cacheError.isEmpty())
            fetched.outcome.cacheError = batch.cacheError;
        if (fetched.outcome.storeError.isEmpty())
            fetched.outcome.storeError = batch.storeError;
        fetched.entries.insert(fetched.entries.end(), batch.entries.begin(), batch.entries.end());
        fetched.sources.insert(fetched.sources.end(), batch.sources.begin(), batch.sources.end());
    }
    return fetched;
}

void DeliveryService::lookNear(const TargetingQuery &query, const AnswerScope &scope,
                               std::chrono::milliseconds nearMaxAge, Lookups &lookups, DeliveryOutcome &outcome)
{
    QElapsedTimer timer;
    timer.start();
    std::shared_ptr<const MatchIndex> index = matcher_.snapshot();
    if (scope.at)
        index = index->at(*scope.at);
    index->match(query, lookups.ids, scope.limit);
    outcome.timing.matchMicros = microsSince(timer);
    lookups.entries.resize(lookups.ids.size());
    lookups.sources.clear();
    lookups.missing.clear();
    lookups.delivered = 0;
    lookups.fragmentBytes = 0;
    if (lookups.ids.empty())
        return;

    timer.restart();
    lookups.fragmentBytes = cache_.nearLookup(lookups.ids, lookups.entries.data(), lookups.missing, nearMaxAge);
    lookups.delivered = int(lookups.ids.size() - lookups.missing.size());
    outcome.timing.cacheMicros = microsSince(timer);
}

void DeliveryService::readMissing(std::span<Lookups *const> group, std::span<DeliveryOutcome *const> outcomes,
                                  bool together)
{
    // Every missing id once, and where each lookup's missing positions find theirs: requests
    // of one moment share their popular campaigns.
    std::vector<qint64> ids;
    std::vector<qsizetype> fetchedAt;
    QHash<qint64, qsizetype> placeOf;
    for (const Lookups *lookups : group) {
        for (size_t pos : lookups->missing) {
            const qint64 id = lookups->ids[pos];
            qsizetype place = qsizetype(ids.size());
            if (group.size() > 1) {
                if (const auto seen = placeOf.constFind(id); seen != placeOf.cend()) {
                    fetchedAt.push_back(*seen);
                    continue;
                }
                placeOf.insert(id, place);
            }
            ids.push_back(id);
            fetchedAt.push_back(place);
        }
    }
    const Fetched fetched = fetch(ids, together);

    const qint64 share = qint64(group.size());
    auto at = fetchedAt.cbegin();
    for (size_t g = 0; g < group.size(); ++g) {
        Lookups &lookups = *group[g];
        DeliveryOutcome &outcome = *outcomes[g];
        outcome.batches = fetched.outcome.batches;
        outcome.timing.cacheMicros += fetched.outcome.timing.cacheMicros / share;
        outcome.timing.storeMicros += fetched.outcome.timing.storeMicros / share;
        if (outcome.cacheError.isEmpty())
            outcome.cacheError = fetched.outcome.cacheError;
        if (outcome.storeError.isEmpty())
            outcome.storeError = fetched.outcome.storeError;
        lookups.sources.assign(lookups.ids.size(), DetailSource::Cache);
        for (size_t pos : lookups.missing) {
            const qsizetype place = *at++;
            lookups.entries[pos] = fetched.entries[size_t(place)];
            lookups.sources[pos] = fetched.sources[size_t(place)];
            if (const Entry *entry = lookups.entries[pos]) {
                ++lookups.delivered;
                lookups.fragmentBytes += entry->fragment().size();
            }
        }
    }
}

DeliveryResult DeliveryService::deliver(const TargetingQuery &query, const AnswerScope &scope)
{
    QElapsedTimer total;
    total.start();
    DeliveryResult result;
    const auto section = cache_.readSection();
    // Per thread and reused: large matches cost neither allocations nor zeroing.
    thread_local Lookups lookupsOnThisThread;
    Lookups &lookups = lookupsOnThisThread;
    lookNear(query, scope, cache_.nearTtl(), lookups, result);
    if (!lookups.missing.empty()) {
        Lookups *group[] = {&lookups};
        DeliveryOutcome *outcomes[] = {&result};
        readMissing(group, outcomes, false);
    }
    if (result.ok()) {
        QElapsedTimer timer;
        timer.start();
        for (size_t i = 0; i < lookups.entries.size(); ++i) {
            if (!lookups.entries[i])
                continue;
            result.campaignIds.push_back(lookups.ids[i]);
            result.fragments.push_back(lookups.entries[i]->fragment().toByteArray());
            result.sources.push_back(lookups.sources.empty() ? DetailSource::Cache : lookups.sources[i]);
        }
        result.timing.bodyMicros = microsSince(timer);
    }
    result.timing.totalMicros = microsSince(total);
    return result;
}

AnswerCache::Sources DeliveryService::answerSources() const
{
    // The generation first: an index swapped in after it was read makes the sources differ.
    const quint64 generation = matcher_.generation();
    return {generation, cache_.epoch(), cache_.watchedChanges()};
}

// A body between beginBody() and its completion.
struct PendingBody
{
    explicit PendingBody(FragmentTable::ReadSection section)
        : section(std::move(section))
    {
    }

    FragmentTable::ReadSection section; // the lookups' entries stay valid while it is open
    DeliveryService::Lookups lookups;
    DeliveredBody result;               // its outcome so far
    QElapsedTimer total;
    QByteArray before;
    QByteArray after;
    QByteArray answerKey; // empty: not kept for reuse
    AnswerCache::Sources madeFrom;
    qint64 oldestUnwatchedSeenMs = std::numeric_limits<qint64>::max(); // of the details read by age
};

void PendingBodyDeleter::operator()(PendingBody *pending) const
{
    delete pending;
}

DeliveredBody DeliveryService::deliverBody(const TargetingQuery &query, size_t limit, QByteArrayView before,
                                           QByteArrayView after)
{
    return begin(query, limit, before, after, false).done;
}

DeliveryService::BodyStart DeliveryService::begin(const TargetingQuery &query, size_t limit, QByteArrayView before,
                                                  QByteArrayView after, bool mayPend)
{
    QElapsedTimer total;
    total.start();
    QByteArray answerKey;
    AnswerCache::Sources madeFrom;
    std::chrono::milliseconds nearMaxAge = cache_.nearTtl();
    if (answers_.enabled()) {
        answerKey = AnswerCache::keyOf(query, limit, before, after);
        madeFrom = answerSources();
        if (std::optional<AnswerCache::Answer> answer = answers_.find(answerKey, madeFrom, CampaignCache::nowMs())) {
            cache_.countNearHits(answer->campaigns);
            BodyStart reused;
            reused.done.body = std::move(answer->body);
            reused.done.campaigns = answer->campaigns;
            reused.done.timing.cacheMicros = reused.done.timing.totalMicros = microsSince(total);
            return reused;
        }
        // An answer expires with its oldest detail held by age, and the near cache's entries
        // are of every age: an answer kept is made of details seen within half the near
        // cache's lifetime, so it lives at least the other half.
        nearMaxAge /= 2;
    }

    PendingBody body(cache_.readSection());
    body.total = total;
    body.answerKey = std::move(answerKey);
    body.madeFrom = madeFrom;
    // The thread's vectors, lent: large matches cost neither allocations nor zeroing. A body
    // left pending takes them along.
    thread_local Lookups lookupsOnThisThread;
    std::swap(body.lookups, lookupsOnThisThread);
    lookNear(query, AnswerScope{limit, std::nullopt}, nearMaxAge, body.lookups, body.result);

    BodyStart start;
    // Only what one batch would read is left to share: more runs in batches at once on the
    // pool, where a large miss (thousands of campaigns) is spread over the cores.
    const size_t missing = body.lookups.missing.size();
    if (mayPend && missing > 0 && missing <= size_t(batchSize_.load())) {
        body.before = before.toByteArray();
        body.after = after.toByteArray();
        start.pending.reset(new PendingBody(std::move(body)));
        return start;
    }
    if (!body.lookups.missing.empty()) {
        Lookups *group[] = {&body.lookups};
        DeliveryOutcome *outcomes[] = {&body.result};
        readMissing(group, outcomes, false);
    }
    body.before = QByteArray::fromRawData(before.data(), before.size());
    body.after = QByteArray::fromRawData(after.data(), after.size());
    start.done = complete(body);
    std::swap(body.lookups, lookupsOnThisThread);
    return start;
}

std::vector<DeliveredBody> DeliveryService::finishBodies(std::span<PendingBody *const> pending)
{
    std::vector<Lookups *> group;
    std::vector<DeliveryOutcome *> outcomes;
    for (PendingBody *body : pending) {
        group.push_back(&body->lookups);
        outcomes.push_back(&body->result);
    }
    readMissing(group, outcomes, true);
    std::vector<DeliveredBody> bodies;
    bodies.reserve(pending.size());
    for (PendingBody *body : pending)
        bodies.push_back(complete(*body));
    return bodies;
}

DeliveredBody DeliveryService::complete(PendingBody &pending)
{
    DeliveredBody &result = pending.result;
    const Lookups &lookups = pending.lookups;
    if (result.ok()) {
        QElapsedTimer timer;
        timer.start();
        result.campaigns = lookups.delivered;
        if (result.campaigns > 0) {
            // before [ f1 , f2 , ... fn ] after
            result.body = QByteArray(pending.before.size() + 1 + lookups.fragmentBytes + (result.campaigns - 1) + 1
                                         + pending.after.size(),
                                     Qt::Uninitialized);
            char *out = result.body.data();
            const auto put = [&out](QByteArrayView bytes) {
                std::memcpy(out, bytes.data(), size_t(bytes.size()));
                out += bytes.size();
            };
            put(pending.before);
            *out++ = '[';
            bool first = true;
            // Entries of a large store are spread over memory: ask for the ones a few places
            // ahead while this one is copied.
            constexpr size_t kAhead = 32;
            const size_t count = lookups.entries.size();
            for (size_t i = 0; i < count; ++i) {
                if (i + kAhead < count && lookups.entries[i + kAhead])
                    FragmentTable::prefetch(lookups.entries[i + kAhead]);
                const Entry *entry = lookups.entries[i];
                if (!entry)
                    continue;
                if (!first)
                    *out++ = ',';
                first = false;
                put(entry->fragment());
                if (!cache_.watched(entry))
                    pending.oldestUnwatchedSeenMs =
                        std::min(pending.oldestUnwatchedSeenMs, entry->seenAtMs.load(std::memory_order_relaxed));
            }
            *out++ = ']';
            put(pending.after);
            Q_ASSERT(out == result.body.constData() + result.body.size());
        }
        result.timing.bodyMicros = microsSince(timer);
    }
    // Only a whole answer from the cache and the store: after a cache fault it is asked again.
    if (!pending.answerKey.isEmpty() && result.ok() && result.cacheError.isEmpty()) {
        const qint64 nowMs = CampaignCache::nowMs();
        // Watched details hold until the cache reports a change (the sources move); the
        // answer is made again now and then all the same, so that what is asked more often
        // takes the room of what is not.
        const qint64 expiresAtMs =
            std::min(nowMs + kWatchedAnswerLifetime.count(),
                     pending.oldestUnwatchedSeenMs == std::numeric_limits<qint64>::max()
                         ? std::numeric_limits<qint64>::max()
                         : pending.oldestUnwatchedSeenMs + cache_.nearTtl().count());
        answers_.keep(pending.answerKey, {result.body, result.campaigns}, pending.madeFrom, answerSources(),
                      expiresAtMs, nowMs);
    }
    result.timing.totalMicros = microsSince(pending.total);
    return std::move(result);
}

} // namespace adserve
