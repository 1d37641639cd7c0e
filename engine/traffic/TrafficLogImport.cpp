// The request logs TrafficImport reads: HAR, QA mode's journal, access logs.
#include "TrafficImport.h"

#include "TrafficTally.h"
#include "qa/JournalEntry.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace adserve::TrafficImport {

namespace {

qint64 lineAt(const QByteArray &text, qint64 offset)
{
    return text.left(offset).count('\n') + 1;
}

Result finished(Result result, const TrafficTally &tally)
{
    result.rows = tally.rows();
    result.requests = tally.requests();
    return result;
}

Result readHar(const QJsonObject &log)
{
    Result result;
    result.format = QStringLiteral("har");
    const QJsonValue entries = log.value(QLatin1String("entries"));
    if (!entries.isArray())
        return result.fail(0, QStringLiteral("log.entries is not an array"));
    TrafficTally tally;
    qint64 number = 0;
    for (const QJsonValue &value : entries.toArray()) {
        ++number;
        ++result.recordsRead;
        const QJsonObject entry = value.toObject();
        const QString started = entry.value(QLatin1String("startedDateTime")).toString();
        const QDateTime time = QDateTime::fromString(started, Qt::ISODateWithMs);
        if (!time.isValid())
            return result.fail(number, QStringLiteral("startedDateTime \"%1\" is not an ISO 8601 time").arg(started),
                               QStringLiteral("entry"));
        const QJsonObject request = entry.value(QLatin1String("request")).toObject();
        const QString url = request.value(QLatin1String("url")).toString();
        const QString method = request.value(QLatin1String("method")).toString();
        if (url.isEmpty() || method.isEmpty())
            return result.fail(number, QStringLiteral("request.method and request.url are required"), QStringLiteral("entry"));
        countRequest(result, tally, method.toUpper().toLatin1(), url, time.toSecsSinceEpoch());
    }
    return finished(result, tally);
}

// Journal entries, from a JSON array (`unit` "entry") or JSON lines ("line", blank ones skipped).
Result readJournal(const QJsonArray &entries, const QString &unit, const QList<qint64> &lineNumbers = {})
{
    Result result;
    result.format = QStringLiteral("journal");
    TrafficTally tally;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const qint64 number = lineNumbers.isEmpty() ? i + 1 : lineNumbers[i];
        ++result.recordsRead;
        const auto entry = JournalEntry::fromJson(entries.at(i).toObject());
        if (!entry)
            return result.fail(number, QStringLiteral("not a QA journal entry (an id and an ISO 8601 time are required)"), unit);
        const QString target = entry->path + (entry->query.isEmpty() ? QString() : QLatin1Char('?') + entry->query);
        countRequest(result, tally, entry->method, target, entry->time.toSecsSinceEpoch());
    }
    return finished(result, tally);
}

// journal.jsonl: one entry a line.
Result readJournalLines(const QByteArray &text)
{
    QJsonArray entries;
    QList<qint64> lineNumbers;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument line = QJsonDocument::fromJson(lines[i], &error);
        if (error.error != QJsonParseError::NoError || !line.isObject()) {
            Result bad;
            bad.format = QStringLiteral("journal");
            return bad.fail(i + 1, QStringLiteral("not a JSON object: %1").arg(error.errorString()));
        }
        entries.append(line.object());
        lineNumbers.append(i + 1);
    }
    return readJournal(entries, QStringLiteral("line"), lineNumbers);
}

// "10/Oct/2000:13:55:36 -0700" as seconds since the epoch.
std::optional<qint64> parseLogTime(const QString &text)
{
    static const QRegularExpression form(QStringLiteral(R"(^(\d{2})/([A-Za-z]{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$)"));
    const QRegularExpressionMatch m = form.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    static const QStringList months{QStringLiteral("jan"), QStringLiteral("feb"), QStringLiteral("mar"),
                                    QStringLiteral("apr"), QStringLiteral("may"), QStringLiteral("jun"),
                                    QStringLiteral("jul"), QStringLiteral("aug"), QStringLiteral("sep"),
                                    QStringLiteral("oct"), QStringLiteral("nov"), QStringLiteral("dec")};
    const int month = int(months.indexOf(m.captured(2).toLower())) + 1;
    const QDate date(m.captured(3).toInt(), month, m.captured(1).toInt());
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
    if (month < 1 || !date.isValid() || !time.isValid())
        return std::nullopt;
    const int offset = (m.captured(8).toInt() * 3600 + m.captured(9).toInt() * 60) * (m.captured(7) == u'-' ? -1 : 1);
    return QDateTime(date, time, Qt::UTC).toSecsSinceEpoch() - offset;
}

} // namespace

Result readJson(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError) {
        // QA mode's journal.jsonl: one object a line (its first line is a whole object).
        const QByteArray firstLine = text.trimmed().split('\n').first();
        if (QJsonDocument::fromJson(firstLine).isObject())
            return readJournalLines(text);
        Result bad;
        return bad.fail(lineAt(text, error.offset), QStringLiteral("not JSON: %1").arg(error.errorString()));
    }
    const QJsonObject object = document.object();
    if (document.isObject() && object.value(QLatin1String("log")).isObject())
        return readHar(object.value(QLatin1String("log")).toObject());
    if (document.isObject() && object.value(QLatin1String("entries")).isArray())
        return readJournal(object.value(QLatin1String("entries")).toArray(), QStringLiteral("entry"));
    if (document.isArray())
        return readJournal(document.array(), QStringLiteral("entry"));
    if (document.isObject() && object.contains(QLatin1String("id")) && object.contains(QLatin1String("time")))
        return readJournal(QJsonArray{object}, QStringLiteral("entry")); // a journal of one line
    Result bad;
    return bad.fail(0, QStringLiteral("neither a HAR file (log.entries) nor a QA journal (entries, or an array of them)"));
}

Result readAccessLog(const QByteArray &text)
{
    // host ident user [time] "request" status bytes, then for the combined format "referer" "agent".
    static const QRegularExpression line(QStringLiteral(
        R"re(^\S+ \S+ \S+ \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}|-) (\d+|-)(?: "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*")?\s*$)re"));
    Result result;
    result.format = QStringLiteral("access-log");
    TrafficTally tally;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const qint64 lineNo = i + 1;
        const QString text = QString::fromUtf8(lines[i]).trimmed();
        if (text.isEmpty()) {
            if (i + 1 < lines.size())
                result.skip(QStringLiteral("blank line"));
            continue;
        }
        ++result.recordsRead;
        const QRegularExpressionMatch m = line.match(text);
        if (!m.hasMatch())
            return result.fail(lineNo, QStringLiteral("not in the common or combined log format"));
        const auto time = parseLogTime(m.captured(1));
        if (!time)
            return result.fail(lineNo, QStringLiteral("time \"%1\" is not like 10/Oct/2000:13:55:36 -0700").arg(m.captured(1)));
        // "GET /v1/delivery?app=... HTTP/1.1"; a client that sent no request line is logged as "-".
        const QStringList request = m.captured(2).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (request.size() < 2) {
            result.skip(QStringLiteral("no request line"));
            continue;
        }
        countRequest(result, tally, request[0].toLatin1(), request[1], *time);
    }
    return finished(result, tally);
}

} // namespace adserve::TrafficImport
