#pragma once

#include "config/Config.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

class QSettings;

namespace adserve {

class SecretStore;

// What the studio connects to, as the user chose it in the settings dialog. Kept as the
// configuration keys the engine reads (DATABASE_URL, REDIS_URL, ...), so the studio, the
// headless server and .env files share one validation (ConfigBuilder).
struct ConnectionSettings
{
    bool embedded = true;  // the SQLite file and the in-memory cache
    QString sqlitePath;    // empty: Config::defaultSqlitePath()
    QString databaseUrl;   // PostgreSQL, when not embedded
    QString redisUrl;      // Redis, when not embedded
    bool redisCluster = false;
    int batchSize = 100;
    int cacheTtlSeconds = 24 * 3600;
    QString listen = QStringLiteral("127.0.0.1:8080");

    // The configuration keys these settings stand for.
    QMap<QString, QString> values() const;
    std::optional<Config> toConfig(QString *error) const;
    // These settings laid over `current`: what they do not cover (server threads, the admin
    // token, timeouts, ...) stays as it is in `current`, so pressing OK changes only what
    // the dialog shows.
    std::optional<Config> toConfig(const Config &current, QString *error) const;
    static ConnectionSettings fromConfig(const Config &config);

    // Remembered between runs: the settings file (mode 0600) holds the URLs without their
    // passwords, `secrets` the passwords. Never written to any log. Passwords an older studio
    // wrote into the file are moved to `secrets` when it is read.
    static std::optional<ConnectionSettings> load(QSettings &settings, SecretStore &secrets);
    void save(QSettings &settings, SecretStore &secrets) const;
    // The keys the passwords are kept under in a SecretStore.
    static QStringList secretKeys();

    bool operator==(const ConnectionSettings &) const = default;
};

// A URL with its password replaced by "***", for anything shown or logged.
QString redactUrl(const QString &url);

} // namespace adserve
