#include "SqlDialect.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace adserve {

namespace {
const QString kTimestampFormat = QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ");
}

QString SqlDialect::timestamp(const QString &column) const
{
    // The session time zone is UTC (see ConnectionPool), so this also reads plain TIMESTAMP
    // columns of an older schema right.
    if (postgres_)
        return QStringLiteral("to_char(%1, 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')").arg(column);
    return column;
}

QString SqlDialect::values(const QString &column) const
{
    return postgres_ ? QStringLiteral("array_to_json(%1)::text").arg(column) : column;
}

QString SqlDialect::inIds(const QString &column) const
{
    if (postgres_)
        return column + QStringLiteral(" = ANY(?::bigint[])");
    return column + QStringLiteral(" IN (SELECT value FROM json_each(?))");
}

QString SqlDialect::eachValue(const QString &valuesColumn) const
{
    if (postgres_)
        return QStringLiteral("unnest(%1) AS v(value)").arg(valuesColumn);
    return QStringLiteral("json_each(%1) AS v").arg(valuesColumn);
}

QVariant SqlDialect::encodeTimestamp(const QDateTime &time) const
{
    if (!time.isValid())
        return QVariant(QMetaType::fromType<QString>());
    return time.toUTC().toString(kTimestampFormat);
}

QVariant SqlDialect::encodeValues(const QStringList &values) const
{
    if (!postgres_)
        return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact));
    // A PostgreSQL array literal with every element quoted: {"a","b \"c\""}.
    QString literal = QStringLiteral("{");
    for (qsizetype i = 0; i < values.size(); ++i) {
        QString element = values.at(i);
        element.replace(u'\\', QLatin1String("\\\\")).replace(u'"', QLatin1String("\\\""));
        if (i > 0)
            literal += u',';
        literal += u'"' + element + u'"';
    }
    return QString(literal + u'}');
}

QVariant SqlDialect::encodeIds(const QList<qint64> &ids) const
{
    QStringList parts;
    parts.reserve(ids.size());
    for (qint64 id : ids)
        parts.append(QString::number(id));
    const QString list = parts.join(u',');
    return QString(postgres_ ? u'{' + list + u'}' : u'[' + list + u']');
}

bool SqlDialect::isUniqueViolation(const QSqlError &error) const
{
    if (postgres_)
        return error.nativeErrorCode() == QLatin1String("23505");
    // SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY; older drivers report only the primary code.
    return error.nativeErrorCode() == QLatin1String("2067") || error.nativeErrorCode() == QLatin1String("1555")
           || error.databaseText().contains(QLatin1String("UNIQUE constraint failed"));
}

QDateTime SqlDialect::decodeTimestamp(const QVariant &value)
{
    if (value.isNull())
        return {};
    if (value.metaType().id() == QMetaType::QDateTime)
        return value.toDateTime().toUTC();
    const QString text = value.toString().trimmed();
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) // other writers, e.g. "2024-05-01 10:00:00"
        time = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    if (!time.isValid())
        return {};
    if (time.timeSpec() == Qt::LocalTime) // no zone written: the schema stores UTC
        time.setTimeSpec(Qt::UTC);
    return time.toUTC();
}

QStringList SqlDialect::decodeValues(const QVariant &value)
{
    QStringList values;
    const QJsonArray array = QJsonDocument::fromJson(value.toString().toUtf8()).array();
    values.reserve(array.size());
    for (const QJsonValue &v : array)
        values.append(v.toString());
    return values;
}

} // namespace adserve
