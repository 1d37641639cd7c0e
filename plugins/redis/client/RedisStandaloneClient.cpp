#include "RedisStandaloneClient.h"

namespace adserve {

QList<RedisReply> RedisStandaloneClient::execute(const QList<RedisCommand> &commands)
{
    QList<RedisArgs> args;
    args.reserve(commands.size());
    for (const RedisCommand &command : commands)
        args.append(command.args);
    QList<RedisReply> replies = m_pool.connection(options().address).pipeline(args);
    for (RedisReply &reply : replies) {
        // A cluster node answers keys of other nodes' slots with MOVED: say what to change.
        if (reply.errorCode() == "MOVED")
            reply.bytes += " (the server is a Redis Cluster node: set REDIS_CLUSTER=true)";
    }
    return replies;
}

} // namespace adserve
