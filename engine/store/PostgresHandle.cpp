#include "PostgresHandle.h"

#include "DriverHandle.h"

#include <QLoggingCategory>

#include <dlfcn.h>

namespace adserve::PostgresHandle {

namespace {

// libpq's PQTRANS_INERROR (libpq-fe.h, PGTransactionStatusType): stable since PostgreSQL 7.4.
constexpr int kTransactionInError = 3;
// libpq's ExecStatusType values PGRES_COMMAND_OK and PGRES_COPY_OUT, stable as the above.
constexpr int kCommandOk = 1;
constexpr int kCopyOut = 3;

struct Libpq
{
    int (*socket)(const void *) = nullptr;
    int (*transactionStatus)(const void *) = nullptr;
    void *(*exec)(void *, const char *) = nullptr;
    int (*resultStatus)(const void *) = nullptr;
    char *(*resultErrorMessage)(const void *) = nullptr;
    void (*clear)(void *) = nullptr;
    int (*getCopyData)(void *, char **, int) = nullptr;
    void *(*getResult)(void *) = nullptr;
    void (*freemem)(void *) = nullptr;
    char *(*errorMessage)(const void *) = nullptr;

    bool canCopy() const { return exec && resultStatus && resultErrorMessage && clear && getCopyData && getResult && freemem && errorMessage; }
};

Q_LOGGING_CATEGORY(lcPostgres, "adserve.store.postgres")

// Looked up once, on the first open QPSQL connection: libpq is loaded by then (RTLD_NOLOAD
// never loads it).
const Libpq &libpq()
{
    static const Libpq functions = [] {
        Libpq found;
        if (void *library = dlopen("libpq.so.5", RTLD_LAZY | RTLD_NOLOAD)) {
            const auto take = [library](auto &function, const char *name) {
                function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(dlsym(library, name));
            };
            take(found.socket, "PQsocket");
            take(found.transactionStatus, "PQtransactionStatus");
            take(found.exec, "PQexec");
            take(found.resultStatus, "PQresultStatus");
            take(found.resultErrorMessage, "PQresultErrorMessage");
            take(found.clear, "PQclear");
            take(found.getCopyData, "PQgetCopyData");
            take(found.getResult, "PQgetResult");
            take(found.freemem, "PQfreemem");
            take(found.errorMessage, "PQerrorMessage");
        }
        if (!found.socket || !found.transactionStatus)
            qCWarning(lcPostgres) << "libpq.so.5 not found in the process: PostgreSQL statements are not bounded in time";
        return found;
    }();
    return functions;
}

void *connectionOf(const QSqlDatabase &db)
{
    // QPSQL hands out its PGconn*, a typedef the metatype system names after the struct.
    return driverHandle(db, {"pg_conn*", "PGconn*"});
}

// The error of a result (or of the connection when there is none), and the result freed.
QString takeError(void *connection, void *result)
{
    const Libpq &pq = libpq();
    QString why = QString::fromUtf8(result ? pq.resultErrorMessage(result) : pq.errorMessage(connection)).trimmed();
    if (result)
        pq.clear(result);
    return why.isEmpty() ? QStringLiteral("the connection broke off") : why;
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

CopyOut::CopyOut(const QSqlDatabase &db, const QByteArray &copyStatement, QString *error)
{
    void *connection = connectionOf(db);
    const Libpq &pq = libpq();
    if (!connection || !pq.canCopy()) {
        *error = QStringLiteral("no libpq connection to copy from");
        return;
    }
    void *result = pq.exec(connection, copyStatement.constData());
    if (!result || pq.resultStatus(result) != kCopyOut) {
        *error = takeError(connection, result);
        return;
    }
    pq.clear(result);
    connection_ = connection;
}

CopyOut::~CopyOut()
{
    // A copy left half-read (the reader failed or stopped) is drained: the connection is
    // usable again. next() frees each row's buffer before it reads the next.
    QByteArrayView line;
    QString ignored;
    while (connection_ && next(&line, &ignored) == Step::Row) {
    }
    if (row_)
        libpq().freemem(row_);
}

CopyOut::Step CopyOut::next(QByteArrayView *line, QString *error)
{
    if (!connection_)
        return Step::Failed;
    const Libpq &pq = libpq();
    if (row_) {
        pq.freemem(row_);
        row_ = nullptr;
    }
    const int length = pq.getCopyData(connection_, &row_, 0);
    if (length > 0) {
        *line = QByteArrayView(row_, length > 0 && row_[length - 1] == '\n' ? length - 1 : length);
        return Step::Row;
    }
    // -1: the copy is over, and its outcome is the next result; -2: the connection failed.
    void *connection = std::exchange(connection_, nullptr);
    void *result = length == -1 ? pq.getResult(connection) : nullptr;
    if (result && pq.resultStatus(result) == kCommandOk) {
        pq.clear(result);
        while (void *more = pq.getResult(connection)) // none, but libpq wants it asked until null
            pq.clear(more);
        return Step::End;
    }
    *error = takeError(connection, result);
    while (void *more = pq.getResult(connection))
        pq.clear(more);
    return Step::Failed;
}

} // namespace adserve::PostgresHandle
