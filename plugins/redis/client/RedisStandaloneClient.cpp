#include "RedisStandaloneClient.h"

namespace adserve {

QList<RedisReply> RedisStandaloneClient::execute(const QList<RedisCommand> &commands)
{
    QList<RedisArgs> args;
    args.reserve(commands.size());
    for (const RedisCommand &command : commands)
        args.append(command.args);
    QList<RedisReply> replies = m_pool.connection(options().address).pipeline(args, callDeadline());
    for (RedisReply &reply : replies) {
        // A cluster node refuses keys of other nodes' slots: say what to change.
        if (const QByteArray code = reply.errorCode(); code == "MOVED" || code == "CROSSSLOT")
            reply.bytes += " (the server is a Redis Cluster node: set REDIS_CLUSTER=true)";
    }
    return replies;
}

} // namespace adserve
