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

} // namespace PostgresHandle

} // namespace adserve
