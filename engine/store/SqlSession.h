#pragma once

#include "SqlDialect.h"
#include "StatementDeadline.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>

#include <map>

namespace adserve {

// A statement that failed; carried up to the store call that ran it.
struct SqlFailure
{
    QSqlError error;
    QString statement;
};

// One store call's use of the calling thread's connection: statements that throw
// SqlFailure instead of returning false, and the write transaction around them.
//
// On PostgreSQL every statement, and the reading of its rows, must end within the
// connection's query timeout (ConnectionPool::queryTimeout): the server cancels a statement
// that runs too long, and a connection whose server does not answer at all is cut and
// dropped (StatementDeadline, ConnectionPool::dropUnanswered). Either way the statement
// fails with an error naming the timeout, and an open transaction is not committed.
class SqlSession
{
public:
    SqlSession(QSqlDatabase db, const SqlDialect &dialect);
    ~SqlSession();
    SqlSession(const SqlSession &) = delete;
    SqlSession &operator=(const SqlSession &) = delete;

    const SqlDialect &dialect() const { return dialect_; }

    // Runs `sql` with positional `binds`; the returned query is positioned before the first row.
    QSqlQuery exec(const QString &sql, const QVariantList &binds = {});
    // For a statement whose rows, all together, may take longer than the query timeout to
    // read (every campaign or rule of a large store). Inside a transaction the PostgreSQL
    // server does not time it; the connection is still cut when the server sends nothing for
    // kLongReadSilence times the timeout, counted from the statement or the last rowsArriving().
    QSqlQuery execLong(const QString &sql);
    static constexpr int kLongReadSilence = 10;
    // query.next(), except that rows that broke off (the statement failed while sending
    // them, or its connection was cut) throw instead of passing for the end of a short
    // result. Also tells the deadline every so many rows that the server is still sending.
    bool next(QSqlQuery &query);

    // For statements run many times with different binds (bulk inserts).
    QSqlQuery prepare(const QString &sql);
    void exec(QSqlQuery &prepared);
    // Runs `sql` with positional `binds`, prepared once per session, so once per transaction:
    // for the statements a write runs once per campaign (a bulk edit of 100,000). The query
    // is the session's and the next call with the same SQL runs it again: read its rows first.
    QSqlQuery &execPrepared(const QString &sql, const QVariantList &binds);

    // Starts a transaction with `beginStatement` (see SqlDialect::beginWrite, beginSnapshot).
    void begin(const QString &beginStatement);
    // Commits, unless a statement of the transaction failed on the server unnoticed (its
    // error only visible on its query): then nothing is committed and this throws.
    void commit();
    // Rolls back an open transaction; never throws (it runs while handling a failure).
    void rollback();
    // Whether the connection still answers: tells a broken connection from a failed statement.
    bool alive();

    // For statements run on the driver's own handle (RawRows): the connection, and the
    // failure of such a statement, reported and unwound as any other.
    QSqlDatabase &database() { return db_; }
    [[noreturn]] void fail(const QSqlError &error, const QString &statement);
    // Such a long read starts (bounded as execLong's), and it read another row (as next()).
    void startRawLongRead();
    void rawRowRead();

private:
    // A statement starts: arms the deadline for it.
    void starting(bool longRead);
    std::chrono::milliseconds wait() const;
    void rowsArriving();
    // The error to report for a failed statement: a timeout named as such.
    QSqlError explained(const QSqlError &error);

    QSqlDatabase db_;
    const SqlDialect &dialect_;
    std::map<QString, QSqlQuery> prepared_; // by SQL: execPrepared()'s statements
    StatementDeadline deadline_;
    bool inTransaction_ = false;
    bool longRead_ = false; // the current statement came through execLong()
    quint64 rowsRead_ = 0;
    bool committing_ = false;
};

} // namespace adserve
