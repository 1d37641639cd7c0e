#include "MemoryCacheBackend.h"

#include <fnmatch.h>

namespace adserve {

namespace {
constexpr auto kNever = std::chrono::steady_clock::time_point::max();
}

MemoryCacheBackend::MemoryCacheBackend(qint64 maxEntries)
    : maxEntries_(std::max<qint64>(maxEntries, kShardCount))
    , perShardCapacity_(size_t(maxEntries_ / kShardCount))
{
    for (Shard &shard : shards_)
        shard.entries.reserve(perShardCapacity_ + 1);
}

QString MemoryCacheBackend::describe() const
{
    return QStringLiteral("in-process memory cache (up to %1 entries)").arg(maxEntries_);
}

bool MemoryCacheBackend::watchChanges(CacheChangeListener *listener, const QByteArray &keyPrefix)
{
    watchedPrefix_ = keyPrefix;
    listener_.store(listener);
    if (listener)
        listener->watchRestarted(true);
    return true;
}

void MemoryCacheBackend::reportChanged(const QList<QByteArray> &keys) const
{
    CacheChangeListener *listener = listener_.load();
    if (!listener)
        return;
    QList<QByteArray> watched;
    for (const QByteArray &key : keys) {
        if (key.startsWith(watchedPrefix_))
            watched.append(key);
    }
    if (!watched.isEmpty())
        listener->keysChanged(watched);
}

MemoryCacheBackend::Shard &MemoryCacheBackend::shardFor(const QByteArray &key)
{
    return shards_[qHash(key, 0x9e3779b9U) % kShardCount];
}

MemoryCacheBackend::Entry *MemoryCacheBackend::findLive(Shard &shard, const QByteArray &key,
                                                         Clock::time_point now)
{
    auto it = shard.entries.find(key);
    if (it == shard.entries.end())
        return nullptr;
    if (it->second.expiresAt <= now) {
        erase(shard, it);
        ++expirations_;
        return nullptr;
    }
    return &it->second;
}

void MemoryCacheBackend::erase(Shard &shard, decltype(Shard::entries)::iterator it)
{
    shard.recency.erase(it->second.recency);
    shard.entries.erase(it);
}

CacheReply<QList<std::optional<QByteArray>>> MemoryCacheBackend::getMany(const QList<QByteArray> &keys)
{
    QList<std::optional<QByteArray>> values;
    values.reserve(keys.size());
    const auto now = Clock::now();
    for (const QByteArray &key : keys) {
        Shard &shard = shardFor(key);
        std::lock_guard lock(shard.mutex);
        Entry *entry = findLive(shard, key, now);
        if (!entry) {
            values.append(std::nullopt);
            continue;
        }
        shard.recency.splice(shard.recency.begin(), shard.recency, entry->recency);
        values.append(entry->value);
    }
    return {std::move(values)};
}

CacheReply<bool> MemoryCacheBackend::setMany(const QList<QPair<QByteArray, QByteArray>> &items,
                                             std::chrono::milliseconds ttl)
{
    const auto expiresAt = ttl.count() > 0 ? Clock::now() + ttl : kNever;
    for (const auto &[key, given] : items) {
        // Kept without the spare capacity it was written with (a ~300-byte value encoded
        // into a 256-byte reserve has ~200 to spare): a million values then hold ~190 MB
        // less, and the near cache shares this very buffer instead of copying it.
        QByteArray value = given;
        if (value.capacity() > value.size())
            value.squeeze();
        Shard &shard = shardFor(key);
        std::lock_guard lock(shard.mutex);
        auto it = shard.entries.find(key);
        if (it != shard.entries.end()) {
            it->second.value = value;
            it->second.expiresAt = expiresAt;
            shard.recency.splice(shard.recency.begin(), shard.recency, it->second.recency);
            continue;
        }
        if (shard.entries.size() >= perShardCapacity_) {
            erase(shard, shard.entries.find(shard.recency.back()));
            ++evictions_;
        }
        shard.recency.push_front(key);
        shard.entries.emplace(key, Entry{value, expiresAt, shard.recency.begin()});
    }
    if (listener_.load()) {
        QList<QByteArray> keys;
        keys.reserve(items.size());
        for (const auto &item : items)
            keys.append(item.first);
        reportChanged(keys);
    }
    return {true};
}

CacheReply<qint64> MemoryCacheBackend::remove(const QList<QByteArray> &keys)
{
    qint64 removed = 0;
    const auto now = Clock::now();
    for (const QByteArray &key : keys) {
        Shard &shard = shardFor(key);
        std::lock_guard lock(shard.mutex);
        if (findLive(shard, key, now)) {
            erase(shard, shard.entries.find(key));
            ++removed;
        }
    }
    reportChanged(keys);
    return {removed};
}

// The cursor is "<shard>:<bucket>" of where to go on; "0" starts and ends a scan, as in Redis.
CacheReply<CacheKeyPage> MemoryCacheBackend::scan(const QByteArray &pattern, const QByteArray &cursor,
                                                  int count)
{
    int shardIndex = 0;
    size_t bucket = 0;
    if (!cursor.isEmpty() && cursor != "0") {
        const QList<QByteArray> parts = cursor.split(':');
        bool okShard = false, okBucket = false;
        if (parts.size() == 2) {
            shardIndex = parts[0].toInt(&okShard);
            bucket = parts[1].toULongLong(&okBucket);
        }
        if (!okShard || !okBucket || shardIndex < 0 || shardIndex >= kShardCount)
            return CacheReply<CacheKeyPage>::failure(QStringLiteral("invalid scan cursor"));
    }
    const QByteArray glob = pattern.isEmpty() ? QByteArray("*") : pattern;
    const auto now = Clock::now();
    CacheKeyPage page;
    int visited = 0;
    const int budget = std::max(count, 1);
    while (shardIndex < kShardCount && visited < budget) {
        Shard &shard = shards_[shardIndex];
        std::lock_guard lock(shard.mutex);
        const size_t buckets = shard.entries.bucket_count();
        for (; bucket < buckets && visited < budget; ++bucket) {
            for (auto it = shard.entries.begin(bucket); it != shard.entries.end(bucket); ++it) {
                ++visited;
                if (it->second.expiresAt > now && fnmatch(glob.constData(), it->first.constData(), 0) == 0)
                    page.keys.append(it->first);
            }
        }
        if (bucket >= buckets) {
            ++shardIndex;
            bucket = 0;
        }
    }
    page.nextCursor = shardIndex >= kShardCount ? QByteArray("0")
                                                : QByteArray::number(shardIndex) + ':' + QByteArray::number(quint64(bucket));
    return {std::move(page)};
}

// Every value here is a string; a missing or expired key keeps CacheKeyDetails' default.
CacheReply<QList<CacheKeyDetails>> MemoryCacheBackend::keyDetails(const QList<QByteArray> &keys)
{
    QList<CacheKeyDetails> details(keys.size());
    const auto now = Clock::now();
    for (qsizetype i = 0; i < keys.size(); ++i) {
        Shard &shard = shardFor(keys.at(i));
        std::lock_guard lock(shard.mutex);
        const Entry *entry = findLive(shard, keys.at(i), now);
        if (!entry)
            continue;
        details[i].type = QByteArrayLiteral("string");
        details[i].ttlMs = entry->expiresAt == kNever
                               ? kTtlNoExpiry
                               : std::chrono::duration_cast<std::chrono::milliseconds>(entry->expiresAt - now).count();
    }
    return {std::move(details)};
}

CacheReply<bool> MemoryCacheBackend::setTtl(const QByteArray &key, std::chrono::milliseconds ttl)
{
    Shard &shard = shardFor(key);
    std::lock_guard lock(shard.mutex);
    const auto now = Clock::now();
    Entry *entry = findLive(shard, key, now);
    if (!entry)
        return {false};
    entry->expiresAt = ttl.count() > 0 ? now + ttl : kNever;
    return {true};
}

CacheReply<qint64> MemoryCacheBackend::keyCount()
{
    qint64 total = 0;
    for (Shard &shard : shards_) {
        std::lock_guard lock(shard.mutex);
        total += qint64(shard.entries.size());
    }
    return {total};
}

CacheReply<QVariantMap> MemoryCacheBackend::serverInfo()
{
    return {QVariantMap{
        {QStringLiteral("keys"), keyCount().value},
        {QStringLiteral("max_entries"), maxEntries_},
        {QStringLiteral("evicted_keys"), evictions_.load()},
        {QStringLiteral("expired_keys"), expirations_.load()},
    }};
}

} // namespace adserve
