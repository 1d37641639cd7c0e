// QA mode's request journal over real sockets: what it records, its filters and contract flags,
// the HAR 1.2 export and its replay, its bounds, and that it survives a restart; and QA mode
// being off unless asked for.
#include "tst_qa_journal.h"

#include "AdserveProcess.h"
#include "config/CommandLine.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using adserve::test::AdserveProcess;

namespace {

const QString kLudo = QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android");

QJsonObject journal(const QString &base, const QString &filter)
{
    const QaResponse r = qaRequest("GET", base + QStringLiteral("/api/v1/qa/journal?") + filter);
    if (r.status != 200)
        qWarning("journal?%s: %d %s", qPrintable(filter), r.status, r.body.constData());
    return r.json().object();
}

qint64 countOf(const QString &base, const QString &filter)
{
    return journal(base, filter).value(QLatin1String("count")).toInteger(-1);
}

// HAR 1.2's required fields of an entry (http://www.softwareishard.com/blog/har-12-spec/).
void verifyHarEntry(const QJsonObject &entry, const QString &base)
{
    QVERIFY(QDateTime::fromString(entry[QLatin1String("startedDateTime")].toString(), Qt::ISODateWithMs).isValid());
    QVERIFY(entry[QLatin1String("time")].isDouble());
    const QJsonObject request = entry[QLatin1String("request")].toObject();
    for (const char *field : {"method", "url", "httpVersion"})
        QVERIFY2(request[QLatin1String(field)].isString(), field);
    for (const char *field : {"cookies", "headers", "queryString"})
        QVERIFY2(request[QLatin1String(field)].isArray(), field);
    for (const char *field : {"headersSize", "bodySize"})
        QVERIFY2(request[QLatin1String(field)].isDouble(), field);
    QVERIFY(request[QLatin1String("url")].toString().startsWith(base + QLatin1Char('/')));
    const QJsonObject response = entry[QLatin1String("response")].toObject();
    for (const char *field : {"statusText", "httpVersion", "redirectURL"})
        QVERIFY2(response[QLatin1String(field)].isString(), field);
    for (const char *field : {"status", "headersSize", "bodySize"})
        QVERIFY2(response[QLatin1String(field)].isDouble(), field);
    for (const char *field : {"cookies", "headers"})
        QVERIFY2(response[QLatin1String(field)].isArray(), field);
    const QJsonObject content = response[QLatin1String("content")].toObject();
    QVERIFY(content[QLatin1String("size")].isDouble());
    QVERIFY(content[QLatin1String("mimeType")].isString());
    QVERIFY(entry[QLatin1String("cache")].isObject());
    const QJsonObject timings = entry[QLatin1String("timings")].toObject();
    double sum = 0;
    for (const char *field : {"send", "wait", "receive"}) {
        QVERIFY2(timings[QLatin1String(field)].isDouble() && timings[QLatin1String(field)].toDouble() >= 0, field);
        sum += timings[QLatin1String(field)].toDouble();
    }
    for (const char *field : {"blocked", "dns", "connect", "ssl"}) {
        const double v = timings[QLatin1String(field)].toDouble();
        QVERIFY2(v == -1 || v >= 0, field);
        sum += std::max(0.0, v);
    }
    QVERIFY(qAbs(sum - entry[QLatin1String("time")].toDouble()) < 0.01); // time is the sum of the timings
}

} // namespace

void QaJournalTest::initTestCase()
{
    QString error;
    QVERIFY2(server_.start({}, &error), qPrintable(error));
    QCOMPARE(qaRequest("DELETE", base() + QStringLiteral("/api/v1/qa/journal")).status, 204);
    // The traffic the filters are asked about.
    const QList<QPair<QString, QByteArray>> traffic{
        {kLudo, {}},
        {kLudo, {}},
        {kLudo, {}},
        {QStringLiteral("/v1/delivery?app=a&country=DE&os=iOS"), {}},
        {QStringLiteral("/v1/delivery?app=b&country=de&os=ios"), {}},
        {kLudo, "no-fill"},
        {QStringLiteral("/v1/delivery?country=us&os=android"), {}},            // 400: app missing
        {QStringLiteral("/v1/delivery?app=a&country=germany&os=symbian&debug=1"), {}}, // 204, flagged thrice
        {QStringLiteral("/healthz"), {}},
    };
    for (const auto &[target, scenario] : traffic)
        QVERIFY(qaRequest("GET", base() + target, {}, {}, scenario).status > 0);
}

void QaJournalTest::cleanupTestCase()
{
    server_.stop();
}

void QaJournalTest::recordsWhatHappened()
{
    const QJsonArray entries = journal(base(), QStringLiteral("scenario=no-fill"))[QLatin1String("entries")].toArray();
    QCOMPARE(entries.size(), 1);
    const QJsonObject e = entries[0].toObject();
    QCOMPARE(e[QLatin1String("method")].toString(), QStringLiteral("GET"));
    QCOMPARE(e[QLatin1String("path")].toString(), QStringLiteral("/v1/delivery"));
    QCOMPARE(e[QLatin1String("query")].toString(), kLudo.mid(kLudo.indexOf(QLatin1Char('?')) + 1));
    QCOMPARE(e[QLatin1String("rule")].toString(), QStringLiteral("no-fill"));
    QCOMPARE(e[QLatin1String("status")].toInt(), 204);
    QCOMPARE(e[QLatin1String("outcome")].toString(), QStringLiteral("answered"));
    QVERIFY(e[QLatin1String("client")].toString().startsWith(QLatin1String("127.0.0.1:")));
    QVERIFY(e[QLatin1String("timings")][QLatin1String("totalMs")].toDouble() > 0);
    QVERIFY(QDateTime::fromString(e[QLatin1String("time")].toString(), Qt::ISODateWithMs).secsTo(QDateTime::currentDateTimeUtc()) < 60);
    bool sawHeader = false;
    for (const QJsonValue &h : e[QLatin1String("requestHeaders")].toArray()) {
        if (h[QLatin1String("name")].toString().compare(QLatin1String("X-Adserve-Scenario"), Qt::CaseInsensitive) == 0)
            sawHeader = h[QLatin1String("value")].toString() == QLatin1String("no-fill");
    }
    QVERIFY(sawHeader);
    // The engine's answers are recorded with their body; the QA admin calls are not recorded.
    const QJsonObject engine = journal(base(), QStringLiteral("rule=engine&param=app=com.gametion.*&limit=1"))[QLatin1String("entries")][0].toObject();
    QVERIFY(engine[QLatin1String("responseBody")].toString().contains(QLatin1String("spotify")));
    QCOMPARE(countOf(base(), QStringLiteral("path=/api/v1/qa/*")), 0);
}

void QaJournalTest::filterCounts_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("count");
    QTest::newRow("everything") << "" << 9;
    QTest::newRow("path") << "path=/v1/delivery" << 8;
    QTest::newRow("path glob") << "path=*/delivery" << 8;
    QTest::newRow("param, any case") << "param=os=ios" << 2;
    QTest::newRow("two params") << "param=os=android&param=country=us" << 5;
    QTest::newRow("param glob") << "param=app=com.gametion.*" << 4;
    QTest::newRow("param present") << "param=debug" << 1;
    QTest::newRow("scenario") << "scenario=no-fill" << 1;
    QTest::newRow("the engine answered") << "rule=engine" << 8;
    QTest::newRow("status") << "status=204" << 2;
    QTest::newRow("status class") << "status=4xx" << 1;
    QTest::newRow("flagged") << "flagged=true" << 2;
    QTest::newRow("not flagged") << "flagged=false" << 7;
    QTest::newRow("since the future") << "since=2999-01-01T00:00:00Z" << 0;
    QTest::newRow("since the past") << "since=2000-01-01T00:00:00Z" << 9;
    QTest::newRow("method") << "method=POST" << 0;
    QTest::newRow("limit pages, count counts") << "limit=2" << 9;
}

void QaJournalTest::filterCounts()
{
    QFETCH(QString, filter);
    QFETCH(int, count);
    const QJsonObject found = journal(base(), filter);
    QCOMPARE(found[QLatin1String("count")].toInt(), count);
    QCOMPARE(found[QLatin1String("entries")].toArray().size(), std::min(count, filter.startsWith(QLatin1String("limit")) ? 2 : 100));
}

void QaJournalTest::badFilters_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("unknown") << "colour=red" << QByteArray("unknown filter \\\"colour\\\"");
    QTest::newRow("status") << "status=abc" << QByteArray("status:");
    QTest::newRow("since without a zone") << "since=2026-01-01T00:00:00" << QByteArray("since:");
    QTest::newRow("limit 0") << "limit=0" << QByteArray("limit:");
    QTest::newRow("limit too high") << "limit=5000" << QByteArray("limit:");
    QTest::newRow("param without a name") << "param==x" << QByteArray("param:");
    QTest::newRow("flagged") << "flagged=maybe" << QByteArray("flagged:");
}

void QaJournalTest::badFilters()
{
    QFETCH(QString, filter);
    QFETCH(QByteArray, message);
    const QaResponse r = qaRequest("GET", base() + QStringLiteral("/api/v1/qa/journal?") + filter);
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.contains(message), r.body.constData());
}

void QaJournalTest::contractFlags_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("flags"); // "param: reason"
    QTest::newRow("clean") << "app=x&country=US&os=Android" << QStringList();
    QTest::newRow("missing and empty")
        << "country=us&os=" << QStringList{"app: required parameter is missing", "os: required parameter is empty"};
    QTest::newRow("not ISO, unknown OS, unknown parameter")
        << "app=x&country=germany&os=symbian&debug=1"
        << QStringList{"country: \"germany\" is not an ISO 3166-1 alpha-2 country code", "os: \"symbian\" is not a known OS name",
                       "debug: unknown parameter"};
    QTest::newRow("over-long")
        << "app=" + QString(300, QLatin1Char('a')) + "&country=us&os=ios" << QStringList{"app: longer than 256 characters (300)"};
    QTest::newRow("repeated") << "app=x&app=y&country=us&os=ios" << QStringList{"app: given more than once: the first value counts"};
    QTest::newRow("bad limit") << "app=x&country=us&os=ios&limit=0" << QStringList{"limit: \"0\" is not a whole number from 1"};
}

void QaJournalTest::contractFlags()
{
    QFETCH(QString, query);
    QFETCH(QStringList, flags);
    const qint64 last = journal(base(), QStringLiteral("limit=1"))[QLatin1String("entries")][0][QLatin1String("id")].toInteger();
    qaRequest("GET", base() + QStringLiteral("/v1/delivery?") + query, {}, {});
    const QJsonArray entries = journal(base(), QStringLiteral("after=%1").arg(last))[QLatin1String("entries")].toArray();
    QCOMPARE(entries.size(), 1);
    QStringList got;
    for (const QJsonValue &f : entries[0][QLatin1String("flags")].toArray())
        got << f[QLatin1String("param")].toString() + QStringLiteral(": ") + f[QLatin1String("reason")].toString();
    got.sort();
    flags.sort();
    QCOMPARE(got, flags);
}

void QaJournalTest::harExport()
{
    const QaResponse r = qaRequest("GET", base() + QStringLiteral("/api/v1/qa/journal.har?path=/v1/delivery&since=2000-01-01T00:00:00Z"));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
    QJsonParseError parseError{};
    const QJsonDocument har = QJsonDocument::fromJson(r.body, &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    const QJsonObject log = har[QLatin1String("log")].toObject();
    QCOMPARE(log[QLatin1String("version")].toString(), QStringLiteral("1.2"));
    QCOMPARE(log[QLatin1String("creator")][QLatin1String("name")].toString(), QStringLiteral("adserve"));
    QVERIFY(log[QLatin1String("creator")][QLatin1String("version")].isString());
    const QJsonArray entries = log[QLatin1String("entries")].toArray();
    QCOMPARE(qint64(entries.size()), countOf(base(), QStringLiteral("path=/v1/delivery")));
    for (const QJsonValue &entry : entries)
        verifyHarEntry(entry.toObject(), base());
    const QJsonObject noFill = entries[5].toObject();
    QCOMPARE(noFill[QLatin1String("response")][QLatin1String("status")].toInt(), 204);
    QCOMPARE(noFill[QLatin1String("_adserve")][QLatin1String("scenario")].toString(), QStringLiteral("no-fill"));
    QCOMPARE(noFill[QLatin1String("request")][QLatin1String("queryString")].toArray().size(), 3);
    QCOMPARE(entries[0][QLatin1String("response")][QLatin1String("content")][QLatin1String("text")].toString().toUtf8(),
             QByteArray(R"([{"cid":"spotify","img":"https://somelink","cta":"Download"},{"cid":"subwaysurfer","img":"https://somelink3","cta":"Play"}])"));
}

void QaJournalTest::jsonExport()
{
    const QaResponse r = qaRequest("GET", base() + QStringLiteral("/api/v1/qa/journal.json?path=/v1/delivery"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.headers.value("content-disposition").contains("journal.json"));
    const QJsonObject all = r.json().object();
    QCOMPARE(all[QLatin1String("count")].toInteger(), countOf(base(), QStringLiteral("path=/v1/delivery")));
    QCOMPARE(all[QLatin1String("entries")].toArray().size(), all[QLatin1String("count")].toInt());
    // Each exported entry reads back as it was written.
    for (const QJsonValue &e : all[QLatin1String("entries")].toArray()) {
        const auto entry = adserve::JournalEntry::fromJson(e.toObject());
        QVERIFY(entry);
        QCOMPARE(entry->toJson(), e.toObject());
    }
}

void QaJournalTest::harImportAndReplay()
{
    // The ludo requests: three the engine answered, one no-fill.
    const QByteArray har = qaRequest("GET", base() + QStringLiteral("/api/v1/qa/journal.har?param=app=com.gametion.*")).body;
    const qint64 last = journal(base(), QStringLiteral("limit=1"))[QLatin1String("entries")][0][QLatin1String("id")].toInteger();
    const QaResponse started = qaRequest("POST", base() + QStringLiteral("/api/v1/qa/replay"), har);
    QCOMPARE(started.status, 202);
    QCOMPARE(started.json()[QLatin1String("requests")].toInt(), 4);
    QJsonObject status;
    QTRY_VERIFY_WITH_TIMEOUT(!(status = qaRequest("GET", base() + QStringLiteral("/api/v1/qa/replay")).json().object())
                                  [QLatin1String("running")].toBool(),
                             10000);
    QCOMPARE(status[QLatin1String("done")].toInt(), 4);
    // The same requests get the same answers: the recorded scenario header is sent again too.
    for (const QJsonValue &result : status[QLatin1String("results")].toArray()) {
        QVERIFY(result[QLatin1String("status")].toInt() > 0);
        QCOMPARE(result[QLatin1String("status")].toInt(), result[QLatin1String("originalStatus")].toInt());
    }
    const QJsonArray replayed = journal(base(), QStringLiteral("after=%1").arg(last))[QLatin1String("entries")].toArray();
    QCOMPARE(replayed.size(), 4);
    for (const QJsonValue &e : replayed)
        QVERIFY(QJsonDocument(e[QLatin1String("requestHeaders")].toArray()).toJson().contains("X-Adserve-Replay"));
    QCOMPARE(replayed[3][QLatin1String("scenario")].toString(), QStringLiteral("no-fill"));
    QCOMPARE(replayed[3][QLatin1String("status")].toInt(), 204);

    // A replay of slow requests can be stopped; then the next one may start.
    QJsonArray slow;
    for (int i = 0; i < 20; ++i)
        slow.append(QJsonObject{{QStringLiteral("request"),
                                 QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")},
                                             {QStringLiteral("url"), kLudo},
                                             {QStringLiteral("headers"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("X-Adserve-Scenario")},
                                                                                                {QStringLiteral("value"), QStringLiteral("slow-3s")}}}}}}});
    const QByteArray slowHar = QJsonDocument(QJsonObject{{QStringLiteral("log"), QJsonObject{{QStringLiteral("entries"), slow}}}}).toJson();
    QCOMPARE(qaRequest("POST", base() + QStringLiteral("/api/v1/qa/replay"), slowHar).status, 202);
    QCOMPARE(qaRequest("POST", base() + QStringLiteral("/api/v1/qa/replay"), slowHar).status, 409); // one at a time
    QCOMPARE(qaRequest("DELETE", base() + QStringLiteral("/api/v1/qa/replay")).status, 204);
    QTRY_VERIFY_WITH_TIMEOUT(!qaRequest("GET", base() + QStringLiteral("/api/v1/qa/replay")).json()[QLatin1String("running")].toBool(), 5000);
    QVERIFY(qaRequest("GET", base() + QStringLiteral("/api/v1/qa/replay")).json()[QLatin1String("done")].toInt() < 20);
}

void QaJournalTest::replayRejectsBadHar_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("not JSON") << QByteArray("HAR?") << QByteArray("invalid JSON");
    QTest::newRow("not a HAR") << QByteArray(R"({"entries":[]})") << QByteArray("log.entries must be an array");
    QTest::newRow("bad method")
        << QByteArray(R"({"log":{"entries":[{"request":{"method":"BREW","url":"/v1/delivery"}}]}})") << QByteArray("entries[0].request.method");
    QTest::newRow("no url") << QByteArray(R"({"log":{"entries":[{"request":{"method":"GET"}}]}})") << QByteArray("entries[0].request.url");
    QTest::newRow("header smuggling a line")
        << QByteArray(R"({"log":{"entries":[{"request":{"method":"GET","url":"/x","headers":[{"name":"A","value":"b\r\nC: d"}]}}]}})")
        << QByteArray("malformed");
    QTest::newRow("too many") << QByteArray("{\"log\":{\"entries\":[" + QByteArray("{},").repeated(1000) + "{}]}}")
                              << QByteArray("at most 1000 entries");
}

void QaJournalTest::replayRejectsBadHar()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, message);
    const QaResponse r = qaRequest("POST", base() + QStringLiteral("/api/v1/qa/replay"), body);
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.contains(message), r.body.constData());
}

void QaJournalTest::survivesRestart()
{
    const QByteArray scenario = R"({"description":"kept","rules":[{"answer":{"noFill":true}}]})";
    QCOMPARE(qaRequest("PUT", base() + QStringLiteral("/api/v1/qa/scenarios/kept"), scenario).status, 201);
    QCOMPARE(qaRequest("POST", base() + QStringLiteral("/api/v1/qa/active"), R"({"scenario":"kept"})").status, 200);
    const QJsonObject before = journal(base(), QStringLiteral("limit=1000"));
    const qint64 lastId = before[QLatin1String("entries")].toArray().last()[QLatin1String("id")].toInteger();
    server_.stop();
    QString error;
    QVERIFY2(server_.start({}, &error), qPrintable(error));
    const QJsonObject after = journal(base(), QStringLiteral("limit=1000"));
    QCOMPARE(after[QLatin1String("count")], before[QLatin1String("count")]);
    QCOMPARE(after[QLatin1String("entries")], before[QLatin1String("entries")]);
    // Scenarios are kept, none is active after a restart, and ids go on.
    const QaResponse kept = qaRequest("GET", base() + QStringLiteral("/api/v1/qa/scenarios/kept"));
    QCOMPARE(kept.status, 200);
    QCOMPARE(kept.json()[QLatin1String("description")].toString(), QStringLiteral("kept"));
    QCOMPARE(qaRequest("GET", base() + kLudo, {}, {}).headers.value("x-adserve-qa"), QByteArray("none"));
    const QJsonObject newest = journal(base(), QStringLiteral("limit=1"))[QLatin1String("entries")][0].toObject();
    QCOMPARE(newest[QLatin1String("id")].toInteger(), lastId + 1);
}

void QaJournalTest::boundedByCount()
{
    QaTestServer small;
    QString error;
    QVERIFY2(small.start({{QStringLiteral("QA_JOURNAL_MAX_ENTRIES"), QStringLiteral("5")}}, &error), qPrintable(error));
    for (int i = 0; i < 12; ++i)
        QCOMPARE(qaRequest("GET", small.url() + QStringLiteral("/healthz"), {}, {}).status, 200);
    const QJsonObject found = journal(small.url(), {});
    QCOMPARE(found[QLatin1String("count")].toInt(), 5);
    QCOMPARE(found[QLatin1String("entries")][0][QLatin1String("id")].toInt(), 8); // the oldest went first
    small.stop();
    QVERIFY2(small.start({{QStringLiteral("QA_JOURNAL_MAX_ENTRIES"), QStringLiteral("3")}}, &error), qPrintable(error));
    QCOMPARE(countOf(small.url(), {}), 3); // a smaller bound applies to what the file held
}

void QaJournalTest::boundedByBytes()
{
    QaTestServer small;
    QString error;
    QVERIFY2(small.start({{QStringLiteral("QA_JOURNAL_MAX_BYTES"), QStringLiteral("65536")}}, &error), qPrintable(error));
    const QByteArray padding(2000, 'x'); // each entry keeps its request's headers
    for (int i = 0; i < 100; ++i) {
        const RawAnswer r = rawGet(small.port(), QStringLiteral("/healthz"), {{"X-Padding", padding}});
        QCOMPARE(r.status(), 200);
    }
    const QJsonObject found = journal(small.url(), QStringLiteral("limit=1000"));
    const QJsonArray entries = found[QLatin1String("entries")].toArray();
    qint64 bytes = 0;
    for (const QJsonValue &e : entries)
        bytes += QJsonDocument(e.toObject()).toJson(QJsonDocument::Compact).size() + 1;
    qInfo("64 KiB hold %lld entries of 100 (%lld bytes)", qint64(entries.size()), bytes);
    QVERIFY(entries.size() > 10 && entries.size() < 40);
    QVERIFY(bytes <= 65536);
    QCOMPARE(entries.last()[QLatin1String("id")].toInt(), 100); // the newest are kept
}

void QaJournalTest::offUnlessAskedFor()
{
    QaTestServer plain;
    QString error;
    QVERIFY2(plain.start({{QStringLiteral("ADSERVE_QA"), QStringLiteral("false")}}, &error), qPrintable(error));
    QVERIFY(!plain.qa());
    for (const char *route : {"/api/v1/qa/scenarios", "/api/v1/qa/journal", "/api/v1/qa/journal.har", "/api/v1/qa/active"})
        QCOMPARE(qaRequest("GET", plain.url() + QLatin1String(route)).status, 404);
    const QaResponse delivery = qaRequest("GET", plain.url() + kLudo, {}, {}, "reset");
    QCOMPARE(delivery.status, 200); // the header names nothing without QA mode
    QVERIFY(!delivery.headers.contains("x-adserve-qa"));
    QVERIFY(!qaRequest("GET", plain.url() + QStringLiteral("/readyz")).json().object().contains(QLatin1String("qa")));
}

void QaJournalTest::qaFlagOfTheServer()
{
    // The flag turns it on, the environment too; nothing else does.
    adserve::CommandLine flags(QStringLiteral("adserve"));
    QString error;
    QVERIFY(flags.parse({QStringLiteral("adserve"), QStringLiteral("--qa")}, &error));
    QVERIFY(flags.config({}, &error)->qa.enabled);
    adserve::CommandLine none(QStringLiteral("adserve"));
    QVERIFY(none.parse({QStringLiteral("adserve")}, &error));
    QVERIFY(!none.config({}, &error)->qa.enabled);
    QVERIFY(!none.config({QStringLiteral("ADSERVE_QA=maybe")}, &error));
    QVERIFY2(error.contains(QLatin1String("ADSERVE_QA")), qPrintable(error));

    // The real executable, as a service runs it: off by default, on when asked for.
    QTemporaryDir dir;
    const QString binary = QCoreApplication::applicationDirPath() + QStringLiteral("/adserve");
    const QMap<QString, QString> base{{QStringLiteral("ADSERVE_DB"), dir.filePath(QStringLiteral("a.sqlite"))},
                                      {QStringLiteral("ADSERVE_ADMIN_TOKEN"), QString::fromLatin1(kQaToken)},
                                      {QStringLiteral("QA_DIR"), dir.filePath(QStringLiteral("qa"))}};
    AdserveProcess off(binary, base);
    QVERIFY2(off.start(&error), qPrintable(error));
    QCOMPARE(qaRequest("GET", off.url() + QStringLiteral("/api/v1/qa/scenarios")).status, 404);
    QVERIFY(!qaRequest("GET", off.url() + kLudo, {}, {}).headers.contains("x-adserve-qa"));
    off.stop();
    QMap<QString, QString> qaOn = base;
    qaOn.insert(QStringLiteral("ADSERVE_QA"), QStringLiteral("true"));
    AdserveProcess on(binary, qaOn);
    QVERIFY2(on.start(&error), qPrintable(error));
    QVERIFY(on.output().contains("QA mode is on"));
    QCOMPARE(qaRequest("GET", on.url() + kLudo, {}, {}, "no-fill").status, 204);
    QCOMPARE(qaRequest("GET", on.url() + QStringLiteral("/readyz")).json()[QLatin1String("qa")][QLatin1String("mode")].toString(),
             QStringLiteral("on"));
    QCOMPARE(countOf(on.url(), QStringLiteral("scenario=no-fill")), 1);
}

QTEST_GUILESS_MAIN(QaJournalTest)
