#include "IndexRead.h"

#include <QThread>

#include <algorithm>
#include <vector>

namespace adserve {

IndexRead::IndexRead(const CampaignStore &store, Progress &progress, const std::atomic<bool> &cancelled)
    : IndexRead(store, progress, cancelled, Parts{})
{
}

IndexRead::IndexRead(const CampaignStore &store, Progress &progress, const std::atomic<bool> &cancelled,
                     Parts parts)
    : store_(store)
    , progress_(progress)
    , cancelled_(cancelled)
    , parts_(parts)
{
}

StoreResult<std::shared_ptr<const MatchIndex>> IndexRead::run(QList<qint64> *storeIds)
{
    using Result = StoreResult<std::shared_ptr<const MatchIndex>>;
    const auto live = store_.liveIdRange();
    if (!live.ok())
        return Result::failureFrom(live);
    // Every part reads in a snapshot of its own. Whatever changes between them is applied
    // afterwards from the change log, whose head the caller took before reading.
    QList<IdRange> ranges{IdRange{}};
    if (live.value) {
        const qint64 width = live.value->last - live.value->first + 1;
        const int most = parts_.most > 0 ? parts_.most : QThread::idealThreadCount();
        const qint64 wanted = std::clamp<qint64>(width / std::max<qint64>(parts_.minIds, 1), 1, std::max(most, 1));
        // The first and last parts reach out to the ends: campaigns written after the bounds
        // were read are read too.
        ranges = live.value->split(int(wanted));
        ranges.first().first = IdRange{}.first;
        ranges.last().last = IdRange{}.last;
    }
    const auto parts = size_t(ranges.size());
    partsRead_ = int(parts);

    MatchIndex::Builder builder(static_cast<int>(parts));
    std::vector<QList<qint64>> ids(parts);
    std::vector<qint64> totals(parts, 0);
    std::vector<StoreResult<qint64>> results(parts);
    progress_.read = 0;
    progress_.total = 0;
    const auto readPart = [&](size_t part) {
        qint64 read = 0;
        results[part] = store_.forEachTargeting(
            [&](qint64 campaigns) { // again after a dropped connection: this part starts over
                builder.clear(int(part));
                ids[part].clear();
                progress_.read -= std::exchange(read, 0);
                progress_.total += campaigns - std::exchange(totals[part], campaigns);
            },
            [&](const CampaignWithRules &campaign) {
                if (storeIds)
                    ids[part].append(campaign.campaign.id);
                builder.add(campaign, int(part));
                ++read;
                progress_.read.fetch_add(1, std::memory_order_relaxed);
                return !cancelled_.load(std::memory_order_relaxed);
            },
            CampaignStore::Fields::Targeting, ranges[qsizetype(part)]);
    };
    std::vector<std::unique_ptr<QThread>> threads;
    for (size_t part = 1; part < parts; ++part) {
        threads.emplace_back(QThread::create(readPart, part));
        threads.back()->setObjectName(QStringLiteral("adserve-load-%1").arg(part));
        threads.back()->start();
    }
    readPart(0);
    for (const auto &thread : threads)
        thread->wait();

    if (storeIds) { // what was read, even of a read that failed
        for (const auto &partIds : ids)
            *storeIds += partIds;
    }
    for (const auto &result : results) {
        if (!result.ok())
            return Result::failureFrom(result);
    }
    return Result::success(builder.finish());
}

} // namespace adserve
