#include "SqlSession.h"

#include "ConnectionPool.h"
#include "PostgresHandle.h"

namespace adserve {

namespace {

const QString kCommit = QStringLiteral("COMMIT");
// PostgreSQL's query_canceled: here, statement_timeout (nobody else cancels our statements).
const QString kQueryCanceled = QStringLiteral("57014");

} // namespace

SqlSession::SqlSession(QSqlDatabase db, const SqlDialect &dialect)
    : db_(std::move(db))
    , dialect_(dialect)
    , deadline_(db_, ConnectionPool::queryTimeout(db_))
{
}

SqlSession::~SqlSession()
{
    rollback();
}

std::chrono::milliseconds SqlSession::wait() const
{
    return longRead_ ? kLongReadSilence * deadline_.timeout() : deadline_.timeout();
}

void SqlSession::starting(bool longRead)
{
    longRead_ = longRead;
    rowsArriving();
}

void SqlSession::rowsArriving()
{
    if (longRead_)
        deadline_.restart(wait());
    else
        deadline_.restart();
}

namespace {
constexpr quint64 kRowsBetweenSignsOfLife = 1024;
}

bool SqlSession::next(QSqlQuery &query)
{
    if (query.next()) {
        rawRowRead();
        return true;
    }
    if (query.lastError().isValid())
        fail(query.lastError(), query.lastQuery());
    return false;
}

QSqlError SqlSession::explained(const QSqlError &error)
{
    const qint64 ms = deadline_.timeout().count();
    if (deadline_.expired()) {
        QString why = longRead_ ? QStringLiteral("PostgreSQL sent nothing for %1 ms (%2 x DATABASE_QUERY_TIMEOUT_MS) "
                                                 "while a long read was under way; the connection was dropped")
                                      .arg(wait().count())
                                      .arg(kLongReadSilence)
                                : QStringLiteral("PostgreSQL did not answer within %1 ms (DATABASE_QUERY_TIMEOUT_MS); "
                                                 "the connection was dropped")
                                      .arg(ms);
        if (committing_)
            why += QStringLiteral(", and whether the write was applied is unknown");
        ConnectionPool::dropUnanswered(db_, why);
        return QSqlError(why, {}, QSqlError::ConnectionError);
    }
    if (error.nativeErrorCode() == kQueryCanceled && ms > 0)
        return QSqlError(QStringLiteral("PostgreSQL did not finish a statement within %1 ms "
                                        "(DATABASE_QUERY_TIMEOUT_MS) and canceled it").arg(ms),
                         {}, QSqlError::StatementError, error.nativeErrorCode());
    return error;
}

void SqlSession::fail(const QSqlError &error, const QString &statement)
{
    const QSqlError reported = explained(error);
    // Ends the transaction at once: the statements still alive while the failure unwinds
    // can then clean up (a failed PostgreSQL transaction refuses even DEALLOCATE).
    rollback();
    throw SqlFailure{reported, statement};
}

QSqlQuery SqlSession::exec(const QString &sql, const QVariantList &binds)
{
    QSqlQuery query(db_);
    query.setForwardOnly(true);
    if (binds.isEmpty()) {
        starting(false);
        if (!query.exec(sql))
            fail(query.lastError(), sql);
        return query;
    }
    starting(false);
    if (!query.prepare(sql))
        fail(query.lastError(), sql);
    for (const QVariant &value : binds)
        query.addBindValue(value);
    exec(query);
    return query;
}

void SqlSession::startRawLongRead()
{
    if (inTransaction_ && dialect_.isPostgres())
        exec(QStringLiteral("SET LOCAL statement_timeout = 0"));
    starting(true);
}

void SqlSession::rawRowRead()
{
    if (++rowsRead_ % kRowsBetweenSignsOfLife == 0)
        rowsArriving();
}

QSqlQuery SqlSession::execLong(const QString &sql)
{
    startRawLongRead();
    QSqlQuery query(db_);
    query.setForwardOnly(true); // QPSQL then hands rows over as they arrive
    if (!query.exec(sql))
        fail(query.lastError(), sql);
    return query;
}

QSqlQuery SqlSession::prepare(const QString &sql)
{
    QSqlQuery query(db_);
    query.setForwardOnly(true);
    starting(false);
    if (!query.prepare(sql))
        fail(query.lastError(), sql);
    return query;
}

QSqlQuery &SqlSession::execPrepared(const QString &sql, const QVariantList &binds)
{
    auto it = prepared_.find(sql);
    if (it == prepared_.end())
        it = prepared_.emplace(sql, prepare(sql)).first;
    for (int i = 0; i < binds.size(); ++i)
        it->second.bindValue(i, binds.at(i));
    exec(it->second);
    return it->second;
}

void SqlSession::exec(QSqlQuery &prepared)
{
    starting(false);
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
    if (PostgresHandle::transactionFailed(db_))
        fail(QSqlError(QStringLiteral("the transaction failed on the server: a statement in it broke off (perhaps "
                                      "after DATABASE_QUERY_TIMEOUT_MS); nothing was committed"),
                       {}, QSqlError::TransactionError),
             kCommit);
    // Cut while COMMIT is on its way, the server may still apply it once it runs again.
    committing_ = !deadline_.expired();
    exec(kCommit);
    committing_ = false;
    inTransaction_ = false;
}

void SqlSession::rollback()
{
    if (!inTransaction_)
        return;
    inTransaction_ = false;
    if (!db_.isOpen()) // QPSQL closes a connection it found broken
        return;
    starting(false);
    QSqlQuery query(db_);
    query.exec(QStringLiteral("ROLLBACK"));
}

bool SqlSession::alive()
{
    if (!db_.isOpen())
        return false;
    starting(false);
    QSqlQuery query(db_);
    return query.exec(QStringLiteral("SELECT 1")) && query.next();
}

} // namespace adserve
