#include "SqlDialect.h"

#include "ValueListReader.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <optional>

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

QString SqlDialect::inIdsWritten(const QString &column, const QList<qint64> &ids) const
{
    const QString list = encodeIds(ids).toString();
    if (postgres_)
        return QStringLiteral("%1 = ANY('%2'::bigint[])").arg(column, list);
    return QStringLiteral("%1 IN (SELECT value FROM json_each('%2'))").arg(column, list);
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
    // Bulk writes stamp thousands of rows with one time: format it once.
    thread_local QDateTime lastTime;
    thread_local QString lastText;
    if (time != lastTime || lastText.isEmpty()) {
        lastTime = time;
        lastText = time.toUTC().toString(kTimestampFormat);
    }
    return lastText;
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

namespace {

// Reads `count` digits at `at`; -1 if any is not a digit.
int digits(QStringView text, qsizetype at, int count)
{
    int value = 0;
    for (int i = 0; i < count; ++i) {
        const char16_t c = text.at(at + i).unicode();
        if (c < u'0' || c > u'9')
            return -1;
        value = value * 10 + (c - u'0');
    }
    return value;
}

// The form this store writes, "2024-05-01T10:00:00.123Z", parsed without QDateTime's general
// parser: loading a million campaigns reads millions of these.
QDateTime parseStoredTimestamp(QStringView text)
{
    if (text.size() != 24 || text.at(4) != u'-' || text.at(7) != u'-' || text.at(10) != u'T' || text.at(13) != u':'
        || text.at(16) != u':' || text.at(19) != u'.' || text.at(23) != u'Z')
        return {};
    const QDate date(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2));
    const QTime time(digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2), digits(text, 20, 3));
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, Qt::UTC);
}

} // namespace

QDateTime SqlDialect::decodeTimestamp(const QVariant &value)
{
    if (value.isNull())
        return {};
    if (value.metaType().id() == QMetaType::QDateTime)
        return value.toDateTime().toUTC();
    const QString text = value.toString().trimmed();
    if (QDateTime stored = parseStoredTimestamp(text); stored.isValid())
        return stored;
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
    const QByteArray text = value.toString().toUtf8();
    QStringList values;
    // The form SQLite rows and PostgreSQL's array_to_json() give, read without a QJsonDocument.
    if (ValueListReader::forEachPlainString(text, [&](QByteArrayView v) { values.append(QString::fromUtf8(v)); }))
        return values;
    values.clear(); // what came before an escape
    const QJsonArray array = QJsonDocument::fromJson(text).array();
    values.reserve(array.size());
    for (const QJsonValue &v : array)
        values.append(v.toString());
    return values;
}

} // namespace adserve
