#include "TrafficImport.h"

#include "TrafficCounter.h"
#include "TrafficTally.h"
#include "http/HttpReplies.h"
#include "model/Campaign.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QUrl>
#include <QUrlQuery>

namespace adserve::TrafficImport {

namespace {

const std::array<QString, 3> kColumns{QStringLiteral("country"), QStringLiteral("os"), QStringLiteral("app")};

// One CSV line's fields (RFC 4180 quoting: "a, b" and "" for a quote inside); nullopt when a
// quote is not closed on the line.
std::optional<QStringList> csvFields(const QString &line)
{
    QStringList fields;
    QString field;
    bool quoted = false;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (quoted) {
            if (c == u'"' && i + 1 < line.size() && line.at(i + 1) == u'"') {
                field += u'"';
                ++i;
            } else if (c == u'"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == u'"' && field.trimmed().isEmpty()) {
            quoted = true;
            field.clear();
        } else if (c == u',') {
            fields.append(field);
            field.clear();
        } else {
            field += c;
        }
    }
    if (quoted)
        return std::nullopt;
    fields.append(field);
    return fields;
}

bool isHeader(const QStringList &fields)
{
    return fields.size() >= 4 && fields[0].trimmed().compare(QLatin1String("country"), Qt::CaseInsensitive) == 0
        && fields[3].trimmed().compare(QLatin1String("requests"), Qt::CaseInsensitive) == 0;
}

// An hour given as epoch seconds or ISO 8601 (a date, or a date-time; UTC unless it says
// otherwise), as seconds since the epoch; nullopt when it is neither.
std::optional<qint64> parseTime(const QString &text)
{
    bool number = false;
    const qint64 seconds = text.toLongLong(&number);
    if (number)
        return seconds >= 0 ? std::optional<qint64>(seconds) : std::nullopt;
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) {
        const QDate date = text.size() == 10 ? QDate::fromString(text, Qt::ISODate) : QDate();
        if (!date.isValid())
            return std::nullopt;
        time = date.startOfDay(Qt::UTC);
    }
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeSpec(Qt::UTC); // no zone given: UTC, as the table is
    const qint64 secs = time.toSecsSinceEpoch();
    return secs >= 0 ? std::optional<qint64>(secs) : std::nullopt;
}

} // namespace

void Result::skip(const QString &reason)
{
    ++skipped;
    ++skippedBy[reason];
}

Result &Result::fail(qint64 line, const QString &reason, const QString &unit)
{
    errorLine = line;
    errorUnit = unit;
    error = line > 0 ? QStringLiteral("%1 %2: %3").arg(unit).arg(line).arg(reason) : reason;
    rows.clear();
    requests = 0;
    return *this;
}

std::optional<Format> formatOf(const QByteArray &contentType)
{
    const QByteArray type = contentType.split(';').first().trimmed().toLower();
    if (type == "text/csv")
        return Format::Csv;
    if (type == "application/json")
        return Format::Json;
    if (type == "text/plain")
        return Format::AccessLog;
    return std::nullopt;
}

Result read(Format format, const QByteArray &text, qint64 nowSecs)
{
    switch (format) {
    case Format::Csv: return readCsv(text, nowSecs);
    case Format::Json: return readJson(text);
    case Format::AccessLog: return readAccessLog(text);
    }
    return {};
}

void countRequest(Result &result, TrafficTally &tally, const QByteArray &method, const QString &target,
                  qint64 secsSinceEpoch)
{
    if (method != "GET") {
        result.skip(QStringLiteral("not a GET request"));
        return;
    }
    QString path;
    QString query;
    if (target.startsWith(QLatin1Char('/'))) {
        const qsizetype mark = target.indexOf(QLatin1Char('?'));
        path = mark < 0 ? target : target.left(mark);
        query = mark < 0 ? QString() : target.mid(mark + 1);
    } else {
        const QUrl url(target);
        path = url.path(QUrl::FullyEncoded);
        query = url.query(QUrl::FullyEncoded);
    }
    if (path != QLatin1String("/api/v1/delivery") && path != QLatin1String("/v1/delivery")) {
        result.skip(QStringLiteral("not a delivery URL"));
        return;
    }
    // Read as delivery reads them: first occurrence wins, '+' is a space, blank is missing.
    const QHash<QString, QString> params = HttpReplies::queryParams(QUrlQuery(query));
    std::array<QString, 3> values;
    for (size_t d = 0; d < kColumns.size(); ++d) {
        values[d] = params.value(kColumns[d]).trimmed();
        if (values[d].isEmpty()) {
            result.skip(QStringLiteral("missing %1 param").arg(kColumns[d]));
            return;
        }
        if (values[d].size() > kMaxValueLength) {
            result.skip(QStringLiteral("%1 param longer than %2 characters").arg(kColumns[d]).arg(kMaxValueLength));
            return;
        }
    }
    tally.add(TrafficRow{TrafficCounter::hourOf(secsSinceEpoch), normalizeValue(values[0]), normalizeValue(values[1]),
                         normalizeValue(values[2]), 1});
}

Result readCsv(const QByteArray &text, qint64 nowSecs)
{
    Result result;
    result.format = QStringLiteral("csv");
    TrafficTally tally;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const qint64 lineNo = i + 1;
        QString line = QString::fromUtf8(lines[i]);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        if (i == 0 && line.startsWith(QChar(0xfeff))) // the byte order mark spreadsheets write
            line.remove(0, 1);
        if (line.trimmed().isEmpty()) {
            if (i + 1 < lines.size()) // the newline that ends the last line leaves no line
                result.skip(QStringLiteral("blank line"));
            continue;
        }
        const auto fields = csvFields(line);
        if (!fields)
            return result.fail(lineNo, QStringLiteral("a quoted field is not closed"));
        if (i == 0 && isHeader(*fields))
            continue;
        ++result.recordsRead;
        if (fields->size() < 4 || fields->size() > 5)
            return result.fail(lineNo, QStringLiteral("expected country,os,app,requests[,hour]; found %1 fields")
                                           .arg(fields->size()));
        std::array<QString, 3> values;
        for (size_t d = 0; d < kColumns.size(); ++d) {
            values[d] = normalizeValue(fields->at(qsizetype(d)));
            if (values[d].isEmpty())
                return result.fail(lineNo, QStringLiteral("%1 is empty").arg(kColumns[d]));
            if (values[d].size() > kMaxValueLength)
                return result.fail(lineNo, QStringLiteral("%1 is longer than %2 characters").arg(kColumns[d]).arg(kMaxValueLength));
        }
        const QString requestsText = fields->at(3).trimmed();
        bool number = false;
        const qint64 requests = requestsText.toLongLong(&number);
        if (!number || requests < 0 || requests > kMaxRequestsPerLine)
            return result.fail(lineNo, QStringLiteral("requests \"%1\" is not a whole number from 0 to %2")
                                           .arg(requestsText).arg(kMaxRequestsPerLine));
        qint64 secs = nowSecs;
        if (fields->size() == 5 && !fields->at(4).trimmed().isEmpty()) {
            const auto time = parseTime(fields->at(4).trimmed());
            if (!time)
                return result.fail(lineNo, QStringLiteral("hour \"%1\" is neither ISO 8601 nor seconds since the epoch")
                                               .arg(fields->at(4).trimmed()));
            secs = *time;
        }
        if (requests == 0) {
            result.skip(QStringLiteral("zero requests"));
            continue;
        }
        tally.add(TrafficRow{TrafficCounter::hourOf(secs), values[0], values[1], values[2], requests});
    }
    result.rows = tally.rows();
    result.requests = tally.requests();
    return result;
}

QString batchIdOf(const QList<TrafficRow> &rows)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const TrafficRow &row : rows) {
        const QByteArray line = QByteArray::number(row.hourStart) + '\t' + row.country.toUtf8() + '\t' + row.os.toUtf8()
                                + '\t' + row.app.toUtf8() + '\t' + QByteArray::number(row.requests) + '\n';
        hash.addData(line);
    }
    return QStringLiteral("import:") + QString::fromLatin1(hash.result().toHex());
}

} // namespace adserve::TrafficImport
