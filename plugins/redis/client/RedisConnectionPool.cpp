#include "RedisConnectionPool.h"

#include <atomic>
#include <map>

namespace adserve {

namespace {

std::atomic<quint64> g_nextPoolId{1};
std::atomic<quint64> g_poolsDestroyed{0};

// This thread's connections of every pool, keyed by pool id and node.
struct ThreadConnections
{
    struct Entry
    {
        std::weak_ptr<const bool> poolAlive;
        std::unique_ptr<RedisConnection> connection;
    };
    std::map<std::pair<quint64, QString>, Entry> entries;
    quint64 poolsDestroyedSeen = 0;

    // Closes the connections of pools that no longer exist.
    void sweep()
    {
        const quint64 destroyed = g_poolsDestroyed.load(std::memory_order_acquire);
        if (destroyed == poolsDestroyedSeen)
            return;
        poolsDestroyedSeen = destroyed;
        std::erase_if(entries, [](const auto &item) { return item.second.poolAlive.expired(); });
    }

    void removePool(quint64 id)
    {
        std::erase_if(entries, [id](const auto &item) { return item.first.first == id; });
    }
};

thread_local ThreadConnections t_connections;

} // namespace

RedisConnectionPool::RedisConnectionPool(RedisOptions options)
    : m_options(std::move(options)), m_id(g_nextPoolId.fetch_add(1)), m_alive(std::make_shared<bool>(true))
{
}

RedisConnectionPool::~RedisConnectionPool()
{
    t_connections.removePool(m_id);
    g_poolsDestroyed.fetch_add(1, std::memory_order_release);
}

RedisConnection &RedisConnectionPool::connection(const RedisNodeAddress &node)
{
    ThreadConnections &mine = t_connections;
    mine.sweep();
    auto key = std::make_pair(m_id, node.toString());
    auto it = mine.entries.find(key);
    if (it == mine.entries.end()) {
        auto connection = std::make_unique<RedisConnection>(connector(node), m_options.commandTimeout);
        it = mine.entries.emplace(std::move(key), ThreadConnections::Entry{m_alive, std::move(connection)}).first;
    }
    return *it->second.connection;
}

std::shared_ptr<RedisNodeConnector> RedisConnectionPool::connector(const RedisNodeAddress &node)
{
    QMutexLocker lock(&m_connectorsMutex);
    std::shared_ptr<RedisNodeConnector> &connector = m_connectors[node.toString()];
    if (!connector)
        connector = std::make_shared<RedisNodeConnector>(node, m_options);
    return connector;
}

} // namespace adserve
