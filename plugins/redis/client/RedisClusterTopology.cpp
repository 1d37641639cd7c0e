#include "RedisClusterTopology.h"

#include "RedisSlot.h"

#include <algorithm>

namespace adserve {

namespace {

using Result = RedisResult<RedisClusterTopology>;

qint64 asInteger(const RedisReply &reply, bool *ok)
{
    if (reply.type == RedisReply::Type::Integer) {
        *ok = true;
        return reply.integer;
    }
    return reply.bytes.toLongLong(ok);
}

// CLUSTER SHARDS answers maps as flat [name, value, name, value, ...] arrays.
const RedisReply *field(const RedisReply &map, QByteArrayView name)
{
    for (qsizetype i = 0; i + 1 < map.elements.size(); i += 2) {
        if (map.elements.at(i).bytes == name)
            return &map.elements.at(i + 1);
    }
    return nullptr;
}

QString hostOr(const QByteArray &host, const RedisNodeAddress &queried)
{
    return host.isEmpty() || host == "?" ? queried.host : QString::fromUtf8(host);
}

} // namespace

Result RedisClusterTopology::fromShards(const RedisReply &reply, const RedisNodeAddress &queried)
{
    if (reply.type != RedisReply::Type::Array)
        return Result::failure(QStringLiteral("CLUSTER SHARDS: unexpected reply"));
    QList<SlotRange> ranges;
    for (const RedisReply &shard : reply.elements) {
        const RedisReply *slotPairs = field(shard, "slots");
        const RedisReply *nodes = field(shard, "nodes");
        if (!slotPairs || !nodes)
            return Result::failure(QStringLiteral("CLUSTER SHARDS: a shard without slots or nodes"));
        std::optional<RedisNodeAddress> master;
        for (const RedisReply &node : nodes->elements) {
            const RedisReply *role = field(node, "role");
            const RedisReply *port = field(node, "port");
            if (!role || role->bytes != "master" || !port)
                continue;
            const RedisReply *endpoint = field(node, "endpoint");
            const RedisReply *ip = field(node, "ip");
            QByteArray host = endpoint ? endpoint->bytes : QByteArray();
            if ((host.isEmpty() || host == "?") && ip)
                host = ip->bytes;
            bool ok = false;
            const qint64 number = asInteger(*port, &ok);
            if (!ok || number <= 0 || number > 65535)
                return Result::failure(QStringLiteral("CLUSTER SHARDS: bad port"));
            master = RedisNodeAddress{hostOr(host, queried), quint16(number)};
        }
        if (!master)
            continue; // a shard that lost its master: its slots stay unserved until a failover
        for (qsizetype i = 0; i + 1 < slotPairs->elements.size(); i += 2) {
            bool firstOk = false, lastOk = false;
            const qint64 first = asInteger(slotPairs->elements.at(i), &firstOk);
            const qint64 last = asInteger(slotPairs->elements.at(i + 1), &lastOk);
            if (!firstOk || !lastOk)
                return Result::failure(QStringLiteral("CLUSTER SHARDS: bad slot range"));
            ranges.append({int(first), int(last), *master});
        }
    }
    return fromRanges(ranges);
}

Result RedisClusterTopology::fromSlots(const RedisReply &reply, const RedisNodeAddress &queried)
{
    if (reply.type != RedisReply::Type::Array)
        return Result::failure(QStringLiteral("CLUSTER SLOTS: unexpected reply"));
    QList<SlotRange> ranges;
    for (const RedisReply &entry : reply.elements) {
        // [first, last, [host, port, id, ...] of the master, replicas...]
        if (entry.elements.size() < 3 || entry.elements.at(2).elements.size() < 2)
            return Result::failure(QStringLiteral("CLUSTER SLOTS: malformed entry"));
        const RedisReply &master = entry.elements.at(2);
        bool firstOk = false, lastOk = false, portOk = false;
        const qint64 first = asInteger(entry.elements.at(0), &firstOk);
        const qint64 last = asInteger(entry.elements.at(1), &lastOk);
        const qint64 port = asInteger(master.elements.at(1), &portOk);
        if (!firstOk || !lastOk || !portOk || port <= 0 || port > 65535)
            return Result::failure(QStringLiteral("CLUSTER SLOTS: malformed entry"));
        ranges.append({int(first), int(last), {hostOr(master.elements.at(0).bytes, queried), quint16(port)}});
    }
    return fromRanges(ranges);
}

Result RedisClusterTopology::fromRanges(const QList<SlotRange> &ranges)
{
    RedisClusterTopology topology;
    for (const SlotRange &range : ranges) {
        if (range.first < 0 || range.last >= RedisSlot::kCount || range.first > range.last)
            return Result::failure(QStringLiteral("cluster layout: slot range %1-%2 is out of bounds")
                                       .arg(range.first).arg(range.last));
        if (!topology.m_masters.contains(range.node))
            topology.m_masters.append(range.node);
    }
    if (topology.m_masters.isEmpty())
        return Result::failure(QStringLiteral("the cluster has no slots assigned yet"));
    std::sort(topology.m_masters.begin(), topology.m_masters.end(),
              [](const RedisNodeAddress &a, const RedisNodeAddress &b) {
                  return std::pair(a.host, a.port) < std::pair(b.host, b.port);
              });
    topology.m_owner.assign(RedisSlot::kCount, -1);
    for (const SlotRange &range : ranges) {
        const auto owner = qint16(topology.m_masters.indexOf(range.node));
        std::fill(topology.m_owner.begin() + range.first, topology.m_owner.begin() + range.last + 1, owner);
    }
    return {std::move(topology), {}};
}

std::optional<RedisNodeAddress> RedisClusterTopology::nodeForSlot(int slot) const
{
    if (slot < 0 || slot >= int(m_owner.size()) || m_owner[slot] < 0)
        return std::nullopt;
    return m_masters.at(m_owner[slot]);
}

int RedisClusterTopology::coveredSlots() const
{
    return int(std::count_if(m_owner.begin(), m_owner.end(), [](qint16 owner) { return owner >= 0; }));
}

} // namespace adserve
