#pragma once

#include <QDateTime>
#include <QList>
#include <QSqlError>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace adserve {

// The few places where the SQLite and PostgreSQL forms of the schema differ, so the
// queries themselves are written once. Timestamps travel as ISO-8601 UTC text with
// milliseconds both ways (the same form whichever backend or writer made them), booleans
// as booleans, rule values as TEXT[] (PostgreSQL) or JSON array text (SQLite).
class SqlDialect
{
public:
    explicit SqlDialect(bool postgres) : postgres_(postgres) {}
    bool isPostgres() const { return postgres_; }

    // Select-list expression reading a timestamp column as ISO text.
    QString timestamp(const QString &column) const;
    // Select-list expression reading a rule values column as a JSON array.
    QString values(const QString &column) const;
    // Placeholders with the casts PostgreSQL needs to infer the parameter types.
    QString timestampParam() const { return postgres_ ? QStringLiteral("?::timestamptz") : QStringLiteral("?"); }
    QString boolParam() const { return postgres_ ? QStringLiteral("?::boolean") : QStringLiteral("?"); }
    QString valuesParam() const { return postgres_ ? QStringLiteral("?::text[]") : QStringLiteral("?"); }
    // "column is one of the ids bound as one parameter" (see encodeIds): a single query for any number of ids.
    QString inIds(const QString &column) const;
    // The same with the ids written into the statement, for a read that binds no parameters
    // (RawRows): numbers only, so nothing in them can be read as SQL.
    QString inIdsWritten(const QString &column, const QList<qint64> &ids) const;
    // Locks the selected row until the transaction ends (SQLite's write transaction already does).
    QString forUpdate() const { return postgres_ ? QStringLiteral(" FOR UPDATE") : QString(); }
    // SQLite: take the write lock up front, so two writers never deadlock upgrading a read lock.
    QString beginWrite() const { return postgres_ ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE"); }
    // A write whose reads must see one state of the database (SQLite's writes always do).
    QString beginSnapshotWrite() const
    {
        return postgres_ ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ") : QStringLiteral("BEGIN IMMEDIATE");
    }
    // Several reads that must see one state of the database.
    QString beginSnapshot() const
    {
        return postgres_ ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") : QStringLiteral("BEGIN");
    }
    // The database's clock, as a value to store in a timestamp column.
    QString now() const
    {
        return postgres_ ? QStringLiteral("clock_timestamp()") : QStringLiteral("strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
    }
    // FROM-list item with one row per value of `valuesColumn`, the value in column v.value.
    QString eachValue(const QString &valuesColumn) const;

    QVariant encodeTimestamp(const QDateTime &time) const;
    QVariant encodeValues(const QStringList &values) const;
    QVariant encodeIds(const QList<qint64> &ids) const;
    bool isUniqueViolation(const QSqlError &error) const;

    static QDateTime decodeTimestamp(const QVariant &value);
    static QStringList decodeValues(const QVariant &value);

private:
    bool postgres_;
};

} // namespace adserve
