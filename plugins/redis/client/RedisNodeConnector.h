#pragma once

#include "RedisNodeHealth.h"
#include "RedisOptions.h"
#include "RedisWire.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace adserve {

// Opens the connections to one Redis node (connect, then AUTH, SELECT and CLIENT SETNAME),
// on a thread of its own: no caller ever waits for a connect or a handshake, which against a
// frozen server last the whole connect timeout. Callers take the connections it opened. After
// a fault it backs off (RedisNodeHealth) and callers without a connection fail at once until
// it has opened a new one. Thread-safe.
class RedisNodeConnector
{
public:
    RedisNodeConnector(RedisNodeAddress node, const RedisOptions &options);
    // Waits for a connect under way to end: at most the connect timeout.
    ~RedisNodeConnector();
    RedisNodeConnector(const RedisNodeConnector &) = delete;
    RedisNodeConnector &operator=(const RedisNodeConnector &) = delete;

    // An open connection, or null with `why` set. While the node is healthy, waits for one
    // until `deadline` (a thread's first call, or one after a connection closed while idle);
    // while it is failing, returns at once. `waiting` is the caller's own: it records that the
    // caller asked, so that one connection is opened per caller however often it asks.
    std::unique_ptr<RedisWire> take(RedisDeadline deadline, bool *waiting, QString *why);
    // The caller that asked no longer wants a connection (its thread ends).
    void withdraw(bool *waiting);
    // A connection failed while open: callers without one fail at once for the backoff.
    void reportFault(const QString &why);

    // "Redis host:port", the start of every message about this node.
    QString where() const;

private:
    void run();
    std::unique_ptr<RedisWire> open(QString *error);
    bool handshake(RedisWire &wire, RedisDeadline deadline, QString *error);
    // With the lock held: a ready connection for a caller that asked, or null.
    std::unique_ptr<RedisWire> takeReady(bool *waiting);
    // With the lock held: closes the ready connections no caller waits for any more.
    void closeSpares();

    const RedisNodeAddress m_node;
    const RedisOptions m_options;
    std::mutex m_mutex; // guards everything below but the thread
    std::condition_variable m_wanted; // wakes the thread: a connection is wanted, or stop
    std::condition_variable m_changed; // wakes callers: a connection opened, or an attempt failed
    RedisNodeHealth m_health;
    std::deque<std::unique_ptr<RedisWire>> m_ready;
    int m_callersWaiting = 0;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace adserve
