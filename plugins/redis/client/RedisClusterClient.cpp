#include "RedisClusterClient.h"

#include "RedisSlot.h"

#include <thread>

namespace adserve {

namespace {

constexpr int kMaxRedirects = 5;
constexpr int kMaxTryAgain = 2;
constexpr std::chrono::milliseconds kTryAgainPause{2};
// After a node fault the map is read again, but not more often than this.
constexpr qint64 kSuspectReloadIntervalMs = 250;

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381"; an empty host means the
// node that answered.
std::optional<RedisNodeAddress> redirectTarget(const QByteArray &error, const RedisNodeAddress &answered)
{
    const QList<QByteArray> parts = error.split(' ');
    if (parts.size() < 3)
        return std::nullopt;
    const QByteArray &endpoint = parts.at(2);
    const qsizetype colon = endpoint.lastIndexOf(':');
    if (colon < 0)
        return std::nullopt;
    bool ok = false;
    const uint port = endpoint.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    const QByteArray host = endpoint.left(colon);
    return RedisNodeAddress{host.isEmpty() ? answered.host : QString::fromUtf8(host), quint16(port)};
}

} // namespace

RedisClusterClient::RedisClusterClient(const RedisOptions &options) : RedisClient(options) {}

int RedisClusterClient::keyGroup(const QByteArray &key) const
{
    return RedisSlot::of(key);
}

RedisClusterClient::Snapshot RedisClusterClient::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return {m_topology, m_epoch};
}

RedisResult<RedisClusterClient::Snapshot> RedisClusterClient::topology()
{
    quint64 epoch = 0;
    {
        QMutexLocker lock(&m_mutex);
        const bool stale = m_suspect && (!m_sinceLoad.isValid() || m_sinceLoad.elapsed() >= kSuspectReloadIntervalMs);
        if (m_topology && !stale)
            return {{m_topology, m_epoch}, {}};
        epoch = m_epoch;
    }
    const auto loaded = reload(epoch);
    const Snapshot current = snapshot();
    if (current.topology) // a map that may be stale still beats none
        return {current, {}};
    return RedisResult<Snapshot>::failure(loaded.error);
}

RedisResult<bool> RedisClusterClient::reload(quint64 seenEpoch)
{
    QMutexLocker reloading(&m_reloadMutex);
    Snapshot current = snapshot();
    if (current.epoch != seenEpoch)
        return {true, {}};
    const auto fetched = fetchTopology(current.topology);
    QMutexLocker lock(&m_mutex);
    m_sinceLoad.start();
    if (!fetched.ok())
        return RedisResult<bool>::failure(fetched.error);
    m_topology = fetched.value;
    ++m_epoch;
    m_suspect = false;
    m_loads.fetch_add(1, std::memory_order_relaxed);
    return {true, {}};
}

RedisResult<RedisClusterClient::TopologyPtr> RedisClusterClient::fetchTopology(const TopologyPtr &current)
{
    using Result = RedisResult<TopologyPtr>;
    QList<RedisNodeAddress> candidates;
    if (current)
        candidates = current->masters();
    if (!candidates.contains(options().address))
        candidates.append(options().address);

    QStringList errors;
    for (const RedisNodeAddress &node : candidates) {
        RedisConnection &connection = m_pool.connection(node);
        RedisReply reply = connection.pipeline({{"CLUSTER", "SHARDS"}}, callDeadline()).constFirst();
        bool fromShards = true;
        if (reply.type == RedisReply::Type::Error) {
            if (reply.bytes.contains("cluster support disabled"))
                return Result::failure(QStringLiteral("Redis %1 is not a cluster node: set REDIS_CLUSTER=false, "
                                                      "or point REDIS_URL at a cluster").arg(node.toString()));
            // Before Redis 7.0 there is no CLUSTER SHARDS.
            reply = connection.pipeline({{"CLUSTER", "SLOTS"}}, callDeadline()).constFirst();
            fromShards = false;
        }
        if (reply.isError()) {
            errors.append(reply.errorText());
            continue;
        }
        auto parsed = fromShards ? RedisClusterTopology::fromShards(reply, node)
                                 : RedisClusterTopology::fromSlots(reply, node);
        if (!parsed.ok()) {
            errors.append(node.toString() + QStringLiteral(": ") + parsed.error);
            continue;
        }
        return {std::make_shared<const RedisClusterTopology>(std::move(parsed.value)), {}};
    }
    return Result::failure(QStringLiteral("cannot read the cluster's slot map: ") + errors.join(QStringLiteral("; ")));
}

RedisResult<QList<RedisNodeAddress>> RedisClusterClient::masters()
{
    const auto current = topology();
    if (!current.ok())
        return RedisResult<QList<RedisNodeAddress>>::failure(current.error);
    return {current.value.topology->masters(), {}};
}

std::optional<RedisNodeAddress> RedisClusterClient::nodeForSlot(int slot)
{
    const auto current = topology();
    if (!current.ok())
        return std::nullopt;
    return current.value.topology->nodeForSlot(slot);
}

RedisClusterClient::Stats RedisClusterClient::stats() const
{
    return {m_moved.load(), m_ask.load(), m_tryAgain.load(), m_loads.load()};
}

QList<RedisReply> RedisClusterClient::execute(const QList<RedisCommand> &commands)
{
    QList<RedisReply> replies(commands.size());
    if (commands.isEmpty())
        return replies;
    auto current = topology();
    if (!current.ok()) {
        replies.fill(RedisReply::connectionError(current.error));
        return replies;
    }

    struct Attempt
    {
        qsizetype command;
        std::optional<RedisNodeAddress> target; // set by a redirect; else the slot map decides
        bool asking = false;
        int redirects = 0;
        int tryAgains = 0;
    };
    struct NodeBatch
    {
        RedisNodeAddress node;
        QList<RedisArgs> args;
        QList<qsizetype> attempts; // per attempt of this node ...
        QList<qsizetype> replyAt;  // ... where its reply is (after an ASKING reply, if any)
    };

    QList<Attempt> pending;
    pending.reserve(commands.size());
    for (qsizetype i = 0; i < commands.size(); ++i)
        pending.append(Attempt{i, std::nullopt, false, 0, 0});

    while (!pending.isEmpty()) {
        const RedisClusterTopology &map = *current.value.topology;
        QList<NodeBatch> batches;
        QHash<QString, qsizetype> batchOfNode;
        for (qsizetype a = 0; a < pending.size(); ++a) {
            const Attempt &attempt = pending.at(a);
            const RedisCommand &command = commands.at(attempt.command);
            // A slot nobody serves yet goes to any master, which redirects it.
            const RedisNodeAddress node = attempt.target
                                              ? *attempt.target
                                              : command.key.isEmpty()
                                                    ? map.masters().constFirst()
                                                    : map.nodeForSlot(RedisSlot::of(command.key))
                                                          .value_or(map.masters().constFirst());
            const QString name = node.toString();
            auto found = batchOfNode.constFind(name);
            if (found == batchOfNode.constEnd()) {
                found = batchOfNode.insert(name, batches.size());
                batches.append(NodeBatch{node, {}, {}, {}});
            }
            NodeBatch &batch = batches[*found];
            if (attempt.asking)
                batch.args.append({"ASKING"});
            batch.attempts.append(a);
            batch.replyAt.append(batch.args.size());
            batch.args.append(command.args);
        }

        // Every node gets its commands before any reply is awaited: they work at once,
        // within one command timeout.
        const RedisDeadline deadline = callDeadline();
        for (const NodeBatch &batch : batches)
            m_pool.connection(batch.node).send(batch.args, deadline);

        QList<Attempt> again;
        bool moved = false;
        bool tryAgain = false;
        for (const NodeBatch &batch : batches) {
            const QList<RedisReply> nodeReplies = m_pool.connection(batch.node).receive();
            for (qsizetype j = 0; j < batch.attempts.size(); ++j) {
                const Attempt &attempt = pending.at(batch.attempts.at(j));
                const RedisReply &reply = nodeReplies.at(batch.replyAt.at(j));
                const QByteArray code = reply.errorCode();
                if ((code == "MOVED" || code == "ASK") && attempt.redirects < kMaxRedirects) {
                    if (const auto target = redirectTarget(reply.bytes, batch.node)) {
                        const bool ask = code == "ASK";
                        (ask ? m_ask : m_moved).fetch_add(1, std::memory_order_relaxed);
                        moved = moved || !ask;
                        again.append({attempt.command, target, ask, attempt.redirects + 1, attempt.tryAgains});
                        continue;
                    }
                }
                if (code == "TRYAGAIN" && attempt.tryAgains < kMaxTryAgain) {
                    m_tryAgain.fetch_add(1, std::memory_order_relaxed);
                    tryAgain = true;
                    again.append({attempt.command, attempt.target, attempt.asking, attempt.redirects,
                                  attempt.tryAgains + 1});
                    continue;
                }
                if (reply.isConnectionError()) {
                    QMutexLocker lock(&m_mutex);
                    m_suspect = true; // the node may have failed over
                }
                replies[attempt.command] = reply;
            }
        }

        if (moved) {
            // The slot map changed: read it again (once, whoever sees MOVED first).
            reload(current.value.epoch);
            current = {snapshot(), {}};
        }
        if (tryAgain)
            std::this_thread::sleep_for(kTryAgainPause);
        pending = std::move(again);
    }
    return replies;
}

} // namespace adserve
