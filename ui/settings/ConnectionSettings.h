#pragma once

#include "config/Config.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

class QSettings;

namespace adserve {

class SecretStore;

// What the studio connects to, as a connection profile holds it: a store (an SQLite file or
// PostgreSQL) and, independently, a cache (in memory or Redis), plus the delivery settings.
// Kept as the configuration keys the engine reads (DATABASE_URL, REDIS_URL, ...), so the
// studio, the headless server and .env files share one validation (ConfigBuilder).
struct ConnectionSettings
{
    enum class Store { Sqlite, Postgres };
    enum class Cache { Memory, Redis };

    Store store = Store::Sqlite;
    Cache cache = Cache::Memory;
    // Every address is kept whichever is chosen, so choosing back finds it again.
    QString sqlitePath;  // empty: Config::defaultSqlitePath()
    QString databaseUrl; // PostgreSQL
    QString redisUrl;
    bool redisCluster = false;
    int batchSize = 100;
    int cacheTtlSeconds = 24 * 3600;
    QString listen = QStringLiteral("127.0.0.1:8080");

    // Whether a server (PostgreSQL or Redis) is used, whose password may need keeping.
    bool usesServers() const { return store == Store::Postgres || cache == Cache::Redis; }

    // The configuration keys these settings stand for.
    QMap<QString, QString> values() const;
    std::optional<Config> toConfig(QString *error) const;
    // These settings laid over `current`: what they do not cover (server threads, the admin
    // token, timeouts, ...) stays as it is in `current`, so connecting changes only what
    // the dialog shows.
    std::optional<Config> toConfig(const Config &current, QString *error) const;
    static ConnectionSettings fromConfig(const Config &config);

    // Remembered between runs in the current group of `settings` (a file of mode 0600): the
    // URLs without their passwords; the passwords go to `secrets` under secretKeys(prefix).
    // Never written to any log. A password still in the file (an older studio wrote it)
    // moves to `secrets` when it is read.
    static ConnectionSettings read(QSettings &settings, SecretStore &secrets, const QString &secretPrefix);
    void write(QSettings &settings, SecretStore &secrets, const QString &secretPrefix) const;
    // The keys the passwords are kept under in a SecretStore: `prefix` + DATABASE_URL, REDIS_URL.
    static QStringList secretKeys(const QString &prefix = {});

    bool operator==(const ConnectionSettings &) const = default;
};

// A URL with its password replaced by "***", for anything shown or logged.
QString redactUrl(const QString &url);

} // namespace adserve
