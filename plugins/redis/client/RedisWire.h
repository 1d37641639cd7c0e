#pragma once

#include "RedisOptions.h"
#include "RedisReply.h"

#include <chrono>
#include <memory>

struct redisContext;

namespace adserve {

using RedisClock = std::chrono::steady_clock;
// When a call must have its answer: every wait of one call counts against the same one.
using RedisDeadline = RedisClock::time_point;

// One open hiredis connection, driven by deadlines. Its socket is non-blocking and every
// wait for it is a poll() for the time left until the caller's deadline: a server that stops
// answering holds the caller no longer than that (a socket timeout would start over with
// every read, and a reply that trickles in could hold it for many). Used by one thread at a time.
class RedisWire
{
public:
    enum class Fault { None, TimedOut, Closed, Failed };

    // Connects (name resolution included) within `timeout`; null with `error` set when it cannot.
    static std::unique_ptr<RedisWire> connect(const RedisNodeAddress &node, std::chrono::milliseconds timeout,
                                              QString *error);
    ~RedisWire();
    RedisWire(const RedisWire &) = delete;
    RedisWire &operator=(const RedisWire &) = delete;

    // Writes every command out.
    Fault send(const QList<RedisArgs> &commands, RedisDeadline deadline);
    // The next reply.
    Fault read(RedisReply *reply, RedisDeadline deadline);
    // "timed out after 50 ms waiting for a reply", "connection closed by the server while ...".
    QString describe(Fault fault, std::chrono::milliseconds timeout, const char *waitingFor) const;

private:
    explicit RedisWire(redisContext *context);
    // Waits until the socket is ready for `events`: None, or TimedOut.
    Fault wait(short events, RedisDeadline deadline);
    // After hiredis failed to write: Closed when the server ended the connection.
    Fault ioFault();
    // Reads what the socket holds into the reader: None, or the fault that ended the connection.
    Fault receive();

    redisContext *const m_context;
    RedisReply m_pending; // the reply the reader is building (RedisReplyBuilder)
    int m_errno = 0;      // of the last failed read or write
};

} // namespace adserve
