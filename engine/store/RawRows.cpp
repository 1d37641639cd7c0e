#include "RawRows.h"

#include "SqlSession.h"

#include <QSqlDriver>
#include <QSqlRecord>
#include <QVariant>

#include <sqlite3.h>

#include <vector>

namespace adserve {

namespace {

// SQLite's own statement on the connection's handle (same thread, same transaction).
class SqliteRows final : public RawRows
{
public:
    SqliteRows(SqlSession &session, sqlite3 *db, const QString &sql)
        : session_(session)
        , db_(db)
        , sql_(sql)
    {
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v2(db_, utf8.constData(), int(utf8.size()), &statement_, nullptr) != SQLITE_OK)
            fail();
    }
    ~SqliteRows() override { sqlite3_finalize(statement_); }

    bool next() override
    {
        const int step = sqlite3_step(statement_);
        if (step == SQLITE_ROW)
            return true;
        if (step != SQLITE_DONE)
            fail();
        return false;
    }
    bool isNull(int column) const override { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
    QByteArrayView text(int column) const override
    {
        const auto *bytes = reinterpret_cast<const char *>(sqlite3_column_text(statement_, column));
        return QByteArrayView(bytes, sqlite3_column_bytes(statement_, column));
    }
    qint64 integer(int column) const override { return sqlite3_column_int64(statement_, column); }

private:
    [[noreturn]] void fail()
    {
        const QSqlError error(QString(), QString::fromUtf8(sqlite3_errmsg(db_)), QSqlError::StatementError,
                              QString::number(sqlite3_extended_errcode(db_)));
        session_.fail(error, sql_);
    }

    SqlSession &session_;
    sqlite3 *db_;
    QString sql_;
    sqlite3_stmt *statement_ = nullptr;
};

// Any other driver: the session's long read, its values turned into bytes.
class QueryRows final : public RawRows
{
public:
    QueryRows(SqlSession &session, const QString &sql)
        : session_(session)
        , query_(session.execLong(sql))
    {
    }

    bool next() override
    {
        if (!session_.next(query_))
            return false;
        const int columns = query_.record().count();
        values_.resize(size_t(columns));
        for (int i = 0; i < columns; ++i) {
            const QVariant value = query_.value(i);
            values_[size_t(i)] = {value.isNull(), value.toString().toUtf8()};
        }
        return true;
    }
    bool isNull(int column) const override { return values_[size_t(column)].null; }
    QByteArrayView text(int column) const override { return values_[size_t(column)].bytes; }
    qint64 integer(int column) const override { return values_[size_t(column)].bytes.toLongLong(); }

private:
    struct Value
    {
        bool null = true;
        QByteArray bytes;
    };
    SqlSession &session_;
    QSqlQuery query_;
    std::vector<Value> values_;
};

sqlite3 *sqliteHandle(const QSqlDatabase &db)
{
    const QSqlDriver *driver = db.driver();
    if (!driver || !db.isOpen())
        return nullptr;
    const QVariant handle = driver->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

} // namespace

std::unique_ptr<RawRows> RawRows::execLong(SqlSession &session, const QString &sql)
{
    if (sqlite3 *db = sqliteHandle(session.database()))
        return std::make_unique<SqliteRows>(session, db, sql);
    return std::make_unique<QueryRows>(session, sql);
}

} // namespace adserve
