#include "ConnectionTester.h"

#include "cache/CachePlugins.h"
#include "store/ConnectionPool.h"

#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace adserve::ConnectionTester {

Outcome testDatabase(const DatabaseTarget &target)
{
    if (!target.isPostgres()) {
        const QFileInfo file(target.sqlitePath);
        const QFileInfo dir(file.absolutePath());
        if (file.exists())
            return {file.isWritable(), file.isWritable() ? QObject::tr("SQLite file %1 is writable").arg(file.filePath())
                                                          : QObject::tr("SQLite file %1 is not writable").arg(file.filePath())};
        if (!dir.exists())
            return {true, QObject::tr("SQLite file %1 will be created (with its folder)").arg(file.filePath())};
        return {dir.isWritable(), dir.isWritable() ? QObject::tr("SQLite file %1 will be created").arg(file.filePath())
                                                    : QObject::tr("folder %1 is not writable").arg(dir.filePath())};
    }
    // Connected as the store connects (driver check, connect timeout, session settings).
    const QString name = QStringLiteral("adserve-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QString error;
    Outcome outcome;
    {
        QSqlDatabase db = ConnectionPool::open(target, name, &error);
        if (!db.isOpen()) // open() has removed the connection again
            return {false, QObject::tr("%1: %2").arg(target.describe(), error)};
        QSqlQuery query(db);
        const bool ran = query.exec(QStringLiteral("SELECT current_setting('server_version')")) && query.next();
        outcome = {ran, ran ? QObject::tr("connected: PostgreSQL %1 at %2").arg(query.value(0).toString(), target.describe())
                            : QObject::tr("connected, but a query failed: %1").arg(query.lastError().text())};
    }
    ConnectionPool::close(name);
    return outcome;
}

Outcome testCache(const CacheSettings &settings)
{
    QString error;
    auto backend = CachePlugins::create(settings, &error);
    if (!backend)
        return {false, error};
    const auto ping = backend->ping();
    if (!ping.ok())
        return {false, QObject::tr("%1: %2").arg(backend->describe(), ping.error)};
    const auto info = backend->serverInfo();
    const QString version = info.ok() ? info.value.value(QStringLiteral("redis_version")).toString() : QString();
    return {true, version.isEmpty() ? QObject::tr("connected: %1").arg(backend->describe())
                                    : QObject::tr("connected: %1 (Redis %2)").arg(backend->describe(), version)};
}

} // namespace adserve::ConnectionTester
