#pragma once

#include "TrafficRow.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace adserve {

class TrafficTally;

// Reads recorded traffic from files people have: a CSV of counts, a HAR file, QA mode's
// request journal, a web server's access log. All or nothing: the first bad line (or entry)
// is an error naming it, and no rows come back.
namespace TrafficImport {

enum class Format { Csv, Json, AccessLog };

struct Result
{
    QList<TrafficRow> rows;   // one per hour and triple, requests added up
    QString format;           // "csv", "har", "journal", "access-log"
    qint64 recordsRead = 0;   // lines of data, or entries
    qint64 requests = 0;      // in `rows`
    qint64 skipped = 0;       // records that were not delivery requests (or blank lines)
    QMap<QString, qint64> skippedBy; // reason -> records
    // Set when the input is bad: nothing is imported.
    qint64 errorLine = 0;     // the line (CSV, access log, JSON lines) or entry (HAR, journal), 1-based
    QString errorUnit;        // "line" or "entry"
    QString error;            // "line 7: ..." / "entry 3: ..."

    bool ok() const { return error.isEmpty(); }
    void skip(const QString &reason);
    // Fails at `line` of `unit` (0: the input as a whole) with `reason`; drops the rows.
    Result &fail(qint64 line, const QString &reason, const QString &unit = QStringLiteral("line"));
};

// The format a request's Content-Type names (parameters such as charset ignored); nullopt for
// any other.
std::optional<Format> formatOf(const QByteArray &contentType);

// country,os,app,requests[,hour] lines; an optional header line; hour as ISO 8601 or epoch
// seconds, truncated to its hour; without one, `nowSecs`'s hour.
Result readCsv(const QByteArray &text, qint64 nowSecs);
// A HAR 1.2 file (log.entries: request.method and url, startedDateTime) or QA mode's request
// journal (its JSON export {"entries": [...]}, an array of entries, or its JSON lines file),
// told apart by their content.
Result readJson(const QByteArray &text);
// Access log lines in the common or combined log format.
Result readAccessLog(const QByteArray &text);
Result read(Format format, const QByteArray &text, qint64 nowSecs);

// The batch an import's rows are stored as (TrafficTable::add): the same rows imported again,
// a client's retry or the same file twice, add nothing the second time. Of the rows, not the
// bytes: a CSV without hours imported in another hour is new traffic.
QString batchIdOf(const QList<TrafficRow> &rows);

// Longest value of a dimension, as delivery takes it (DeliveryParams::kMaxParamLength).
constexpr int kMaxValueLength = 256;
// Most requests one CSV line may count.
constexpr qint64 kMaxRequestsPerLine = 1'000'000'000'000;

// A request seen in a log: counted when it is a GET of /api/v1/delivery or /v1/delivery with
// country, os and app all given (and not longer than delivery allows), else skipped with the
// reason. `target` is the path and query, or an absolute URL.
void countRequest(Result &result, TrafficTally &tally, const QByteArray &method, const QString &target,
                  qint64 secsSinceEpoch);

} // namespace TrafficImport

} // namespace adserve
