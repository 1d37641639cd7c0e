#pragma once

#include <QSqlDatabase>

namespace adserve {

// What the store needs to know about the libpq connection under a QPSQL QSqlDatabase.
// The engine does not link libpq (only Qt's QPSQL plugin needs it, so SQLite users do not):
// its functions are taken from the copy the plugin loaded. Both answer "no" for SQLite and
// for a closed connection.
namespace PostgresHandle {

// The connection's socket, or -1.
int socket(const QSqlDatabase &db);
// Whether the connection is inside a transaction that failed on the server (a statement
// in it broke off, even one whose error the caller did not look at): COMMIT would only
// roll it back.
bool transactionFailed(const QSqlDatabase &db);

// A `COPY (SELECT ...) TO STDOUT` on the connection, its rows read as libpq hands them over:
// one line of text each, columns separated by tabs (PostgreSQL's text format). For reads too
// large for a QVariant per column (RawRows).
class CopyOut
{
public:
    // Starts the copy; `error` says why when it could not.
    CopyOut(const QSqlDatabase &db, const QByteArray &copyStatement, QString *error);
    ~CopyOut();
    CopyOut(const CopyOut &) = delete;
    CopyOut &operator=(const CopyOut &) = delete;

    enum class Step { Row, End, Failed };
    // The next row's line, without its newline, valid until the next call; Failed sets `error`.
    Step next(QByteArrayView *line, QString *error);

private:
    void *connection_ = nullptr;
    char *row_ = nullptr; // libpq's buffer for the last row
};

} // namespace PostgresHandle

} // namespace adserve
