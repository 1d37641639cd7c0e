#pragma once

#include "DatabaseTarget.h"

#include <QSqlDatabase>
#include <QString>

#include <atomic>
#include <chrono>
#include <memory>

namespace adserve {

// Hands every thread its own connection to one database, because a QSqlDatabase may only
// be used by the thread that created it. A thread's connection opens on its first use and
// is removed when the thread ends, or, for the thread that destroys the pool, with the pool.
// Threads that outlive the pool drop their connection on their next use of any pool.
class ConnectionPool
{
public:
    explicit ConnectionPool(DatabaseTarget target);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool &) = delete;
    ConnectionPool &operator=(const ConnectionPool &) = delete;

    // The calling thread's open connection. When the database cannot be reached, returns
    // an invalid or closed QSqlDatabase and sets `error` (never containing the password).
    QSqlDatabase connection(QString *error);
    // Forgets the calling thread's connection (it broke): the next connection() reconnects,
    // except after dropUnanswered() (see there).
    void discard();

    // Opens and sets up a connection under `name` (SQLite: WAL, busy timeout, foreign keys;
    // PostgreSQL: first a check that the server answers within the query timeout
    // (PostgresProbe), then connect timeout, UTC session, statement_timeout). Also used for
    // connections the pool does not manage, like the notification listener. On failure the
    // name is removed again.
    static QSqlDatabase open(const DatabaseTarget &target, const QString &name, QString *error);
    // The target's query timeout, for a PostgreSQL connection made by open(); zero otherwise.
    static std::chrono::milliseconds queryTimeout(const QSqlDatabase &db);
    // `db` was cut because PostgreSQL did not answer in time (StatementDeadline): the pool
    // drops it, and the thread's next connection() fails at once with `why` instead of
    // reconnecting. The store retries a broken connection at once, and against a server that
    // just froze the retry would only wait out the connect timeout as well, hide why the
    // call failed, and could apply a write whose COMMIT went unanswered twice. The
    // connection() after that one reconnects.
    static void dropUnanswered(const QSqlDatabase &db, const QString &why);
    // Closes and removes a connection created by open(), from the thread that opened it.
    static void close(const QString &name);
    // Waits until every other thread that opened connections has closed them on its way
    // out. Call after joining the program's threads and before Qt is torn down.
    static bool awaitThreadCleanup(int timeoutMs);

private:
    const DatabaseTarget target_;
    const quint64 id_;
    const std::shared_ptr<std::atomic_bool> alive_;
};

} // namespace adserve
