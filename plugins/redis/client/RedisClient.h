#pragma once

#include "RedisConnectionPool.h"
#include "RedisOptions.h"
#include "RedisReply.h"
#include "RedisResult.h"

#include <QHash>
#include <QPair>

#include <chrono>
#include <memory>
#include <optional>

namespace adserve {

// A command and the key that decides which cluster node runs it (empty: any node).
struct RedisCommand
{
    RedisArgs args;
    QByteArray key;
};

struct RedisScanPage
{
    QList<QByteArray> keys;
    QByteArray cursor; // "0" when the scan is complete
};

// One server's INFO, as field → value ("redis_version" → "7.0.15").
struct RedisNodeInfo
{
    RedisNodeAddress node;
    QHash<QByteArray, QByteArray> fields;
};

// The Redis client every adserve Redis call goes through: thread-safe (each thread has
// its own connections), synchronous with short timeouts, standalone or Cluster behind one
// interface. Batches are pipelined; in a cluster, multi-key commands are split by slot,
// sent to every node at once, and the results put back in the caller's order.
class RedisClient
{
public:
    // No I/O: connections open on first use, so a Redis that is down now can come later.
    static std::unique_ptr<RedisClient> create(const RedisOptions &options);
    virtual ~RedisClient();

    const RedisOptions &options() const { return m_pool.options(); }
    bool isCluster() const { return options().cluster; }
    QString describe() const { return options().describe(); }

    // Runs the commands, pipelined; one reply per command, in order. Faults come back as
    // error replies, never as exceptions.
    virtual QList<RedisReply> execute(const QList<RedisCommand> &commands) = 0;
    RedisReply execute(const RedisCommand &command) { return execute(QList<RedisCommand>{command}).constFirst(); }
    // The servers that hold data: the one server, or every cluster master, in a stable order.
    virtual RedisResult<QList<RedisNodeAddress>> masters() = 0;
    RedisReply executeOn(const RedisNodeAddress &node, const RedisArgs &args);
    // A call that starts now must be answered by then.
    RedisDeadline callDeadline() const { return RedisClock::now() + options().commandTimeout; }

    // Values in the keys' order; std::nullopt for a missing key. In a cluster where some
    // nodes fail and others answer, a partial result: the failed nodes' keys are missing.
    // Each MGET asks for at most `keysPerCommand` keys (at most 512); all are pipelined.
    RedisResult<QList<std::optional<QByteArray>>> mget(const QList<QByteArray> &keys, qsizetype keysPerCommand = 512);
    // SET key value PX ttl for every item, pipelined; ttl <= 0 stores without expiry.
    RedisResult<bool> setMany(const QList<QPair<QByteArray, QByteArray>> &items, std::chrono::milliseconds ttl);
    // How many of the keys existed. UNLINK frees memory off Redis's main thread.
    RedisResult<qint64> unlink(const QList<QByteArray> &keys);

    // One SCAN step; in a cluster the cursor walks every master in turn.
    RedisResult<RedisScanPage> scan(const QByteArray &cursor, const QByteArray &pattern, int count);
    // True when the key exists and the expiry was set.
    RedisResult<bool> pexpire(const QByteArray &key, std::chrono::milliseconds ttl);
    RedisResult<QList<RedisNodeInfo>> info();
    RedisResult<qint64> dbsize();
    RedisResult<bool> ping();

protected:
    explicit RedisClient(const RedisOptions &options);
    // Keys of one group may share a multi-key command: all keys standalone, one slot in a cluster.
    virtual int keyGroup(const QByteArray &key) const = 0;

    RedisConnectionPool m_pool;

private:
    struct KeyedReply
    {
        QList<qsizetype> keyIndexes;
        RedisReply reply;
    };
    // `verb key...` split into groups that can share a command, in chunks; a group that a
    // slot migration answers with TRYAGAIN is sent again one key per command.
    QList<KeyedReply> multiKey(const QByteArray &verb, const QList<QByteArray> &keys, qsizetype keysPerCommand);
    struct NodeReply
    {
        RedisNodeAddress node;
        RedisReply reply;
    };
    // `args` on every master in turn; the first error reply or unreachable map fails it all.
    RedisResult<QList<NodeReply>> onEveryMaster(const RedisArgs &args);
};

} // namespace adserve
