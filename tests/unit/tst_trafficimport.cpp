// Importing traffic: CSV counts, HAR files (as QA mode exports them), QA mode's journal and
// access logs give exactly the rows their requests add up to; a bad line is an error naming
// it, and nothing is imported.
#include "qa/Har.h"
#include "traffic/TrafficImport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace adserve;

namespace {

constexpr qint64 kNow = 1'764'766'000; // 2025-12-03T12:46:40Z
const qint64 kNowHour = kNow - kNow % 3600;

QStringList rowsText(const QList<TrafficRow> &rows)
{
    QStringList list;
    for (const TrafficRow &r : rows)
        list.append(QStringLiteral("%1|%2|%3|%4=%5").arg(r.hourStart).arg(r.country, r.os, r.app).arg(r.requests));
    list.sort();
    return list;
}

QString row(qint64 hour, const char *c, const char *o, const char *a, qint64 n)
{
    return QStringLiteral("%1|%2|%3|%4=%5").arg(hour).arg(QLatin1String(c), QLatin1String(o), QLatin1String(a)).arg(n);
}

JournalEntry entry(qint64 id, const QDateTime &time, const QByteArray &method, const QString &path, const QString &query)
{
    JournalEntry e;
    e.id = id;
    e.time = time;
    e.method = method;
    e.path = path;
    e.query = query;
    e.status = 200;
    e.outcome = QStringLiteral("answered");
    return e;
}

// Requests as QA mode journals them: delivery requests of two hours, and ones that do not count.
QList<JournalEntry> journalEntries()
{
    const QDateTime t1(QDate(2025, 12, 3), QTime(9, 15, 2, 120), Qt::UTC);
    const QDateTime t2(QDate(2025, 12, 3), QTime(10, 0, 0), Qt::UTC);
    return {entry(1, t1, "GET", "/v1/delivery", "app=com.Game&country=US&os=android"),
            entry(2, t1, "GET", "/api/v1/delivery", "country=us&os=Android&app=com.game"),
            entry(3, t2, "GET", "/v1/delivery", "app=com.game&country=de&os=ios&limit=3"),
            entry(4, t2, "GET", "/v1/delivery", "app=com.game&country=de"),               // no os
            entry(5, t2, "POST", "/v1/delivery", "app=a&country=de&os=ios"),              // not a GET
            entry(6, t2, "GET", "/api/v1/delivery/explain", "app=a&country=de&os=ios"),   // not delivery
            entry(7, t2, "GET", "/v1/delivery", "app=a+b&country=%20fr&os=ios&app=second")}; // decoded, first wins
}

QStringList journalRows()
{
    const qint64 h9 = QDateTime(QDate(2025, 12, 3), QTime(9, 0), Qt::UTC).toSecsSinceEpoch();
    const qint64 h10 = h9 + 3600;
    QStringList rows{row(h9, "us", "android", "com.game", 2), row(h10, "de", "ios", "com.game", 1),
                     row(h10, "fr", "ios", "a b", 1)};
    rows.sort();
    return rows;
}

const QMap<QString, qint64> kJournalSkips{{QStringLiteral("missing os param"), 1},
                                          {QStringLiteral("not a GET request"), 1},
                                          {QStringLiteral("not a delivery URL"), 1}};

} // namespace

class TrafficImportTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void formatOf_data();
    void formatOf();
    void csv_data();
    void csv();
    void badCsvImportsNothing_data();
    void badCsvImportsNothing();
    void harAsQaModeExportsIt();
    void journalInEachForm_data();
    void journalInEachForm();
    void accessLogs();
    void badLogsImportNothing_data();
    void badLogsImportNothing();
    void sameRowsSameBatch();
};

void TrafficImportTest::formatOf_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("format"); // -1: none
    QTest::newRow("csv") << QByteArray("text/csv") << int(TrafficImport::Format::Csv);
    QTest::newRow("csv with charset") << QByteArray("Text/CSV; charset=utf-8") << int(TrafficImport::Format::Csv);
    QTest::newRow("json") << QByteArray("application/json") << int(TrafficImport::Format::Json);
    QTest::newRow("plain") << QByteArray("text/plain;charset=us-ascii") << int(TrafficImport::Format::AccessLog);
    QTest::newRow("xml") << QByteArray("application/xml") << -1;
    QTest::newRow("none") << QByteArray() << -1;
}

void TrafficImportTest::formatOf()
{
    QFETCH(QByteArray, contentType);
    QFETCH(int, format);
    const auto found = TrafficImport::formatOf(contentType);
    QCOMPARE(found ? int(*found) : -1, format);
}

void TrafficImportTest::csv_data()
{
    const qint64 h = QDateTime(QDate(2025, 11, 30), QTime(17, 0), Qt::UTC).toSecsSinceEpoch();
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("rows");
    QTest::addColumn<qint64>("recordsRead");
    QTest::addColumn<qint64>("skipped");
    QTest::newRow("header, epoch hours") << QByteArray("country,os,app,requests,hour\nus,android,a,5,%1\nde,ios,b,7,%2\n")
                                                .replace("%1", QByteArray::number(h + 59))
                                                .replace("%2", QByteArray::number(h + 3600))
                                         << QStringList{row(h, "us", "android", "a", 5), row(h + 3600, "de", "ios", "b", 7)}
                                         << qint64(2) << qint64(0);
    QTest::newRow("ISO hours, with and without a zone")
        << QByteArray("us,android,a,1,2025-11-30T17:59:59Z\nus,android,a,2,2025-11-30T19:30:00+02:00\nus,android,a,4,2025-11-30T17:00\n")
        << QStringList{row(h, "us", "android", "a", 7)} << qint64(3) << qint64(0);
    QTest::newRow("a date alone: its midnight") << QByteArray("us,android,a,1,2025-11-30\n")
                                                << QStringList{row(h - 17 * 3600, "us", "android", "a", 1)} << qint64(1)
                                                << qint64(0);
    QTest::newRow("no hour: the current one; values normalised, duplicates added")
        << QByteArray(" US ,Android,Com.Game,3\nus,android,com.game,4,\r\n")
        << QStringList{row(kNowHour, "us", "android", "com.game", 7)} << qint64(2) << qint64(0);
    QTest::newRow("quoted fields") << QByteArray("\"us\",\"android\",\"a, \"\"b\"\"\",2\n")
                                   << QStringList{row(kNowHour, "us", "android", "a, \"b\"", 2)} << qint64(1) << qint64(0);
    QTest::newRow("blank lines and zero counts skipped") << QByteArray("\nus,android,a,0\n\nde,ios,b,1")
                                                         << QStringList{row(kNowHour, "de", "ios", "b", 1)} << qint64(2)
                                                         << qint64(3);
    QTest::newRow("empty") << QByteArray() << QStringList{} << qint64(0) << qint64(0);
    QTest::newRow("header after a byte order mark") << QByteArray("\xEF\xBB\xBF" "Country,OS,App,Requests\r\nus,ios,a,2\r\n")
                                                    << QStringList{row(kNowHour, "us", "ios", "a", 2)} << qint64(1) << qint64(0);
}

void TrafficImportTest::csv()
{
    QFETCH(QByteArray, text);
    QFETCH(QStringList, rows);
    QFETCH(qint64, recordsRead);
    QFETCH(qint64, skipped);
    const TrafficImport::Result result = TrafficImport::readCsv(text, kNow);
    QVERIFY2(result.ok(), qPrintable(result.error));
    rows.sort();
    QCOMPARE(rowsText(result.rows), rows);
    QCOMPARE(result.recordsRead, recordsRead);
    QCOMPARE(result.skipped, skipped);
    qint64 requests = 0;
    for (const QString &r : rows)
        requests += r.section(QLatin1Char('='), 1).toLongLong();
    QCOMPARE(result.requests, requests);
}

void TrafficImportTest::badCsvImportsNothing_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("line");
    QTest::addColumn<QString>("mentions");
    const QByteArray good = "country,os,app,requests\nus,android,a,1\n";
    QTest::newRow("requests not a number") << good + "de,ios,b,many\n" << qint64(3) << "requests \"many\"";
    QTest::newRow("negative requests") << good + "de,ios,b,-4\n" << qint64(3) << "requests \"-4\"";
    QTest::newRow("three fields") << good + "de,ios,5\n" << qint64(3) << "found 3 fields";
    QTest::newRow("six fields") << good + "de,ios,b,5,1700000000,x\n" << qint64(3) << "found 6 fields";
    QTest::newRow("empty country") << good + " ,ios,b,5\n" << qint64(3) << "country is empty";
    QTest::newRow("bad hour") << good + "us,ios,b,5,yesterday\n" << qint64(3) << "hour \"yesterday\"";
    QTest::newRow("unclosed quote") << QByteArray("\"us,ios,b,5\n") << qint64(1) << "quoted field";
    QTest::newRow("app too long") << good + "us,ios," + QByteArray(257, 'x') + ",1\n" << qint64(3) << "app is longer";
    QTest::newRow("header later is a bad line") << good + "country,os,app,requests\n" << qint64(3) << "requests \"requests\"";
}

void TrafficImportTest::badCsvImportsNothing()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, line);
    QFETCH(QString, mentions);
    const TrafficImport::Result result = TrafficImport::readCsv(text, kNow);
    QVERIFY(!result.ok());
    QCOMPARE(result.errorLine, line);
    QVERIFY2(result.error.startsWith(QStringLiteral("line %1: ").arg(line)), qPrintable(result.error));
    QVERIFY2(result.error.contains(mentions), qPrintable(result.error));
    QVERIFY(result.rows.isEmpty());
    QCOMPARE(result.requests, 0);
}

void TrafficImportTest::harAsQaModeExportsIt()
{
    const QJsonDocument har = Har::fromJournal(journalEntries(), QStringLiteral("http://127.0.0.1:8080"));
    const TrafficImport::Result result = TrafficImport::readJson(har.toJson());
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.format, QStringLiteral("har"));
    QCOMPARE(rowsText(result.rows), journalRows());
    QCOMPARE(result.recordsRead, qint64(journalEntries().size()));
    QCOMPARE(result.requests, 4);
    QCOMPARE(result.skippedBy, kJournalSkips);
}

void TrafficImportTest::journalInEachForm_data()
{
    QJsonArray entries;
    QByteArray lines;
    for (const JournalEntry &e : journalEntries()) {
        entries.append(e.toJson());
        lines += QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact) + "\n";
    }
    QTest::addColumn<QByteArray>("text");
    // What GET /api/v1/qa/journal.json answers, an array of entries, and journal.jsonl.
    QTest::newRow("export") << QJsonDocument(QJsonObject{{"count", entries.size()}, {"entries", entries}}).toJson();
    QTest::newRow("array") << QJsonDocument(entries).toJson();
    QTest::newRow("json lines") << lines;
}

void TrafficImportTest::journalInEachForm()
{
    QFETCH(QByteArray, text);
    const TrafficImport::Result result = TrafficImport::readJson(text);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.format, QStringLiteral("journal"));
    QCOMPARE(rowsText(result.rows), journalRows());
    QCOMPARE(result.skippedBy, kJournalSkips);
}

void TrafficImportTest::accessLogs()
{
    const QByteArray log =
        // common log format; -0700: 13:55 there is 20:55 UTC
        "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /v1/delivery?app=x&country=us&os=ios HTTP/1.1\" 200 2326\n"
        // combined log format, the other route, an absolute URL
        "10.0.0.2 - - [10/Oct/2000:21:10:00 +0000] \"GET http://ads.example/api/v1/delivery?country=US&os=iOS&app=x HTTP/1.1\" 204 0 \"-\" \"curl/8.0\"\n"
        "10.0.0.2 - - [10/Oct/2000:22:10:00 +0100] \"GET /v1/delivery?app=y&country=de&os=android HTTP/1.0\" 400 30 \"http://r/\" \"a \\\"quoted\\\" agent\"\n"
        "10.0.0.3 - - [10/Oct/2000:21:11:00 +0000] \"GET /healthz HTTP/1.1\" 200 15\n"
        "10.0.0.3 - - [10/Oct/2000:21:12:00 +0000] \"-\" 408 0\n"
        "10.0.0.3 - - [10/Oct/2000:21:13:00 +0000] \"HEAD /v1/delivery?app=y&country=de&os=android HTTP/1.1\" 200 0\n";
    const TrafficImport::Result result = TrafficImport::readAccessLog(log);
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(result.format, QStringLiteral("access-log"));
    const qint64 h20 = QDateTime(QDate(2000, 10, 10), QTime(20, 0), Qt::UTC).toSecsSinceEpoch();
    const qint64 h21 = h20 + 3600;
    QCOMPARE(rowsText(result.rows), (QStringList{row(h20, "us", "ios", "x", 1), row(h21, "de", "android", "y", 1),
                                                 row(h21, "us", "ios", "x", 1)}));
    QCOMPARE(result.recordsRead, 6);
    QCOMPARE(result.skippedBy, (QMap<QString, qint64>{{QStringLiteral("not a delivery URL"), 1},
                                                      {QStringLiteral("no request line"), 1},
                                                      {QStringLiteral("not a GET request"), 1}}));
}

void TrafficImportTest::badLogsImportNothing_data()
{
    const QByteArray good = "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /v1/delivery?app=x&country=us&os=ios HTTP/1.1\" 200 1\n";
    const QJsonObject harEntry{{"startedDateTime", "2025-12-03T09:00:00Z"},
                               {"request", QJsonObject{{"method", "GET"}, {"url", "http://h/v1/delivery?app=a&country=b&os=c"}}}};
    QJsonObject undated = harEntry;
    undated.remove(QStringLiteral("startedDateTime"));
    QTest::addColumn<int>("format");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");
    QTest::newRow("access log: not the format") << int(TrafficImport::Format::AccessLog) << good + "GET /v1/delivery\n" + good
                                                << "line 2: not in the common or combined log format";
    QTest::newRow("access log: bad time") << int(TrafficImport::Format::AccessLog)
                                          << good + QByteArray(good).replace("10/Oct/2000", "10/Foo/2000")
                                          << "line 2: time \"10/Foo/2000:13:55:36 -0700\" is not like 10/Oct/2000:13:55:36 -0700";
    QTest::newRow("har: entry without a time")
        << int(TrafficImport::Format::Json)
        << QJsonDocument(QJsonObject{{"log", QJsonObject{{"entries", QJsonArray{harEntry, undated}}}}}).toJson()
        << "entry 2: startedDateTime \"\" is not an ISO 8601 time";
    QTest::newRow("not JSON") << int(TrafficImport::Format::Json) << QByteArray("{\n \"log\": [1,\n 2,,]}")
                              << "line 3: not JSON: illegal value";
    QTest::newRow("json lines: a line that is no entry") << int(TrafficImport::Format::Json)
                                                         << QByteArray("{\"id\":1,\"time\":\"2025-12-03T09:00:00Z\"}\n{\"id\":2}\n")
                                                         << "line 2: not a QA journal entry (an id and an ISO 8601 time are required)";
    QTest::newRow("neither HAR nor journal") << int(TrafficImport::Format::Json) << QByteArray("{\"rows\":[]}")
                                             << "neither a HAR file (log.entries) nor a QA journal (entries, or an array of them)";
}

void TrafficImportTest::badLogsImportNothing()
{
    QFETCH(int, format);
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const TrafficImport::Result result = TrafficImport::read(TrafficImport::Format(format), text, kNow);
    QCOMPARE(result.error, error);
    QVERIFY(result.rows.isEmpty());
}

// An import is stored as a batch named by its rows: the same rows again are the same batch
// (TrafficTable::add adds a batch once), any other rows another one.
void TrafficImportTest::sameRowsSameBatch()
{
    const QByteArray csv = "US,android,com.a,10,2025-12-03T09:00:00Z\nCA,ios,com.b,4,2025-12-03T10:00:00Z\n";
    const auto first = TrafficImport::readCsv(csv, kNow);
    const auto again = TrafficImport::readCsv("country,os,app,requests,hour\n" + csv, kNow + 7200);
    QVERIFY(first.ok() && again.ok());
    QCOMPARE(TrafficImport::batchIdOf(again.rows), TrafficImport::batchIdOf(first.rows));
    QVERIFY(TrafficImport::batchIdOf(first.rows).startsWith(QLatin1String("import:")));
    QList<TrafficRow> changed = first.rows;
    changed.last().requests += 1;
    QVERIFY(TrafficImport::batchIdOf(changed) != TrafficImport::batchIdOf(first.rows));
    // Without hours, rows take the hour of the import: an hour later they are new traffic.
    const QByteArray hourless = "US,android,com.a,10\n";
    QVERIFY(TrafficImport::batchIdOf(TrafficImport::readCsv(hourless, kNow).rows)
            != TrafficImport::batchIdOf(TrafficImport::readCsv(hourless, kNow + 3600).rows));
}

QTEST_GUILESS_MAIN(TrafficImportTest)
#include "tst_trafficimport.moc"
