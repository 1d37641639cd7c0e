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
// The cut comes when the timeout passes: a call never waits longer. The connection's server is
// given a slightly shorter statement_timeout (serverTimeout(), see ConnectionPool), so a slow
// but living server cancels the statement itself, cleanly, first, and the connection stays
// usable. Does nothing for SQLite or a zero timeout.
// Use from the connection's own thread, and stop (or destroy) before the connection closes.
class StatementDeadline
{
public:
    StatementDeadline(QSqlDatabase db, std::chrono::milliseconds timeout);
    ~StatementDeadline();
    StatementDeadline(const StatementDeadline &) = delete;
    StatementDeadline &operator=(const StatementDeadline &) = delete;

    // The statement_timeout for the server: `timeout` less its head start (a quarter, at most
    // 100 ms), time enough for the server's cancel to come back before the cut.
    static std::chrono::milliseconds serverTimeout(std::chrono::milliseconds timeout);

    // A statement is about to run: the connection is cut unless restart() or stop() come
    // within the timeout. Reading its rows counts as its time.
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
