#include "CampaignCache.h"

#include "CampaignCodec.h"

#include <QElapsedTimer>

namespace adserve {

CampaignCache::CampaignCache(std::unique_ptr<CacheBackend> backend, std::chrono::seconds ttl,
                             std::chrono::milliseconds nearTtl)
    : backend_(std::move(backend))
    , ttl_(ttl)
    , nearTtl_(nearTtl)
{
    // One writer keeps refills ordered and off the request threads.
    refillPool_.setMaxThreadCount(1);
    refillPool_.setExpiryTimeout(-1);
}

CampaignCache::~CampaignCache()
{
    refillPool_.waitForDone();
}

QByteArray CampaignCache::memoisedFragment(qint64 id, const QByteArray &raw)
{
    MemoShard &shard = memoShard(id);
    {
        std::lock_guard lock(shard.mutex);
        const auto it = shard.memos.find(id);
        if (it != shard.memos.end() && (it->second.raw.isSharedWith(raw) || it->second.raw == raw)) {
            it->second.raw = raw; // shared from now on: the next comparison is a pointer test
            if (nearTtl_.count() > 0)
                it->second.seenAt = Clock::now();
            return it->second.fragment;
        }
    }
    const auto campaign = CampaignCodec::decode(raw);
    const bool deliverable = campaign && campaign->id == id && campaign->isDeliverable();
    QByteArray fragment = deliverable ? CampaignCodec::responseFragment(*campaign) : QByteArray();
    std::lock_guard lock(shard.mutex);
    shard.memos[id] = Memo{raw, fragment, Clock::now()};
    return fragment;
}

std::optional<QByteArray> CampaignCache::nearFragment(qint64 id, Clock::time_point now)
{
    MemoShard &shard = memoShard(id);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.memos.find(id);
    if (it == shard.memos.end() || it->second.fragment.isEmpty() || now - it->second.seenAt >= nearTtl_)
        return std::nullopt;
    return it->second.fragment;
}

QByteArray CampaignCache::fragmentFor(const Campaign &campaign)
{
    return memoisedFragment(campaign.id, CampaignCodec::encode(campaign));
}

CampaignCache::Lookup CampaignCache::lookup(std::span<const qint64> allIds)
{
    Lookup result;
    result.fragments.resize(allIds.size());

    // What the near cache answers stays out of the backend call.
    const bool near = nearTtl_.count() > 0;
    std::vector<size_t> nearMisses; // positions in allIds of the ids asked from the backend
    std::vector<qint64> remaining;
    if (near) {
        const auto now = Clock::now();
        for (size_t i = 0; i < allIds.size(); ++i) {
            if (auto fragment = nearFragment(allIds[i], now)) {
                result.fragments[i] = std::move(*fragment);
                continue;
            }
            nearMisses.push_back(i);
            remaining.push_back(allIds[i]);
        }
        const qint64 nearHits = qint64(allIds.size() - remaining.size());
        stats_.hits += nearHits;
        stats_.nearHits += nearHits;
        if (remaining.empty())
            return result;
    }
    const std::span<const qint64> ids = near ? std::span<const qint64>(remaining) : allIds;
    const auto position = [&](size_t i) { return near ? nearMisses[i] : i; };

    QList<QByteArray> keys;
    keys.reserve(qsizetype(ids.size()));
    for (qint64 id : ids)
        keys.append(CampaignCodec::cacheKey(id));

    QElapsedTimer timer;
    timer.start();
    const auto reply = backend_->getMany(keys);
    stats_.lookupMicros += timer.nsecsElapsed() / 1000;
    const bool answered = reply.ok() || reply.partial;
    if (!answered || reply.value.size() != keys.size()) {
        ++stats_.errors;
        result.failed = true;
        result.error = answered ? QStringLiteral("the cache answered %1 values for %2 keys")
                                      .arg(reply.value.size()).arg(keys.size())
                                : reply.error;
        for (size_t i = 0; i < ids.size(); ++i)
            result.missing.push_back(position(i));
        return result;
    }
    // A partial answer: the keys of the part that failed came back absent, so they are
    // misses read from the store like any other; the fault still counts.
    if (reply.partial) {
        ++stats_.errors;
        result.error = reply.error;
    }
    qint64 hits = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        const auto &value = reply.value[qsizetype(i)];
        if (value) {
            QByteArray fragment = memoisedFragment(ids[i], *value);
            if (!fragment.isEmpty()) {
                result.fragments[position(i)] = std::move(fragment);
                ++hits;
                continue;
            }
            ++stats_.rejected;
        }
        result.missing.push_back(position(i));
    }
    stats_.hits += hits;
    stats_.misses += qint64(result.missing.size());
    return result;
}

CacheReply<bool> CampaignCache::store(const QList<Campaign> &campaigns)
{
    QList<QPair<QByteArray, QByteArray>> items;
    items.reserve(campaigns.size());
    for (const Campaign &c : campaigns)
        items.append({CampaignCodec::cacheKey(c.id), CampaignCodec::encode(c)});
    auto reply = backend_->setMany(items, std::chrono::duration_cast<std::chrono::milliseconds>(ttl_));
    if (reply.ok())
        stats_.refills += campaigns.size();
    else
        ++stats_.errors;
    return reply;
}

void CampaignCache::refillAsync(QList<Campaign> campaigns, quint64 readAtEpoch)
{
    if (campaigns.isEmpty())
        return;
    refillPool_.start([this, readAtEpoch, campaigns = std::move(campaigns)] {
        if (epoch_.load() == readAtEpoch)
            store(campaigns);
    });
}

void CampaignCache::waitForRefills()
{
    refillPool_.waitForDone();
}

CacheReply<qint64> CampaignCache::invalidate(const QList<qint64> &ids)
{
    ++epoch_;
    QList<QByteArray> keys;
    keys.reserve(ids.size());
    for (qint64 id : ids) {
        keys.append(CampaignCodec::cacheKey(id));
        MemoShard &shard = memoShard(id);
        std::lock_guard lock(shard.mutex);
        shard.memos.erase(id);
    }
    // A refill already running may still write an old value: let it finish, then delete.
    waitForRefills();
    auto reply = backend_->remove(keys);
    if (reply.ok())
        stats_.invalidations += reply.value;
    else
        ++stats_.errors;
    return reply;
}

} // namespace adserve
