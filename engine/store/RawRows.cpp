#include "RawRows.h"

#include "DriverHandle.h"
#include "PostgresHandle.h"
#include "SqlSession.h"


#include <sqlite3.h>

#include <optional>
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

// PostgreSQL: the statement as `COPY (...) TO STDOUT`, each row a line of text.
class PostgresCopyRows final : public RawRows
{
public:
    PostgresCopyRows(SqlSession &session, const QString &sql)
        : session_(session)
        , sql_(sql)
    {
        session_.startRawLongRead();
        QString error;
        copy_.emplace(session_.database(), "COPY (" + sql.toUtf8() + ") TO STDOUT", &error);
        if (!error.isEmpty())
            fail(error);
    }

    bool next() override
    {
        QByteArrayView line;
        QString error;
        switch (copy_->next(&line, &error)) {
        case PostgresHandle::CopyOut::Step::Row:
            session_.rawRowRead();
            split(line);
            return true;
        case PostgresHandle::CopyOut::Step::End:
            return false;
        case PostgresHandle::CopyOut::Step::Failed:
            break;
        }
        fail(error);
    }
    bool isNull(int column) const override { return fields_[size_t(column)].null; }
    QByteArrayView text(int column) const override
    {
        const Field &field = fields_[size_t(column)];
        return QByteArrayView(row_.constData() + field.start, field.length);
    }
    qint64 integer(int column) const override { return text(column).toLongLong(); }

private:
    struct Field
    {
        qsizetype start = 0;
        qsizetype length = 0;
        bool null = false;
    };

    // A line of COPY's text format: fields between tabs, \N for NULL, backslash escapes.
    void split(QByteArrayView line)
    {
        row_.resize(0); // keeps its capacity
        row_.reserve(line.size());
        fields_.clear();
        Field field;
        for (qsizetype i = 0; i <= line.size(); ++i) {
            if (i == line.size() || line[i] == '\t') {
                field.length = row_.size() - field.start;
                fields_.push_back(field);
                field = Field{row_.size()};
                continue;
            }
            if (line[i] != '\\' || i + 1 == line.size()) {
                row_.append(line[i]);
                continue;
            }
            const char escaped = line[++i];
            switch (escaped) {
            case 'N': field.null = true; break;
            case 't': row_.append('\t'); break;
            case 'n': row_.append('\n'); break;
            case 'r': row_.append('\r'); break;
            case 'b': row_.append('\b'); break;
            case 'f': row_.append('\f'); break;
            case 'v': row_.append('\v'); break;
            default: row_.append(escaped); break; // \\ and any other character stand for themselves
            }
        }
    }

    [[noreturn]] void fail(const QString &why)
    {
        session_.fail(QSqlError(QString(), why, QSqlError::StatementError), sql_);
    }

    SqlSession &session_;
    QString sql_;
    std::optional<PostgresHandle::CopyOut> copy_;
    QByteArray row_; // the current row's fields, unescaped, one after another
    std::vector<Field> fields_;
};

} // namespace

std::unique_ptr<RawRows> RawRows::execLong(SqlSession &session, const QString &sql)
{
    if (auto *db = static_cast<sqlite3 *>(driverHandle(session.database(), {"sqlite3*"})))
        return std::make_unique<SqliteRows>(session, db, sql);
    return std::make_unique<PostgresCopyRows>(session, sql);
}

} // namespace adserve
