#include "StoreParts.h"

#include <QThread>

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

namespace adserve {

StoreResult<QList<IdRange>> StoreParts::split(const CampaignStore &store) const
{
    const auto live = store.liveIdRange();
    if (!live.ok())
        return StoreResult<QList<IdRange>>::failureFrom(live);
    if (!live.value)
        return StoreResult<QList<IdRange>>::success({IdRange{}});
    const qint64 width = live.value->last - live.value->first + 1;
    const int parts = most > 0 ? most : QThread::idealThreadCount();
    const qint64 count = std::clamp<qint64>(width / std::max<qint64>(minIds, 1), 1, std::max(parts, 1));
    QList<IdRange> ranges = live.value->split(int(count));
    ranges.first().first = IdRange{}.first;
    ranges.last().last = IdRange{}.last;
    return StoreResult<QList<IdRange>>::success(ranges);
}

StoreResult<bool> StoreParts::read(const CampaignStore &store, const QList<IdRange> &ranges,
                                   CampaignStore::Fields fields, const std::function<void(int, qint64)> &begin,
                                   const std::function<bool(int, CampaignWithRules &&)> &visit, Progress *progress)
{
    Progress unseen;
    Progress &counted = progress ? *progress : unseen;
    counted.read = 0;
    counted.total = 0;
    std::vector<StoreResult<qint64>> results(size_t(ranges.size()));
    const auto readPart = [&](int part) {
        qint64 partTotal = 0, partRead = 0;
        results[size_t(part)] = store.forEachTargeting(
            [&](qint64 campaigns) { // again after a dropped connection: the part starts over
                counted.read -= std::exchange(partRead, 0);
                counted.total += campaigns - std::exchange(partTotal, campaigns);
                begin(part, campaigns);
            },
            [&](CampaignWithRules &&campaign) {
                ++partRead;
                counted.read.fetch_add(1, std::memory_order_relaxed);
                return visit(part, std::move(campaign));
            },
            fields, ranges[part]);
    };
    std::vector<std::unique_ptr<QThread>> threads;
    for (int part = 1; part < ranges.size(); ++part) {
        threads.emplace_back(QThread::create(readPart, part));
        threads.back()->setObjectName(QStringLiteral("adserve-read-%1").arg(part));
        threads.back()->start();
    }
    if (!ranges.isEmpty())
        readPart(0);
    for (const auto &thread : threads)
        thread->wait();

    for (const auto &result : results) {
        if (!result.ok())
            return StoreResult<bool>::failureFrom(result);
    }
    return StoreResult<bool>::success(true);
}

} // namespace adserve
