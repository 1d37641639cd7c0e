#pragma once

#include "RedisClient.h"
#include "RedisClusterTopology.h"

#include <QElapsedTimer>
#include <QMutex>

#include <atomic>

namespace adserve {

// A Redis Cluster: routes each command to the master of its key's slot, pipelines the
// commands of one call per node with every node working at once, follows MOVED (and
// reloads the slot map) and ASK (ASKING, once, map untouched), and retries TRYAGAIN.
class RedisClusterClient final : public RedisClient
{
public:
    explicit RedisClusterClient(const RedisOptions &options);

    QList<RedisReply> execute(const QList<RedisCommand> &commands) override;
    RedisResult<QList<RedisNodeAddress>> masters() override;

    // The node the current map sends `slot` to (reading the map first if there is none).
    std::optional<RedisNodeAddress> nodeForSlot(int slot);

    struct Stats
    {
        quint64 moved = 0;
        quint64 ask = 0;
        quint64 tryAgain = 0;
        quint64 topologyLoads = 0;
    };
    Stats stats() const;

protected:
    int keyGroup(const QByteArray &key) const override;

private:
    using TopologyPtr = std::shared_ptr<const RedisClusterTopology>;
    struct Snapshot
    {
        TopologyPtr topology;
        quint64 epoch = 0;
    };

    Snapshot snapshot() const;
    // The current map; read first when there is none, or again when a node failed.
    RedisResult<Snapshot> topology();
    // Reads the map unless someone already did since `seenEpoch` (single flight).
    RedisResult<bool> reload(quint64 seenEpoch);
    RedisResult<TopologyPtr> fetchTopology(const TopologyPtr &current);

    mutable QMutex m_mutex; // guards the four below
    TopologyPtr m_topology;
    quint64 m_epoch = 0;
    bool m_suspect = false; // a node failed: the map may be out of date
    QElapsedTimer m_sinceLoad; // since the last attempt to read the map
    QMutex m_reloadMutex;

    std::atomic<quint64> m_moved{0};
    std::atomic<quint64> m_ask{0};
    std::atomic<quint64> m_tryAgain{0};
    std::atomic<quint64> m_loads{0};
};

} // namespace adserve
