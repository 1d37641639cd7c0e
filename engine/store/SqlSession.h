#pragma once

#include "SqlDialect.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariantList>

namespace adserve {

// A statement that failed; carried up to the store call that ran it.
struct SqlFailure
{
    QSqlError error;
    QString statement;
};

// One store call's use of the calling thread's connection: statements that throw
// SqlFailure instead of returning false, and the write transaction around them.
class SqlSession
{
public:
    SqlSession(QSqlDatabase db, const SqlDialect &dialect) : db_(std::move(db)), dialect_(dialect) {}
    ~SqlSession();
    SqlSession(const SqlSession &) = delete;
    SqlSession &operator=(const SqlSession &) = delete;

    const SqlDialect &dialect() const { return dialect_; }

    // Runs `sql` with positional `binds`; the returned query is positioned before the first row.
    QSqlQuery exec(const QString &sql, const QVariantList &binds = {});
    // For statements run many times with different binds (bulk inserts).
    QSqlQuery prepare(const QString &sql);
    void exec(QSqlQuery &prepared);

    // Starts a transaction with `beginStatement` (see SqlDialect::beginWrite, beginSnapshot).
    void begin(const QString &beginStatement);
    void commit();
    // Rolls back an open transaction; never throws (it runs while handling a failure).
    void rollback();
    // Whether the connection still answers: tells a broken connection from a failed statement.
    bool alive();

private:
    [[noreturn]] void fail(const QSqlError &error, const QString &statement);

    QSqlDatabase db_;
    const SqlDialect &dialect_;
    bool inTransaction_ = false;
};

} // namespace adserve
