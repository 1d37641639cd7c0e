// Recorded traffic end to end: real `adserve` processes over one real PostgreSQL. Requests
// sent to two instances over HTTP add up in the store's table; an instance that is told not
// to record records nothing; one that stops flushes what it counted; the admin routes import
// files and answer totals, and refuse what they must.
#include "AdserveProcess.h"
#include "TestPostgres.h"
#include "store/CampaignStore.h"
#include "traffic/TrafficTable.h"

#include <QCoreApplication>
#include <QUrl>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

namespace {

const QByteArray kToken = "traffic-token";

QString binary()
{
    return QCoreApplication::applicationDirPath() + QStringLiteral("/adserve");
}

} // namespace

class TrafficServerTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void requestsToTwoInstancesAddUpInTheStore();
    void recordingOffRecordsNothing();
    void aStoppingInstanceFlushesWhatItCounted();
    void importedTrafficShowsInTheTotals();
    void importsOfEveryFormatOverHttp();
    void forecastsOverImportedTraffic();
    void refusals_data();
    void refusals();

private:
    // A server over `databaseUrl` with these settings besides the token.
    std::unique_ptr<AdserveProcess> start(const QString &databaseUrl, QMap<QString, QString> settings);
    // Every row the database `url` holds, as "country|os|app" -> requests (hours added up).
    QMap<QString, qint64> storedTriples(const QString &url);
    HttpAnswer admin(AdserveProcess &server, const QByteArray &method, const QString &target, const QByteArray &body = {},
                     const QByteArray &contentType = "text/csv")
    {
        return httpRequest(method, server.url() + target, body, kToken, 10000, contentType);
    }

    TestPostgres postgres_;
    std::unique_ptr<AdserveProcess> a_;
    std::unique_ptr<AdserveProcess> b_;
};

std::unique_ptr<AdserveProcess> TrafficServerTest::start(const QString &databaseUrl, QMap<QString, QString> settings)
{
    settings.insert(QStringLiteral("DATABASE_URL"), databaseUrl);
    settings.insert(QStringLiteral("ADSERVE_ADMIN_TOKEN"), QString::fromLatin1(kToken));
    auto server = std::make_unique<AdserveProcess>(binary(), settings);
    QString error;
    if (!server->start(&error)) {
        qWarning("%s", qPrintable(error));
        return nullptr;
    }
    return server;
}

QMap<QString, qint64> TrafficServerTest::storedTriples(const QString &url)
{
    QString error;
    const auto target = DatabaseTarget::fromDatabaseUrl(url, &error);
    auto store = target ? CampaignStore::open(*target, &error) : nullptr;
    if (!store) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    QMap<QString, qint64> triples;
    for (const TrafficRow &r : TrafficTable(store->sessions()).read(0, 4'000'000'000LL).value)
        triples[r.country + QLatin1Char('|') + r.os + QLatin1Char('|') + r.app] += r.requests;
    return triples;
}

void TrafficServerTest::initTestCase()
{
    QString error;
    QVERIFY2(postgres_.start(&error), qPrintable(error));
    const QMap<QString, QString> fastFlush{{QStringLiteral("TRAFFIC_FLUSH_MS"), QStringLiteral("200")}};
    a_ = start(postgres_.databaseUrl(), fastFlush);
    b_ = start(postgres_.databaseUrl(), fastFlush);
    QVERIFY(a_ && b_);
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest("GET", a_->url() + "/readyz").status, 200, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest("GET", b_->url() + "/readyz").status, 200, 20000);
}

void TrafficServerTest::cleanupTestCase()
{
    a_.reset();
    b_.reset();
    postgres_.stop();
}

void TrafficServerTest::requestsToTwoInstancesAddUpInTheStore()
{
    const QStringList countries{"US", "de", " Fr "};
    const QStringList oses{"android", "iOS"};
    QMap<QString, qint64> expected;
    int sent = 0;
    for (AdserveProcess *server : {a_.get(), b_.get()}) {
        const int requests = server == a_.get() ? 30 : 20;
        for (int i = 0; i < requests; ++i) {
            const QString country = countries[(i + sent) % 3];
            const QString os = oses[i % 2];
            const QString app = QStringLiteral("com.App%1").arg(i % 4);
            const QString params = QStringLiteral("country=%1&os=%2&app=%3")
                                       .arg(QString::fromLatin1(QUrl::toPercentEncoding(country)), os, app);
            const QString path = i % 2 ? QStringLiteral("/v1/delivery?") : QStringLiteral("/api/v1/delivery?");
            QCOMPARE(httpRequest("GET", server->url() + path + params).status, 204); // no campaigns: still counted
            ++expected[country.trimmed().toLower() + QLatin1Char('|') + os.toLower() + QLatin1Char('|') + app.toLower()];
        }
        sent += requests;
        // Refused requests are not traffic.
        QCOMPARE(httpRequest("GET", server->url() + "/v1/delivery?app=x&country=us").status, 400);
        QCOMPARE(httpRequest("GET", server->url() + "/api/v1/delivery?country=us&os=ios").status, 400);
    }
    QTRY_COMPARE_WITH_TIMEOUT(storedTriples(postgres_.databaseUrl()), expected, 10000);
    // Either instance answers the sum.
    const QJsonObject totals = admin(*b_, "GET", "/api/v1/traffic").json().object();
    QCOMPARE(totals.value("requests").toInteger(), 50);
    QCOMPARE(totals.value("triples").toInteger(), expected.size());
    QCOMPARE(totals.value("recording").toObject().value("enabled").toBool(), true);
}

void TrafficServerTest::recordingOffRecordsNothing()
{
    QString error;
    const QString url = postgres_.createDatabase(QStringLiteral("recording_off"), &error);
    QVERIFY2(!url.isEmpty(), qPrintable(error));
    auto off = start(url, {{QStringLiteral("TRAFFIC_RECORDING"), QStringLiteral("false")},
                           {QStringLiteral("TRAFFIC_FLUSH_MS"), QStringLiteral("100")}});
    QVERIFY(off);
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest("GET", off->url() + "/readyz").status, 200, 20000);
    for (int i = 0; i < 10; ++i)
        QCOMPARE(httpRequest("GET", off->url() + "/v1/delivery?app=a&country=us&os=ios").status, 204);
    QCOMPARE(admin(*off, "GET", "/api/v1/traffic").json().object().value("recording").toObject().value("enabled").toBool(),
             false);
    QTest::qWait(500); // five flush intervals, were it recording
    off->stop();       // and the flush at the stop
    QCOMPARE(storedTriples(url), (QMap<QString, qint64>{}));
}

void TrafficServerTest::aStoppingInstanceFlushesWhatItCounted()
{
    QString error;
    const QString url = postgres_.createDatabase(QStringLiteral("final_flush"), &error);
    QVERIFY2(!url.isEmpty(), qPrintable(error));
    auto server = start(url, {{QStringLiteral("TRAFFIC_FLUSH_MS"), QStringLiteral("3600000")}});
    QVERIFY(server);
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest("GET", server->url() + "/readyz").status, 200, 20000);
    for (int i = 0; i < 7; ++i)
        QCOMPARE(httpRequest("GET", server->url() + "/v1/delivery?app=a&country=us&os=ios").status, 204);
    QCOMPARE(storedTriples(url), (QMap<QString, qint64>{}));
    server->stop(); // SIGTERM: an orderly stop
    QCOMPARE(storedTriples(url), (QMap<QString, qint64>{{"us|ios|a", 7}}));
}

void TrafficServerTest::importedTrafficShowsInTheTotals()
{
    // Hours of 2020-01-01 and 02: no live traffic there.
    const QByteArray csv = "country,os,app,requests,hour\n"
                           "US,Android,com.a,10,2020-01-01T05:10:00Z\n"
                           "us,android,com.a,5,2020-01-01T06:00:00Z\n"
                           "de,ios,com.b,7,2020-01-01T23:59:59Z\n"
                           "de,android,com.c,3,2020-01-02T00:00:00Z\n"
                           "fr,ios,com.c,100,2020-01-03T00:00:00Z\n";
    const HttpAnswer imported = admin(*a_, "POST", "/api/v1/traffic/import", csv);
    QCOMPARE(imported.status, 200);
    const QJsonObject report = imported.json().object();
    QCOMPARE(report.value("format").toString(), QStringLiteral("csv"));
    QCOMPARE(report.value("recordsRead").toInteger(), 5);
    QCOMPARE(report.value("requests").toInteger(), 125);
    QCOMPARE(report.value("rows").toInteger(), 5);

    // A date as `to` includes that day: 2020-01-01 and 02, not 03.
    const HttpAnswer answer = admin(*b_, "GET", "/api/v1/traffic?from=2020-01-01&to=2020-01-02");
    QCOMPARE(answer.status, 200);
    const QJsonObject totals = answer.json().object();
    QCOMPARE(totals.value("from").toString(), QStringLiteral("2020-01-01T00:00:00Z"));
    QCOMPARE(totals.value("to").toString(), QStringLiteral("2020-01-03T00:00:00Z"));
    QCOMPARE(totals.value("requests").toInteger(), 10 + 5 + 7 + 3);
    QCOMPARE(totals.value("triples").toInteger(), 3);
    QCOMPARE(totals.value("perDay").toArray(),
             (QJsonArray{QJsonObject{{"day", "2020-01-01"}, {"requests", 22}}, QJsonObject{{"day", "2020-01-02"}, {"requests", 3}}}));
    const QJsonObject top = totals.value("top").toObject();
    QCOMPARE(top.value("country").toArray(), (QJsonArray{QJsonObject{{"value", "us"}, {"requests", 15}},
                                                         QJsonObject{{"value", "de"}, {"requests", 10}}}));
    QCOMPARE(top.value("os").toArray(), (QJsonArray{QJsonObject{{"value", "android"}, {"requests", 18}},
                                                    QJsonObject{{"value", "ios"}, {"requests", 7}}}));
    QCOMPARE(top.value("app").toArray().size(), 3);
    // A date-time range: the hours that overlap it.
    const QJsonObject hours = admin(*a_, "GET", "/api/v1/traffic?from=2020-01-01T05:30:00Z&to=2020-01-01T06:00:00Z").json().object();
    QCOMPARE(hours.value("requests").toInteger(), 10);
}

void TrafficServerTest::importsOfEveryFormatOverHttp()
{
    // 2019-06-01, 14:00 and 15:00 UTC.
    const QByteArray accessLog =
        "1.2.3.4 - - [01/Jun/2019:16:05:00 +0200] \"GET /v1/delivery?app=x&country=nl&os=ios HTTP/1.1\" 204 0\n"
        "1.2.3.4 - - [01/Jun/2019:15:05:00 +0000] \"GET /api/v1/delivery?country=nl&os=ios&app=x HTTP/1.1\" 200 99 \"-\" \"ua\"\n"
        "1.2.3.4 - - [01/Jun/2019:15:06:00 +0000] \"GET /metrics HTTP/1.1\" 200 99\n";
    const HttpAnswer log = admin(*a_, "POST", "/api/v1/traffic/import", accessLog, "text/plain; charset=utf-8");
    QCOMPARE(log.status, 200);
    QCOMPARE(log.json().object().value("skippedBy").toObject(), (QJsonObject{{"not a delivery URL", 1}}));
    const QByteArray har = R"({"log":{"version":"1.2","entries":[
        {"startedDateTime":"2019-06-01T15:59:59.999Z","request":{"method":"GET","url":"http://h/v1/delivery?app=x&country=nl&os=ios"}}]}})";
    const HttpAnswer fromHar = admin(*a_, "POST", "/api/v1/traffic/import", har, "application/json");
    QCOMPARE(fromHar.status, 200);
    QCOMPARE(fromHar.json().object().value("format").toString(), QStringLiteral("har"));
    const QJsonObject totals = admin(*a_, "GET", "/api/v1/traffic?from=2019-06-01T14:00:00Z&to=2019-06-01T16:00:00Z").json().object();
    QCOMPARE(totals.value("requests").toInteger(), 3);
    QCOMPARE(totals.value("triples").toInteger(), 1);
}

// A stored campaign's forecast and a draft's, and the store-wide report, over traffic imported
// for one day; every figure worked out by hand from the CSV below.
void TrafficServerTest::forecastsOverImportedTraffic()
{
    const QByteArray campaign = R"({"code":"fc-us","name":"FC US","image":"https://cdn.example/fc.png","cta":"Go",
        "status":"ACTIVE","rules":[{"dimension":"country","ruleType":"INCLUDE","values":["US","Canada"]}]})";
    QCOMPARE(admin(*a_, "POST", "/api/v1/campaigns", campaign, "application/json").status, 201);
    // "CA" is not "Canada": the rule names the country, these requests carry its code.
    const QByteArray csv = "country,os,app,requests,hour\n"
                           "US,Android,com.a,100,2021-03-01T10:00:00Z\n"
                           "Canada,iOS,com.b,40,2021-03-01T11:00:00Z\n"
                           "FR,Android,com.a,30,2021-03-01T12:00:00Z\n"
                           "CA,iOS,com.b,5,2021-03-01T13:00:00Z\n";
    const HttpAnswer first = admin(*a_, "POST", "/api/v1/traffic/import", csv);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json().object().value("added").toInteger(), 175);
    QCOMPARE(first.json().object().value("alreadyImported").toBool(), false);
    // The same rows again (a client's retry, on either instance) add nothing: "recorded" stays 175.
    const HttpAnswer again = admin(*b_, "POST", "/api/v1/traffic/import", csv);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json().object().value("added").toInteger(), 0);
    QCOMPARE(again.json().object().value("alreadyImported").toBool(), true);
    const QString day = QStringLiteral("from=2021-03-01&to=2021-03-01");

    // Asked of the other instance, once the new campaign reached it through the change log.
    HttpAnswer stored;
    QTRY_COMPARE_WITH_TIMEOUT((stored = admin(*b_, "GET", "/api/v1/forecast?campaign=fc-us&" + day)).status, 200, 10000);
    const QJsonObject forecast = stored.json().object();
    QCOMPARE(forecast.value("campaign").toObject().value("code").toString(), QStringLiteral("fc-us"));
    QCOMPARE(forecast.value("recorded").toInteger(), 175);
    QCOMPARE(forecast.value("matching").toInteger(), 100 + 40);
    QCOMPARE(forecast.value("lost").toInteger(), 30 + 5);
    QCOMPARE(forecast.value("byDay").toArray().size(), 1);
    QCOMPARE(forecast.value("byDay").toArray().at(0).toObject().value("matching").toInteger(), 140);
    const QJsonArray lostBy = forecast.value("lostBy").toArray();
    QCOMPARE(lostBy.size(), 1);
    QVERIFY2(lostBy.at(0).toObject().value("rule").toString().startsWith(QLatin1String("INCLUDE country")),
             qPrintable(lostBy.at(0).toObject().value("rule").toString()));
    QCOMPARE(lostBy.at(0).toObject().value("blocked").toInteger(), 35);
    QCOMPARE(forecast.value("period").toObject().value("to").toString(), QStringLiteral("2021-03-02T00:00:00Z"));

    // A draft, never saved: iOS excluded.
    const QByteArray draft = R"({"rules":[{"dimension":"os","ruleType":"EXCLUDE","values":["iOS"]}]})";
    const HttpAnswer drafted = admin(*a_, "POST", "/api/v1/forecast?" + day, draft, "application/json");
    QCOMPARE(drafted.status, 200);
    QCOMPARE(drafted.json().object().value("matching").toInteger(), 100 + 30);
    QCOMPARE(drafted.json().object().value("campaign").toObject().value("id").toInteger(), 0);

    // Every campaign's reach: fc-us reaches what its forecast says.
    const HttpAnswer report = admin(*a_, "GET", "/api/v1/reach?" + day);
    QCOMPARE(report.status, 200);
    bool found = false;
    for (const QJsonValue &row : report.json().object().value("top").toArray()) {
        if (row.toObject().value("code").toString() == QLatin1String("fc-us")) {
            QCOMPARE(row.toObject().value("matching").toInteger(), 140);
            found = true;
        }
    }
    QVERIFY(found);
    const HttpAnswer csvReport = admin(*a_, "GET", "/api/v1/reach?format=csv&" + day);
    QCOMPARE(csvReport.status, 200);
    QVERIFY2(csvReport.body.contains(",fc-us,true,140,"), csvReport.body.constData());

    // Refused: no campaign named, one that does not exist, a draft that is not JSON, no token.
    QCOMPARE(admin(*a_, "GET", "/api/v1/forecast?" + day).status, 400);
    QCOMPARE(admin(*a_, "GET", "/api/v1/forecast?campaign=no-such-code").status, 404);
    QCOMPARE(admin(*a_, "POST", "/api/v1/forecast", "{not json", "application/json").status, 400);
    QCOMPARE(admin(*a_, "GET", "/api/v1/forecast?campaign=fc-us&from=yesterday").status, 400);
    QCOMPARE(httpRequest("GET", a_->url() + "/api/v1/forecast?campaign=fc-us").status, 401);
}

void TrafficServerTest::refusals_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error"); // in the answer; empty: not checked
    const QByteArray csv = "us,ios,a,1,2018-01-01T00:00:00Z\n";
    QTest::newRow("totals without a token") << QByteArray("GET") << "/api/v1/traffic" << QByteArray() << QByteArray()
                                            << QByteArray() << 401 << "";
    QTest::newRow("import with a wrong token") << QByteArray("POST") << "/api/v1/traffic/import" << QByteArray("nope")
                                               << QByteArray("text/csv") << csv << 401 << "";
    QTest::newRow("import of XML") << QByteArray("POST") << "/api/v1/traffic/import" << kToken
                                   << QByteArray("application/xml") << QByteArray("<traffic/>") << 415 << "Content-Type";
    QTest::newRow("bad CSV line") << QByteArray("POST") << "/api/v1/traffic/import" << kToken << QByteArray("text/csv")
                                  << csv + csv + "us,ios,a,lots,2018-01-01T00:00:00Z\n" << 400
                                  << "line 3: requests \"lots\" is not a whole number";
    QTest::newRow("bad HAR entry") << QByteArray("POST") << "/api/v1/traffic/import" << kToken
                                   << QByteArray("application/json")
                                   << QByteArray(R"({"log":{"entries":[{"startedDateTime":"2018-01-01T00:00:00Z","request":{"method":"GET"}}]}})")
                                   << 400 << "entry 1: request.method and request.url are required";
    QTest::newRow("body over the limit") << QByteArray("POST") << "/api/v1/traffic/import" << kToken
                                         << QByteArray("text/csv") << csv.repeated(70'000) << 413 << "";
    QTest::newRow("totals from junk") << QByteArray("GET") << "/api/v1/traffic?from=last+week" << kToken << QByteArray()
                                      << QByteArray() << 400 << "from: \"last week\"";
    QTest::newRow("totals backwards") << QByteArray("GET") << "/api/v1/traffic?from=2020-01-02&to=2020-01-01" << kToken
                                      << QByteArray() << QByteArray() << 400 << "later";
    QTest::newRow("import by GET") << QByteArray("GET") << "/api/v1/traffic/import" << kToken << QByteArray()
                                   << QByteArray() << 405 << "";
}

void TrafficServerTest::refusals()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, target);
    QFETCH(QByteArray, token);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    const HttpAnswer answer = httpRequest(method, a_->url() + target, body, token, 10000, contentType);
    QCOMPARE(answer.status, status);
    if (!error.isEmpty())
        QVERIFY2(answer.json().object().value("error").toString().contains(error), answer.body.constData());
    // Nothing of a refused import is in the store (2018 holds nothing else).
    QCOMPARE(admin(*a_, "GET", "/api/v1/traffic?from=2018-01-01&to=2018-01-01").json().object().value("requests").toInteger(), 0);
}

QTEST_GUILESS_MAIN(TrafficServerTest)
#include "tst_traffic.moc"
