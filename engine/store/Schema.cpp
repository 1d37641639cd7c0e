#include "Schema.h"

#include "SqlSession.h"

#include <QFile>
#include <QSqlQuery>

namespace adserve {

namespace {

// Serialises schema changes of instances opening the same PostgreSQL database at once
// (concurrent CREATE OR REPLACE FUNCTION fails with "tuple concurrently updated").
constexpr qint64 kSchemaLockKey = 0x6164736572766531; // "adserve1"

QString readScript(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw SqlFailure{QSqlError(QStringLiteral("schema script %1 is missing from the engine library").arg(path),
                                   {}, QSqlError::UnknownError),
                         {}};
    return QString::fromUtf8(file.readAll());
}

// SQLite's CREATE TRIGGER ... BEGIN ...; ...; END holds statements of its own.
bool insideTriggerBody(const QString &statement)
{
    const QString text = statement.trimmed();
    return text.startsWith(QLatin1String("CREATE TRIGGER"), Qt::CaseInsensitive)
        && !text.endsWith(QLatin1String("END"), Qt::CaseInsensitive);
}

// SQLite has no ADD COLUMN IF NOT EXISTS: a store made by an earlier version gets the
// columns added since then here, before the script's triggers name them.
void addMissingSqliteColumns(SqlSession &session)
{
    static const QList<std::pair<QString, QString>> added{
        {QStringLiteral("priority"), QStringLiteral("INTEGER")},
        {QStringLiteral("flight_start"), QStringLiteral("TEXT")},
        {QStringLiteral("flight_end"), QStringLiteral("TEXT")},
        {QStringLiteral("serving_hours"), QStringLiteral("TEXT")},
        {QStringLiteral("time_zone"), QStringLiteral("TEXT")}};
    QSqlQuery query = session.exec(QStringLiteral("SELECT name FROM pragma_table_info('campaigns')"));
    QStringList present;
    while (session.next(query))
        present.append(query.value(0).toString());
    if (present.isEmpty())
        return; // a new store: the script creates the table whole
    for (const auto &[column, type] : added) {
        if (!present.contains(column))
            session.exec(QStringLiteral("ALTER TABLE campaigns ADD COLUMN %1 %2").arg(column, type));
    }
}

} // namespace

void Schema::apply(SqlSession &session)
{
    const bool postgres = session.dialect().isPostgres();
    if (postgres) {
        session.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kSchemaLockKey));
        // "relation ... already exists, skipping" on every open is noise, not news.
        session.exec(QStringLiteral("SET LOCAL client_min_messages = warning"));
    } else {
        addMissingSqliteColumns(session);
    }
    const QString script = readScript(postgres ? QStringLiteral(":/adserve/schema/postgres.sql")
                                               : QStringLiteral(":/adserve/schema/sqlite.sql"));
    for (const QString &statement : statements(script))
        session.exec(statement);
    session.exec(QStringLiteral("INSERT INTO adserve_meta (key, value) VALUES ('schema_version', '%1') "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                     .arg(kVersion));
}

QStringList Schema::statements(const QString &script)
{
    QStringList result;
    QString current;
    const qsizetype n = script.size();
    qsizetype i = 0;
    auto flush = [&] {
        const QString statement = current.trimmed();
        if (!statement.isEmpty())
            result.append(statement);
        current.clear();
    };
    while (i < n) {
        const QChar c = script.at(i);
        if (c == u'-' && i + 1 < n && script.at(i + 1) == u'-') {
            const qsizetype end = script.indexOf(u'\n', i);
            i = end < 0 ? n : end + 1;
            current += u'\n';
        } else if (c == u'\'' || c == u'"') {
            const qsizetype end = script.indexOf(c, i + 1);
            const qsizetype stop = end < 0 ? n : end + 1;
            current += QStringView(script).mid(i, stop - i);
            i = stop;
        } else if (c == u'$') {
            // A dollar-quoted body: $tag$ ... $tag$
            const qsizetype tagEnd = script.indexOf(u'$', i + 1);
            const QStringView tag = tagEnd < 0 ? QStringView() : QStringView(script).mid(i, tagEnd - i + 1);
            const qsizetype close = tag.isEmpty() ? -1 : script.indexOf(tag, tagEnd + 1);
            const qsizetype stop = close < 0 ? i + 1 : close + tag.size();
            current += QStringView(script).mid(i, stop - i);
            i = stop;
        } else if (c == u';' && !insideTriggerBody(current)) {
            flush();
            ++i;
        } else {
            current += c;
            ++i;
        }
    }
    flush();
    return result;
}

} // namespace adserve
