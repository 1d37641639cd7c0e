#include "PostgresHandle.h"

#include <QLoggingCategory>
#include <QSqlDriver>
#include <QVariant>

#include <dlfcn.h>

namespace adserve::PostgresHandle {

namespace {

// libpq's PQTRANS_INERROR (libpq-fe.h, PGTransactionStatusType): stable since PostgreSQL 7.4.
constexpr int kTransactionInError = 3;

using SocketFunction = int (*)(const void *);
using TransactionStatusFunction = int (*)(const void *);

struct Libpq
{
    SocketFunction socket = nullptr;
    TransactionStatusFunction transactionStatus = nullptr;
};

Q_LOGGING_CATEGORY(lcPostgres, "adserve.store.postgres")

// Looked up once, on the first open QPSQL connection: libpq is loaded by then (RTLD_NOLOAD
// never loads it).
const Libpq &libpq()
{
    static const Libpq functions = [] {
        Libpq found;
        if (void *library = dlopen("libpq.so.5", RTLD_LAZY | RTLD_NOLOAD)) {
            found.socket = reinterpret_cast<SocketFunction>(dlsym(library, "PQsocket"));
            found.transactionStatus = reinterpret_cast<TransactionStatusFunction>(dlsym(library, "PQtransactionStatus"));
        }
        if (!found.socket || !found.transactionStatus)
            qCWarning(lcPostgres) << "libpq.so.5 not found in the process: PostgreSQL statements are not bounded in time";
        return found;
    }();
    return functions;
}

const void *connectionOf(const QSqlDatabase &db)
{
    const QSqlDriver *driver = db.driver();
    if (!driver || !db.isOpen())
        return nullptr;
    // QPSQL hands out its PGconn*, a typedef the metatype system names after the struct.
    const QVariant handle = driver->handle();
    if (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0)
        return nullptr;
    return *static_cast<void *const *>(handle.constData());
}

} // namespace

int socket(const QSqlDatabase &db)
{
    const void *connection = connectionOf(db);
    return connection && libpq().socket ? libpq().socket(connection) : -1;
}

bool transactionFailed(const QSqlDatabase &db)
{
    const void *connection = connectionOf(db);
    return connection && libpq().transactionStatus && libpq().transactionStatus(connection) == kTransactionInError;
}

} // namespace adserve::PostgresHandle
