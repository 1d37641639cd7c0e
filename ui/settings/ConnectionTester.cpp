#include "ConnectionTester.h"

#include "cache/CachePlugins.h"

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
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return {false, QObject::tr("the Qt PostgreSQL driver (QPSQL) is not installed")};
    const QString name = QStringLiteral("adserve-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    Outcome outcome;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(target.host);
        db.setPort(target.port);
        db.setDatabaseName(target.database);
        db.setUserName(target.user);
        db.setPassword(target.password);
        QString options = target.connectOptions;
        if (!options.contains(QLatin1String("connect_timeout")))
            options += QStringLiteral("%1connect_timeout=3").arg(options.isEmpty() ? QString() : QStringLiteral(";"));
        db.setConnectOptions(options);
        if (!db.open()) {
            outcome = {false, QObject::tr("%1: %2").arg(target.describe(), db.lastError().text().trimmed())};
        } else {
            QSqlQuery query(db);
            const bool ran = query.exec(QStringLiteral("SELECT current_setting('server_version')")) && query.next();
            outcome = {ran, ran ? QObject::tr("connected: PostgreSQL %1 at %2").arg(query.value(0).toString(), target.describe())
                                : QObject::tr("connected, but a query failed: %1").arg(query.lastError().text())};
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
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
