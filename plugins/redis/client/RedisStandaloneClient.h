#pragma once

#include "RedisClient.h"

namespace adserve {

// One Redis server: every command goes down this thread's connection to it.
class RedisStandaloneClient final : public RedisClient
{
public:
    explicit RedisStandaloneClient(const RedisOptions &options) : RedisClient(options) {}

    QList<RedisReply> execute(const QList<RedisCommand> &commands) override;
    RedisResult<QList<RedisNodeAddress>> masters() override { return {{options().address}, {}}; }

protected:
    int keyGroup(const QByteArray &) const override { return 0; }
};

} // namespace adserve
