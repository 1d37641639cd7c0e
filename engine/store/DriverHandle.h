#pragma once

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <initializer_list>

namespace adserve {

// The client library's connection under an open QSqlDatabase, when the driver hands out a
// handle of one of `typeNames` (the metatype names it registers: QSQLITE "sqlite3*", QPSQL
// "PGconn*"); null for another driver or a closed connection.
inline void *driverHandle(const QSqlDatabase &db, std::initializer_list<const char *> typeNames)
{
    const QSqlDriver *driver = db.driver();
    if (!driver || !db.isOpen())
        return nullptr;
    const QVariant handle = driver->handle();
    for (const char *typeName : typeNames) {
        if (qstrcmp(handle.typeName(), typeName) == 0)
            return *static_cast<void *const *>(handle.constData());
    }
    return nullptr;
}

} // namespace adserve
