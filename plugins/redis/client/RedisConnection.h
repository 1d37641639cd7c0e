#pragma once

#include "RedisNodeConnector.h"
#include "RedisReply.h"
#include "RedisWire.h"

#include <memory>

namespace adserve {

// One thread's connection to one server. It never connects by itself: it takes a connection
// its node's connector opened (RedisNodeConnector), so a call waits for Redis only until its
// deadline, whatever state Redis is in. After any connection fault it drops the connection
// and takes another on its next use.
class RedisConnection
{
public:
    RedisConnection(std::shared_ptr<RedisNodeConnector> connector, std::chrono::milliseconds commandTimeout);
    ~RedisConnection();
    RedisConnection(const RedisConnection &) = delete;
    RedisConnection &operator=(const RedisConnection &) = delete;

    // Sends every command in one write, then reads one reply per command, in order, all by
    // `deadline`. A connection fault makes this and every later reply a ConnectionError. A
    // connection the server closed while idle (restart, idle timeout) is replaced and the
    // batch sent again once, since nothing of it was answered.
    QList<RedisReply> pipeline(const QList<RedisArgs> &commands, RedisDeadline deadline);

    // The two halves of pipeline(), to have several nodes work at once: send() to each,
    // then receive() from each. receive() retries like pipeline() does.
    void send(const QList<RedisArgs> &commands, RedisDeadline deadline);
    QList<RedisReply> receive();

private:
    bool acquire(QString *error);
    QList<RedisReply> collect();
    QList<RedisReply> readReplies(qsizetype count);
    // Describes the fault, notes whether the server closed the connection, and drops it.
    QString dropOnFault(RedisWire::Fault fault, const char *waitingFor);

    const std::shared_ptr<RedisNodeConnector> m_connector;
    const std::chrono::milliseconds m_commandTimeout;
    std::unique_ptr<RedisWire> m_wire;
    bool m_waiting = false;      // asked the connector for a connection not yet taken
    bool m_reused = false;       // the connection has already answered a batch
    bool m_sentOnReused = false; // the pending batch went out on a reused connection
    bool m_closedByPeer = false; // the last fault was the server closing the connection
    RedisDeadline m_deadline;    // of the pending batch
    QList<RedisArgs> m_sent;     // the batch send() queued, for receive() to resend once
    QString m_sendError;         // why send() could not send it
    QString m_openFault;         // a fault of an open connection during this batch
};

} // namespace adserve
