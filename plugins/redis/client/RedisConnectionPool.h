#pragma once

#include "RedisConnection.h"

#include <QHash>
#include <QMutex>

#include <memory>

namespace adserve {

// The connections of one client: one per node per thread, since a hiredis context must
// only be used by one thread, and one connector per node that opens them. Each thread keeps
// its own in a thread-local registry, so the request path never takes a lock to find its
// connection. A thread's connections close when the thread ends; when the pool is destroyed,
// its connections close at once in the destroying thread and on the next Redis call (or
// exit) of every other thread.
class RedisConnectionPool
{
public:
    explicit RedisConnectionPool(RedisOptions options);
    ~RedisConnectionPool();
    RedisConnectionPool(const RedisConnectionPool &) = delete;
    RedisConnectionPool &operator=(const RedisConnectionPool &) = delete;

    // This thread's connection to `node`, created on first use (its connector opens it).
    RedisConnection &connection(const RedisNodeAddress &node);
    const RedisOptions &options() const { return m_options; }

private:
    // What opens every thread's connection to `node`.
    std::shared_ptr<RedisNodeConnector> connector(const RedisNodeAddress &node);

    const RedisOptions m_options;
    const quint64 m_id;
    const std::shared_ptr<const bool> m_alive; // expires with the pool: other threads' cue to close theirs
    QMutex m_connectorsMutex;
    QHash<QString, std::shared_ptr<RedisNodeConnector>> m_connectors;
};

} // namespace adserve
