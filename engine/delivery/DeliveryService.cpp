#include "DeliveryService.h"

#include "store/CampaignStore.h"

#include <QElapsedTimer>
#include <QtConcurrent>

namespace adserve {

namespace {
qint64 microsSince(const QElapsedTimer &timer) { return timer.nsecsElapsed() / 1000; }
}

QByteArray DeliveryResult::wrappedJsonArray(QByteArrayView before, QByteArrayView after) const
{
    qsizetype size = before.size() + after.size() + 2;
    for (const QByteArray &f : fragments)
        size += f.size() + 1;
    QByteArray out;
    out.reserve(size);
    out += before;
    out += '[';
    for (size_t i = 0; i < fragments.size(); ++i) {
        if (i)
            out += ',';
        out += fragments[i];
    }
    out += ']';
    out += after;
    return out;
}

DeliveryService::DeliveryService(MatchEngine &matcher, CampaignCache &cache, CampaignStore &store, int batchSize)
    : matcher_(matcher)
    , cache_(cache)
    , fetcher_([&store](const QList<qint64> &ids) { return store.campaignsByIds(ids); })
    , batchSize_(std::max(batchSize, 1))
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
    result.fragments = std::move(lookup.fragments);
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
        result.fragments[pos] = cache_.fragmentFor(*campaign);
    }
    // After a partial failure too: the writes to the part that failed may fail again,
    // off the request path, and count as errors there.
    if (!lookup.failed)
        cache_.refillAsync(std::move(refill), epoch);
    return result;
}

DeliveryResult DeliveryService::deliver(const TargetingQuery &query)
{
    DeliveryResult result;
    QElapsedTimer total;
    total.start();
    // Per thread and reused: the ids live until this call returns, which is after the
    // batches reading them have finished. Named through a reference, because the batches
    // run on pool threads, where the thread_local's name means their own copy.
    thread_local MatchedIds matchedOnThisThread;
    MatchedIds &matched = matchedOnThisThread;
    matcher_.snapshot()->match(query, matched);
    result.timing.matchMicros = microsSince(total);
    if (matched.empty()) {
        result.timing.totalMicros = microsSince(total);
        return result;
    }

    const size_t batchSize = size_t(batchSize_.load());
    const size_t batchCount = (matched.size() + batchSize - 1) / batchSize;
    result.batches = int(batchCount);
    std::vector<BatchResult> batches(batchCount);
    auto runAt = [&](size_t b) {
        const size_t begin = b * batchSize;
        batches[b] = runBatch(std::span(matched).subspan(begin, std::min(batchSize, matched.size() - begin)));
    };
    QList<QFuture<void>> others;
    for (size_t b = 1; b < batchCount; ++b)
        others.append(QtConcurrent::run(&pool_, runAt, b));
    runAt(0);
    for (QFuture<void> &f : others)
        f.waitForFinished();

    result.campaignIds.reserve(matched.size());
    result.fragments.reserve(matched.size());
    result.sources.reserve(matched.size());
    for (size_t b = 0; b < batchCount; ++b) {
        BatchResult &batch = batches[b];
        result.timing.cacheMicros += batch.cacheMicros;
        result.timing.storeMicros += batch.storeMicros;
        if (result.cacheError.isEmpty())
            result.cacheError = batch.cacheError;
        if (result.storeError.isEmpty())
            result.storeError = batch.storeError;
        for (size_t i = 0; i < batch.fragments.size(); ++i) {
            if (batch.fragments[i].isEmpty())
                continue;
            result.campaignIds.push_back(matched[b * batchSize + i]);
            result.fragments.push_back(std::move(batch.fragments[i]));
            result.sources.push_back(batch.sources[i]);
        }
    }
    if (!result.storeError.isEmpty()) {
        result.campaignIds.clear();
        result.fragments.clear();
        result.sources.clear();
    }
    result.timing.totalMicros = microsSince(total);
    return result;
}

} // namespace adserve
