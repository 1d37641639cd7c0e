#include "DeliveryService.h"

#include "store/CampaignStore.h"

#include <QElapsedTimer>
#include <QtConcurrent>

#include <cstring>

namespace adserve {

namespace {
qint64 microsSince(const QElapsedTimer &timer) { return timer.nsecsElapsed() / 1000; }
}

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
{
    pool_.setMaxThreadCount(std::max(QThread::idealThreadCount(), 2));
}

void DeliveryService::setBatchSize(int size)
{
    batchSize_ = std::max(size, 1);
}

DeliveryService::BatchResult DeliveryService::runBatch(std::span<const qint64> ids)
{
    ++batchesRun_;
    BatchResult result;
    result.sources.assign(ids.size(), DetailSource::Cache);

    QElapsedTimer timer;
    timer.start();
    CampaignCache::Lookup lookup = cache_.lookup(ids);
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

DeliveryService::Found DeliveryService::find(const TargetingQuery &query, const AnswerScope &scope,
                                             std::chrono::milliseconds nearMaxAge, DeliveryOutcome &outcome)
{
    // Per thread and reused: large matches cost neither allocations nor zeroing. Named
    // through references, because the batches run on pool threads, where a thread_local's
    // name means their own copy.
    thread_local MatchedIds matchedOnThisThread;
    thread_local std::vector<const Entry *, UninitializedAllocator<const Entry *>> entriesOnThisThread;
    thread_local std::vector<DetailSource> sourcesOnThisThread;
    thread_local std::vector<size_t> missingOnThisThread;
    MatchedIds &matched = matchedOnThisThread;
    auto &entries = entriesOnThisThread;
    std::vector<DetailSource> &sources = sourcesOnThisThread;
    std::vector<size_t> &missing = missingOnThisThread;

    QElapsedTimer timer;
    timer.start();
    std::shared_ptr<const MatchIndex> index = matcher_.snapshot();
    if (scope.at)
        index = index->at(*scope.at);
    index->match(query, matched, scope.limit);
    outcome.timing.matchMicros = microsSince(timer);
    entries.resize(matched.size());
    sources.clear();
    missing.clear();
    if (matched.empty())
        return {};

    timer.restart();
    Found found{matched, entries, {}, 0, cache_.nearLookup(matched, entries.data(), missing, nearMaxAge)};
    found.delivered = int(matched.size() - missing.size());
    outcome.timing.cacheMicros = microsSince(timer);
    if (missing.empty())
        return found;

    // What the near cache did not answer, in batches.
    std::vector<qint64> missingIds(missing.size());
    for (size_t i = 0; i < missing.size(); ++i)
        missingIds[i] = matched[missing[i]];
    const size_t batchSize = size_t(batchSize_.load());
    const size_t batchCount = (missingIds.size() + batchSize - 1) / batchSize;
    outcome.batches = int(batchCount);
    std::vector<BatchResult> batches(batchCount);
    auto runAt = [&](size_t b) {
        const size_t begin = b * batchSize;
        batches[b] = runBatch(std::span(missingIds).subspan(begin, std::min(batchSize, missingIds.size() - begin)));
    };
    QList<QFuture<void>> others;
    for (size_t b = 1; b < batchCount; ++b)
        others.append(QtConcurrent::run(&pool_, runAt, b));
    runAt(0);
    for (QFuture<void> &f : others)
        f.waitForFinished();

    sources.assign(matched.size(), DetailSource::Cache);
    for (size_t b = 0; b < batchCount; ++b) {
        const BatchResult &batch = batches[b];
        outcome.timing.cacheMicros += batch.cacheMicros;
        outcome.timing.storeMicros += batch.storeMicros;
        if (outcome.cacheError.isEmpty())
            outcome.cacheError = batch.cacheError;
        if (outcome.storeError.isEmpty())
            outcome.storeError = batch.storeError;
        for (size_t i = 0; i < batch.entries.size(); ++i) {
            const size_t pos = missing[b * batchSize + i];
            entries[pos] = batch.entries[i];
            sources[pos] = batch.sources[i];
            if (const Entry *entry = batch.entries[i]) {
                ++found.delivered;
                found.fragmentBytes += entry->fragment().size();
            }
        }
    }
    found.sources = sources;
    return found;
}

template<typename Result, typename Write>
Result DeliveryService::deliverWith(const TargetingQuery &query, const AnswerScope &scope,
                                    std::chrono::milliseconds nearMaxAge, Write &&write)
{
    QElapsedTimer total;
    total.start();
    Result result;
    const auto section = cache_.readSection();
    const Found found = find(query, scope, nearMaxAge, result);
    if (result.ok()) {
        QElapsedTimer timer;
        timer.start();
        write(found, result);
        result.timing.bodyMicros = microsSince(timer);
    }
    result.timing.totalMicros = microsSince(total);
    return result;
}

DeliveryResult DeliveryService::deliver(const TargetingQuery &query, const AnswerScope &scope)
{
    return deliverWith<DeliveryResult>(query, scope, cache_.nearTtl(), [](const Found &found, DeliveryResult &result) {
        for (size_t i = 0; i < found.entries.size(); ++i) {
            if (!found.entries[i])
                continue;
            result.campaignIds.push_back(found.ids[i]);
            result.fragments.push_back(found.entries[i]->fragment().toByteArray());
            result.sources.push_back(found.sources.empty() ? DetailSource::Cache : found.sources[i]);
        }
    });
}

AnswerCache::Sources DeliveryService::answerSources() const
{
    // The generation first: an index swapped in after it was read makes the sources differ.
    const quint64 generation = matcher_.generation();
    return {generation, cache_.epoch()};
}

DeliveredBody DeliveryService::deliverBody(const TargetingQuery &query, size_t limit, QByteArrayView before,
                                           QByteArrayView after)
{
    qint64 oldestDetailSeenMs = CampaignCache::nowMs();
    if (!answers_.enabled())
        return writeBody(query, limit, before, after, cache_.nearTtl(), oldestDetailSeenMs);

    QElapsedTimer timer;
    timer.start();
    const QByteArray key = AnswerCache::keyOf(query, limit, before, after);
    const AnswerCache::Sources madeFrom = answerSources();
    if (std::optional<AnswerCache::Answer> answer = answers_.find(key, madeFrom, oldestDetailSeenMs)) {
        cache_.countNearHits(answer->campaigns);
        DeliveredBody reused;
        reused.body = std::move(answer->body);
        reused.campaigns = answer->campaigns;
        reused.timing.cacheMicros = reused.timing.totalMicros = microsSince(timer);
        return reused;
    }
    // An answer expires with its oldest detail, and the near cache's entries are of every
    // age: an answer kept is made of details seen within half the near cache's lifetime, so
    // it lives at least the other half.
    DeliveredBody written = writeBody(query, limit, before, after, cache_.nearTtl() / 2, oldestDetailSeenMs);
    // Only a whole answer from the cache and the store: after a cache fault it is asked again.
    if (written.ok() && written.cacheError.isEmpty())
        answers_.keep(key, {written.body, written.campaigns}, madeFrom, answerSources(),
                      oldestDetailSeenMs + cache_.nearTtl().count(), CampaignCache::nowMs());
    return written;
}

DeliveredBody DeliveryService::writeBody(const TargetingQuery &query, size_t limit, QByteArrayView before,
                                         QByteArrayView after, std::chrono::milliseconds nearMaxAge,
                                         qint64 &oldestDetailSeenMs)
{
    return deliverWith<DeliveredBody>(query, AnswerScope{limit, std::nullopt}, nearMaxAge, [before, after, &oldestDetailSeenMs](const Found &found, DeliveredBody &result) {
        result.campaigns = found.delivered;
        if (result.campaigns > 0) {
            // before [ f1 , f2 , ... fn ] after
            result.body = QByteArray(before.size() + 1 + found.fragmentBytes + (result.campaigns - 1) + 1 + after.size(),
                                     Qt::Uninitialized);
            char *out = result.body.data();
            const auto put = [&out](QByteArrayView bytes) {
                std::memcpy(out, bytes.data(), size_t(bytes.size()));
                out += bytes.size();
            };
            put(before);
            *out++ = '[';
            bool first = true;
            // Entries of a large store are spread over memory: ask for the ones a few places
            // ahead while this one is copied.
            constexpr size_t kAhead = 32;
            for (size_t i = 0; i < found.entries.size(); ++i) {
                if (i + kAhead < found.entries.size() && found.entries[i + kAhead])
                    FragmentTable::prefetch(found.entries[i + kAhead]);
                const Entry *entry = found.entries[i];
                if (!entry)
                    continue;
                if (!first)
                    *out++ = ',';
                first = false;
                put(entry->fragment());
                oldestDetailSeenMs = std::min(oldestDetailSeenMs, entry->seenAtMs.load(std::memory_order_relaxed));
            }
            *out++ = ']';
            put(after);
            Q_ASSERT(out == result.body.constData() + result.body.size());
        }
    });
}

} // namespace adserve
