#include "SqlSession.h"

namespace adserve {

SqlSession::~SqlSession()
{
    rollback();
}

void SqlSession::fail(const QSqlError &error, const QString &statement)
{
    // Ends the transaction at once: the statements still alive while the failure unwinds
    // can then clean up (a failed PostgreSQL transaction refuses even DEALLOCATE).
    rollback();
    throw SqlFailure{error, statement};
}

QSqlQuery SqlSession::exec(const QString &sql, const QVariantList &binds)
{
    QSqlQuery query(db_);
    query.setForwardOnly(true);
    if (binds.isEmpty()) {
        if (!query.exec(sql))
            fail(query.lastError(), sql);
        return query;
    }
    if (!query.prepare(sql))
        fail(query.lastError(), sql);
    for (const QVariant &value : binds)
        query.addBindValue(value);
    exec(query);
    return query;
}

QSqlQuery SqlSession::prepare(const QString &sql)
{
    QSqlQuery query(db_);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        fail(query.lastError(), sql);
    return query;
}

void SqlSession::exec(QSqlQuery &prepared)
{
    if (!prepared.exec())
        fail(prepared.lastError(), prepared.lastQuery());
}

void SqlSession::begin(const QString &beginStatement)
{
    exec(beginStatement);
    inTransaction_ = true;
}

void SqlSession::commit()
{
    exec(QStringLiteral("COMMIT"));
    inTransaction_ = false;
}

void SqlSession::rollback()
{
    if (!inTransaction_)
        return;
    inTransaction_ = false;
    QSqlQuery query(db_);
    query.exec(QStringLiteral("ROLLBACK"));
}

bool SqlSession::alive()
{
    QSqlQuery query(db_);
    return query.exec(QStringLiteral("SELECT 1")) && query.next();
}

} // namespace adserve
