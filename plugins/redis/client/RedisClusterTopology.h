#pragma once

#include "RedisOptions.h"
#include "RedisReply.h"
#include "RedisResult.h"

#include <QList>

#include <optional>
#include <vector>

namespace adserve {

// Which master serves each of the 16384 slots, read from CLUSTER SHARDS (Redis 7) or
// CLUSTER SLOTS (older servers). Immutable once built: the client swaps whole maps.
class RedisClusterTopology
{
public:
    // `queried` fills in a node address the server leaves empty (its own, unannounced).
    static RedisResult<RedisClusterTopology> fromShards(const RedisReply &reply, const RedisNodeAddress &queried);
    static RedisResult<RedisClusterTopology> fromSlots(const RedisReply &reply, const RedisNodeAddress &queried);

    // Masters that serve slots, sorted by address.
    const QList<RedisNodeAddress> &masters() const { return m_masters; }
    std::optional<RedisNodeAddress> nodeForSlot(int slot) const;
    int coveredSlots() const;

private:
    struct SlotRange
    {
        int first;
        int last;
        RedisNodeAddress node;
    };
    static RedisResult<RedisClusterTopology> fromRanges(const QList<SlotRange> &ranges);

    QList<RedisNodeAddress> m_masters;
    std::vector<qint16> m_owner; // index into m_masters, -1 for a slot nobody serves
};

} // namespace adserve
