#pragma once

#include "RedisNodeHealth.h"
#include "RedisOptions.h"
#include "RedisReply.h"

#include <memory>

struct redisContext;

namespace adserve {

// One hiredis connection to one server, used by one thread only. Connects lazily
// (AUTH, SELECT and CLIENT SETNAME in one round trip), bounds every wait by the connect
// and command timeouts, and after any connection fault drops the context, so the next
// use reconnects — when the node's shared backoff allows.
class RedisConnection
{
public:
    RedisConnection(RedisNodeAddress node, const RedisOptions &options, std::shared_ptr<RedisNodeHealth> health);
    ~RedisConnection();
    RedisConnection(const RedisConnection &) = delete;
    RedisConnection &operator=(const RedisConnection &) = delete;

    // Sends every command in one write, then reads one reply per command, in order.
    // A connection fault makes this and every later reply a ConnectionError. A connection
    // the server closed while idle (restart, idle timeout) is reopened and the batch sent
    // again once, since nothing of it was answered.
    QList<RedisReply> pipeline(const QList<RedisArgs> &commands);

    // The two halves of pipeline(), to have several nodes work at once: send() to each,
    // then receive() from each. receive() retries like pipeline() does.
    void send(const QList<RedisArgs> &commands);
    QList<RedisReply> receive();

private:
    bool connect(QString *error);
    bool handshake(QString *error);
    QList<RedisReply> collect();
    bool appendAndFlush(const QList<RedisArgs> &commands);
    QList<RedisReply> readReplies(qsizetype count);
    // Notes the context's fault (closed, reset, timed out) and drops the context.
    QString dropOnFault(const char *waitingFor);
    QString describeFault(const char *waitingFor, int savedErrno);
    // "Redis host:port", the start of every message about this connection.
    QString where() const;

    const RedisNodeAddress m_node;
    const RedisOptions m_options;
    const std::shared_ptr<RedisNodeHealth> m_health;
    redisContext *m_context = nullptr;
    std::chrono::milliseconds m_timeout{0}; // what the socket waits for now
    bool m_reused = false;       // the context has already answered a batch
    bool m_sentOnReused = false; // the pending batch went out on a reused context
    bool m_closedByPeer = false; // the last fault was the server closing the connection
    QList<RedisArgs> m_sent;     // the batch send() queued, for receive() to resend once
    QString m_sendError;         // why send() could not send it
    QString m_openContextFault;  // a fault of an open connection during this batch
};

} // namespace adserve
