#include "RedisCacheBackend.h"

#include "RedisClusterClient.h"

namespace adserve {

namespace {

template<typename T>
CacheReply<T> toCacheReply(RedisResult<T> result)
{
    if (result.partial)
        return CacheReply<T>::partialFailure(std::move(result.value), std::move(result.error));
    if (!result.ok())
        return CacheReply<T>::failure(std::move(result.error));
    return {std::move(result.value), {}};
}

// As Redis writes used_memory_human: 1023B, 1.50K, 2.25M, ...
QString humanBytes(qint64 bytes)
{
    static const char units[] = {'K', 'M', 'G', 'T', 'P'};
    if (bytes < 1024)
        return QString::number(bytes) + QLatin1Char('B');
    double value = double(bytes);
    int unit = -1;
    while (value >= 1024 && unit + 1 < int(sizeof units)) {
        value /= 1024;
        ++unit;
    }
    return QString::number(value, 'f', 2) + QLatin1Char(units[unit]);
}

qint64 number(const RedisNodeInfo &info, const char *field)
{
    return info.fields.value(field).toLongLong();
}

// "db0:keys=12,expires=12,avg_ttl=86399" → 12
qint64 keysInDb(const RedisNodeInfo &info, int db)
{
    const QByteArray keyspace = info.fields.value("db" + QByteArray::number(db));
    for (const QByteArray &part : keyspace.split(',')) {
        if (part.startsWith("keys="))
            return part.mid(5).toLongLong();
    }
    return 0;
}

} // namespace

RedisCacheBackend::RedisCacheBackend(std::unique_ptr<RedisClient> client) : m_client(std::move(client)) {}

QString RedisCacheBackend::kind() const
{
    return m_client->isCluster() ? QStringLiteral("redis-cluster") : QStringLiteral("redis");
}

QString RedisCacheBackend::describe() const
{
    return m_client->describe() + (m_client->isCluster() ? QStringLiteral(" (cluster)") : QString());
}

bool RedisCacheBackend::watchChanges(CacheChangeListener *listener, const QByteArray &keyPrefix)
{
    if (m_client->isCluster() || !listener)
        return false;
    m_watcher = std::make_unique<RedisKeyWatcher>(
        m_client->options(), keyPrefix,
        RedisKeyWatcher::Reports{[listener](const QList<QByteArray> &keys) { listener->keysChanged(keys); },
                                 [listener](bool watching) { listener->watchRestarted(watching); }});
    return true;
}

CacheReply<QList<std::optional<QByteArray>>> RedisCacheBackend::getMany(const QList<QByteArray> &keys)
{
    return toCacheReply(m_client->mget(keys));
}

CacheReply<QList<std::optional<QByteArray>>> RedisCacheBackend::getManyInBatches(const QList<QByteArray> &keys,
                                                                                 qsizetype batchSize)
{
    return toCacheReply(m_client->mget(keys, batchSize));
}

CacheReply<bool> RedisCacheBackend::setMany(const QList<QPair<QByteArray, QByteArray>> &items,
                                            std::chrono::milliseconds ttl)
{
    return toCacheReply(m_client->setMany(items, ttl));
}

CacheReply<qint64> RedisCacheBackend::remove(const QList<QByteArray> &keys)
{
    return toCacheReply(m_client->unlink(keys));
}

CacheReply<CacheKeyPage> RedisCacheBackend::scan(const QByteArray &pattern, const QByteArray &cursor, int count)
{
    auto page = m_client->scan(cursor, pattern, count);
    if (!page.ok())
        return CacheReply<CacheKeyPage>::failure(page.error);
    return {CacheKeyPage{std::move(page.value.keys), std::move(page.value.cursor)}, {}};
}

CacheReply<QList<CacheKeyDetails>> RedisCacheBackend::keyDetails(const QList<QByteArray> &keys)
{
    using Reply = CacheReply<QList<CacheKeyDetails>>;
    if (keys.isEmpty())
        return {};
    // TYPE and PTTL of every key in one pipeline; the client routes each to its key's node.
    QList<RedisCommand> commands;
    commands.reserve(keys.size() * 2);
    for (const QByteArray &key : keys) {
        commands.append({{"TYPE", key}, key});
        commands.append({{"PTTL", key}, key});
    }
    const QList<RedisReply> replies = m_client->execute(commands);
    QList<CacheKeyDetails> details;
    details.reserve(keys.size());
    for (qsizetype i = 0; i < keys.size(); ++i) {
        const RedisReply &type = replies.at(2 * i);
        const RedisReply &ttl = replies.at(2 * i + 1);
        if (type.isError())
            return Reply::failure(QStringLiteral("TYPE failed: ") + type.errorText());
        if (ttl.isError())
            return Reply::failure(QStringLiteral("PTTL failed: ") + ttl.errorText());
        if (type.type != RedisReply::Type::Status)
            return Reply::failure(QStringLiteral("TYPE failed: unexpected reply type from Redis"));
        if (ttl.type != RedisReply::Type::Integer)
            return Reply::failure(QStringLiteral("PTTL failed: unexpected reply type from Redis"));
        // A key that expires or is deleted between the two commands: report it missing,
        // never a type without a key or a TTL of a key that is gone.
        if (type.bytes == "none" || ttl.integer == kTtlMissingKey)
            details.append(CacheKeyDetails{});
        else
            details.append({type.bytes, ttl.integer});
    }
    return {std::move(details), {}};
}

CacheReply<bool> RedisCacheBackend::setTtl(const QByteArray &key, std::chrono::milliseconds ttl)
{
    if (ttl.count() > 0)
        return toCacheReply(m_client->pexpire(key, ttl));
    // PERSIST answers 0 both for a missing key and for one without expiry: ask EXISTS too.
    const QList<RedisReply> replies = m_client->execute({{{"PERSIST", key}, key}, {{"EXISTS", key}, key}});
    for (const RedisReply &reply : replies) {
        if (reply.isError())
            return CacheReply<bool>::failure(QStringLiteral("PERSIST failed: ") + reply.errorText());
    }
    return {replies.at(1).integer == 1, {}};
}

CacheReply<qint64> RedisCacheBackend::keyCount()
{
    return toCacheReply(m_client->dbsize());
}

CacheReply<QVariantMap> RedisCacheBackend::serverInfo()
{
    const auto infos = m_client->info();
    if (!infos.ok())
        return CacheReply<QVariantMap>::failure(infos.error);
    const auto keys = m_client->dbsize();
    if (!keys.ok())
        return CacheReply<QVariantMap>::failure(keys.error);

    qint64 usedMemory = 0, hits = 0, misses = 0, clients = 0;
    QVariantList nodes;
    for (const RedisNodeInfo &info : infos.value) {
        usedMemory += number(info, "used_memory");
        hits += number(info, "keyspace_hits");
        misses += number(info, "keyspace_misses");
        clients += number(info, "connected_clients");
        nodes.append(QVariantMap{
            {QStringLiteral("address"), info.node.toString()},
            {QStringLiteral("role"), QString::fromUtf8(info.fields.value("role"))},
            {QStringLiteral("redis_version"), QString::fromUtf8(info.fields.value("redis_version"))},
            {QStringLiteral("used_memory_human"), QString::fromUtf8(info.fields.value("used_memory_human"))},
            {QStringLiteral("keys"), keysInDb(info, m_client->options().db)},
            {QStringLiteral("connected_clients"), number(info, "connected_clients")},
            {QStringLiteral("uptime_in_seconds"), number(info, "uptime_in_seconds")},
        });
    }
    const RedisNodeInfo &first = infos.value.constFirst();
    QVariantMap result{
        {QStringLiteral("kind"), kind()},
        {QStringLiteral("url"), describe()},
        {QStringLiteral("redis_version"), QString::fromUtf8(first.fields.value("redis_version"))},
        {QStringLiteral("used_memory"), usedMemory},
        {QStringLiteral("used_memory_human"), humanBytes(usedMemory)},
        {QStringLiteral("keys"), keys.value},
        {QStringLiteral("keyspace_hits"), hits},
        {QStringLiteral("keyspace_misses"), misses},
        {QStringLiteral("connected_clients"), clients},
        {QStringLiteral("nodes"), nodes},
    };
    if (auto *cluster = dynamic_cast<RedisClusterClient *>(m_client.get())) {
        const RedisClusterClient::Stats stats = cluster->stats();
        result.insert(QStringLiteral("cluster_redirects_moved"), stats.moved);
        result.insert(QStringLiteral("cluster_redirects_ask"), stats.ask);
        result.insert(QStringLiteral("cluster_tryagain"), stats.tryAgain);
        result.insert(QStringLiteral("cluster_slot_map_loads"), stats.topologyLoads);
    }
    return {std::move(result), {}};
}

CacheReply<bool> RedisCacheBackend::ping()
{
    return toCacheReply(m_client->ping());
}

} // namespace adserve
