#pragma once

#include "cache/CacheBackend.h"

#include <QHashFunctions>

#include <array>
#include <atomic>
#include <chrono>
#include <list>
#include <mutex>
#include <unordered_map>

namespace adserve {

// An in-process, bounded, TTL-aware key-value cache: the embedded default. Keys are spread
// over shards with a lock each so the HTTP threads rarely contend; each shard evicts its
// least recently used entry when full. Bucket counts are fixed up front (no rehash), which
// keeps SCAN cursors (shard, bucket) valid while entries come and go.
class MemoryCacheBackend final : public CacheBackend
{
public:
    explicit MemoryCacheBackend(qint64 maxEntries);

    QString kind() const override { return QStringLiteral("memory"); }
    QString describe() const override;
    bool inProcess() const override { return true; }
    // Every write and remove here goes through this object: each is reported as it is made.
    // Evictions and expiries are not: they change no value, the key's next read goes to the store.
    bool watchChanges(CacheChangeListener *listener, const QByteArray &keyPrefix) override;

    CacheReply<QList<std::optional<QByteArray>>> getMany(const QList<QByteArray> &keys) override;
    CacheReply<bool> setMany(const QList<QPair<QByteArray, QByteArray>> &items,
                             std::chrono::milliseconds ttl) override;
    CacheReply<qint64> remove(const QList<QByteArray> &keys) override;
    CacheReply<CacheKeyPage> scan(const QByteArray &pattern, const QByteArray &cursor, int count) override;
    CacheReply<QList<CacheKeyDetails>> keyDetails(const QList<QByteArray> &keys) override;
    CacheReply<bool> setTtl(const QByteArray &key, std::chrono::milliseconds ttl) override;
    CacheReply<qint64> keyCount() override;
    CacheReply<QVariantMap> serverInfo() override;
    CacheReply<bool> ping() override { return {true}; }

private:
    using Clock = std::chrono::steady_clock;
    struct ByteArrayHash
    {
        size_t operator()(const QByteArray &key) const noexcept { return qHash(key); }
    };
    struct Entry
    {
        QByteArray value;
        Clock::time_point expiresAt; // time_point::max() when it never expires
        std::list<QByteArray>::iterator recency;
    };
    struct Shard
    {
        std::mutex mutex;
        std::unordered_map<QByteArray, Entry, ByteArrayHash> entries;
        std::list<QByteArray> recency; // most recently used first
    };
    static constexpr int kShardCount = 16;

    Shard &shardFor(const QByteArray &key);
    // Returns the live entry or nullptr, dropping it when expired. Caller holds the lock.
    Entry *findLive(Shard &shard, const QByteArray &key, Clock::time_point now);
    void erase(Shard &shard, decltype(Shard::entries)::iterator it);
    // Tells the listener, if any, of the keys among these it watches.
    void reportChanged(const QList<QByteArray> &keys) const;

    const qint64 maxEntries_;
    const size_t perShardCapacity_;
    std::array<Shard, kShardCount> shards_;
    std::atomic<qint64> evictions_{0};
    std::atomic<qint64> expirations_{0};
    std::atomic<CacheChangeListener *> listener_{nullptr};
    QByteArray watchedPrefix_; // set with the listener, before any read
};

} // namespace adserve
