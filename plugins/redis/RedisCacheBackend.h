#pragma once

#include "cache/CacheBackend.h"

#include "RedisClient.h"
#include "RedisKeyWatcher.h"

namespace adserve {

// The cache on a Redis server or Redis Cluster. Values are stored as the bytes given,
// so the engine's codec decides the format (the Go service's JSON under campaign:<id>)
// and both services can share one Redis. Thread-safe: every thread has its own connections.
// A standalone Redis (6.0 or later) reports the changes of watched keys (RedisKeyWatcher);
// a cluster does not.
class RedisCacheBackend final : public CacheBackend
{
public:
    explicit RedisCacheBackend(std::unique_ptr<RedisClient> client);

    QString kind() const override;
    QString describe() const override;
    bool watchChanges(CacheChangeListener *listener, const QByteArray &keyPrefix) override;

    CacheReply<QList<std::optional<QByteArray>>> getMany(const QList<QByteArray> &keys) override;
    CacheReply<QList<std::optional<QByteArray>>> getManyInBatches(const QList<QByteArray> &keys,
                                                                  qsizetype batchSize) override;
    CacheReply<bool> setMany(const QList<QPair<QByteArray, QByteArray>> &items, std::chrono::milliseconds ttl) override;
    CacheReply<qint64> remove(const QList<QByteArray> &keys) override;

    CacheReply<CacheKeyPage> scan(const QByteArray &pattern, const QByteArray &cursor, int count) override;
    CacheReply<QList<CacheKeyDetails>> keyDetails(const QList<QByteArray> &keys) override;
    CacheReply<bool> setTtl(const QByteArray &key, std::chrono::milliseconds ttl) override;
    CacheReply<qint64> keyCount() override;
    CacheReply<QVariantMap> serverInfo() override;
    CacheReply<bool> ping() override;

private:
    const std::unique_ptr<RedisClient> m_client;
    std::unique_ptr<RedisKeyWatcher> m_watcher; // stops before the client goes
};

} // namespace adserve
