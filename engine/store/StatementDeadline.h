#pragma once

#include <QSqlDatabase>

#include <chrono>

namespace adserve {

// Bounds how long statements on one PostgreSQL connection may keep their thread waiting.
// A frozen server, or a network that drops packets silently, leaves the socket open and
// libpq waits for an answer forever. When a deadline passes, a watchdog thread shared by
// every connection shuts the socket down: the waiting call fails at once with a connection
// error, and the connection is dead (drop it, never reuse it).
//
// The connection's server is given the same limit as statement_timeout (see ConnectionPool),
// so a slow but living server cancels the statement itself, cleanly, first; the cut comes a
// little later, for a server that cannot even do that. Does nothing for SQLite or a zero timeout.
// Use from the connection's own thread, and stop (or destroy) before the connection closes.
class StatementDeadline
{
public:
    StatementDeadline(QSqlDatabase db, std::chrono::milliseconds timeout);
    ~StatementDeadline();
    StatementDeadline(const StatementDeadline &) = delete;
    StatementDeadline &operator=(const StatementDeadline &) = delete;

    // A statement is about to run: the connection is cut unless restart() or stop() come
    // within the timeout (plus the server's head start). Reading its rows counts as its time.
    void restart();
    // The same with another wait: for a statement the server does not time (a long read).
    void restart(std::chrono::milliseconds wait);
    void stop();
    // Whether the connection was cut because a deadline passed. Stays true.
    bool expired();
    std::chrono::milliseconds timeout() const { return timeout_; }

private:
    QSqlDatabase db_;
    const std::chrono::milliseconds timeout_;
    quint64 watch_ = 0; // 0: not watched
    bool expired_ = false;
};

} // namespace adserve
