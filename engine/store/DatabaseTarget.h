#pragma once

#include <QString>

#include <chrono>
#include <optional>

namespace adserve {

// Where the campaign store lives: DATABASE_URL parsed into QSql connection parameters.
// Empty DATABASE_URL means the embedded SQLite file.
struct DatabaseTarget
{
    enum class Kind { Sqlite, Postgres };
    Kind kind = Kind::Sqlite;
    QString sqlitePath;      // Sqlite
    QString host;            // Postgres
    int port = 5432;
    QString database;
    QString user;
    QString password;
    QString connectOptions;  // QPSQL options: sslmode, connect_timeout, application_name, ...
    // Postgres: the longest a statement may keep its caller waiting (DATABASE_QUERY_TIMEOUT_MS;
    // see StatementDeadline); 0: unbounded. SQLite waits at most its busy timeout instead.
    std::chrono::milliseconds queryTimeout = kDefaultQueryTimeout;

    static constexpr std::chrono::milliseconds kDefaultQueryTimeout{5000};

    // Accepts a libpq key=value string ("host=... dbname=...") or a postgres:// / postgresql:// URL.
    // On failure returns nullopt and sets `error` to what is wrong (never echoing the password).
    static std::optional<DatabaseTarget> fromDatabaseUrl(const QString &url, QString *error);
    static DatabaseTarget sqlite(const QString &path);

    bool isPostgres() const { return kind == Kind::Postgres; }
    // For logs and the studio: never contains the password.
    QString describe() const;
};

} // namespace adserve
