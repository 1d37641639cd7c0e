// Flights, day-parting, priority and the limit over HTTP: the admin API carries and checks
// them, delivery honours them now, explain evaluates them at another instant. Part of
// HttpTest (tst_http.h), so it runs over every store and cache.
#include "tst_http.h"

#include <QJsonObject>
#include <QTest>
#include <QTimeZone>
#include <QUrlQuery>

using namespace adserve;

namespace {

const QString kOffice = QStringLiteral("000000000111111111000000");
const QString kNoHour = QStringLiteral("000000000000000000000000");

QJsonArray officeHours()
{
    QJsonArray days;
    for (int day = 0; day < 7; ++day)
        days.append(day < 5 ? kOffice : kNoHour);
    return days;
}

QString iso(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

// The first Wednesday 10:00 in Berlin on or after `from`: inside office hours there.
QDateTime wednesdayMorningInBerlin(const QDateTime &from)
{
    const QTimeZone berlin("Europe/Berlin");
    QDate day = from.toTimeZone(berlin).date().addDays(1);
    while (day.dayOfWeek() != Qt::Wednesday)
        day = day.addDays(1);
    return QDateTime(day, QTime(10, 0), berlin);
}

QString explainUrl(const QString &extra)
{
    return QStringLiteral("/api/v1/delivery/explain?country=nl&os=tizen&app=flight.app&") + extra;
}

} // namespace

void HttpTest::servingTimesOverHttp()
{
    // A sale in Dutch office hours a month from now, ranked high, and an ordinary campaign
    // (on Tizen, which no sample campaign serves).
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime start = now.addDays(30), end = now.addDays(60);
    const QJsonArray netherlands{QJsonObject{{QStringLiteral("dimension"), QStringLiteral("country")},
                                             {QStringLiteral("ruleType"), QStringLiteral("INCLUDE")},
                                             {QStringLiteral("values"), QJsonArray{QStringLiteral("NL")}}}};
    const qint64 sale = createCampaign({{QStringLiteral("code"), QStringLiteral("nl-sale")},
                                        {QStringLiteral("name"), QStringLiteral("Sale")},
                                        {QStringLiteral("image"), QStringLiteral("https://img/sale")},
                                        {QStringLiteral("cta"), QStringLiteral("Buy")},
                                        {QStringLiteral("priority"), 7},
                                        {QStringLiteral("flightStart"), start.toOffsetFromUtc(3600).toString(Qt::ISODate)},
                                        {QStringLiteral("flightEnd"), iso(end)},
                                        {QStringLiteral("dayParting"),
                                         QJsonObject{{QStringLiteral("timeZone"), QStringLiteral("Europe/Berlin")},
                                                     {QStringLiteral("hours"), officeHours()}}},
                                        {QStringLiteral("rules"), netherlands}});
    const qint64 basic = createCampaign({{QStringLiteral("code"), QStringLiteral("nl-basic")},
                                         {QStringLiteral("name"), QStringLiteral("Basic")},
                                         {QStringLiteral("image"), QStringLiteral("https://img/basic")},
                                         {QStringLiteral("cta"), QStringLiteral("Go")},
                                         {QStringLiteral("rules"), netherlands}});
    QVERIFY(sale > 0 && basic > 0);

    // The admin API gives the fields back as stored: UTC, whole days of hours, a summary.
    const QJsonObject stored = get(QStringLiteral("/api/v1/campaigns/%1").arg(sale)).json().object();
    QCOMPARE(stored.value(QStringLiteral("priority")).toInt(), 7);
    QCOMPARE(stored.value(QStringLiteral("flightStart")).toString(), iso(QDateTime::fromSecsSinceEpoch(start.toSecsSinceEpoch(), Qt::UTC)));
    QCOMPARE(stored.value(QStringLiteral("flightEnd")).toString(), iso(end));
    const QJsonObject parting = stored.value(QStringLiteral("dayParting")).toObject();
    QCOMPARE(parting.value(QStringLiteral("hours")).toArray(), officeHours());
    QCOMPARE(parting.value(QStringLiteral("summary")).toString(), QStringLiteral("Mon–Fri 09–18"));

    // Now: only the ordinary campaign serves; the sale's flight has not started.
    const QString delivery = QStringLiteral("/v1/delivery?app=flight.app&country=nl&os=tizen");
    QCOMPARE(cids(get(delivery).json().array()), QStringList{QStringLiteral("nl-basic")});
    const QJsonObject notYet = get(explainUrl(QStringLiteral("campaign=nl-sale"))).json().object();
    const QJsonObject notYetDecision = notYet.value(QStringLiteral("decisions")).toArray().first().toObject();
    QCOMPARE(notYetDecision.value(QStringLiteral("verdict")).toString(), QStringLiteral("flight-not-started"));
    QVERIFY2(notYetDecision.value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("not delivered: flight not started (starts ")),
             qPrintable(notYetDecision.value(QStringLiteral("reason")).toString()));

    // At a Wednesday morning inside the flight, the sale comes first, and with answerLimit=1
    // the other is ranked below the limit.
    QUrlQuery at;
    at.addQueryItem(QStringLiteral("at"), QString::fromLatin1(QUrl::toPercentEncoding(iso(wednesdayMorningInBerlin(start)))));
    at.addQueryItem(QStringLiteral("answerLimit"), QStringLiteral("1"));
    const QJsonObject then = get(explainUrl(at.toString())).json().object();
    QCOMPARE(cids(then.value(QStringLiteral("delivered")).toArray()), QStringList{QStringLiteral("nl-sale")});
    bool sawRankedOut = false;
    for (const QJsonValue &d : then.value(QStringLiteral("decisions")).toArray()) {
        const QJsonObject decision = d.toObject();
        if (decision.value(QStringLiteral("cid")).toString() != QLatin1String("nl-basic"))
            continue;
        sawRankedOut = true;
        QCOMPARE(decision.value(QStringLiteral("reason")).toString(),
                 QStringLiteral("not delivered: ranked below the limit (priority 0, 2nd; limit 1)"));
    }
    QVERIFY(sawRankedOut);
    // Time travel is explain's alone: the delivery route reads no `at`.
    QCOMPARE(cids(get(delivery + QStringLiteral("&at=") + iso(start.addDays(1))).json().array()),
             QStringList{QStringLiteral("nl-basic")});

    // Edits: a priority above the sale's puts the ordinary one first once both serve.
    QCOMPARE(request("PATCH", QStringLiteral("/api/v1/campaigns/%1").arg(basic), R"({"priority":9})").status, 200);
    const QJsonObject reordered = get(explainUrl(at.toString())).json().object();
    QCOMPARE(cids(reordered.value(QStringLiteral("delivered")).toArray()), QStringList{QStringLiteral("nl-basic")});
    // Removing the flight and the hours makes the sale serve now, after the ordinary one.
    QCOMPARE(request("PATCH", QStringLiteral("/api/v1/campaigns/%1").arg(sale),
                     R"({"flightStart":null,"flightEnd":null,"dayParting":null})").status,
             200);
    QCOMPARE(cids(get(delivery).json().array()), (QStringList{QStringLiteral("nl-basic"), QStringLiteral("nl-sale")}));
    QCOMPARE(cids(get(delivery + QStringLiteral("&limit=1")).json().array()), QStringList{QStringLiteral("nl-basic")});
    // The history says what changed.
    const QJsonObject change = get(QStringLiteral("/api/v1/campaigns/%1/history?limit=1").arg(basic))
                                   .json().object().value(QStringLiteral("changes")).toArray().first().toObject();
    QVERIFY2(change.value(QStringLiteral("summary")).toString().contains(QStringLiteral("priority 0 → 9")),
             qPrintable(change.value(QStringLiteral("summary")).toString()));

    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(sale)).status, 204);
    QCOMPARE(request("DELETE", QStringLiteral("/api/v1/campaigns/%1").arg(basic)).status, 204);
}

void HttpTest::limitParam_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    const QString v1 = QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android");
    const QString api = QStringLiteral("/api/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android");
    const QByteArray spotify = R"({"cid":"spotify","img":"https://somelink","cta":"Download"})";
    QTest::newRow("v1: limit 1, the first by id") << v1 + "&limit=1" << 200 << "[" + spotify + "]";
    QTest::newRow("v1: limit above the matches") << v1 + "&limit=50" << 200 << kLudoInUsBody;
    QTest::newRow("v1: limit 0") << v1 + "&limit=0" << 400
                                 << QByteArray(R"({"error":"limit must be a whole number from 1 to 1000000000"})");
    QTest::newRow("v1: limit junk") << v1 + "&limit=ten" << 400
                                    << QByteArray(R"({"error":"limit must be a whole number from 1 to 1000000000"})");
    QTest::newRow("v1: missing app still comes first")
        << "/v1/delivery?country=us&os=android&limit=-1" << 400 << QByteArray(R"({"error":"missing app param"})");
    QTest::newRow("api: limit 1") << api + "&limit=1" << 200
                                  << R"({"mc":"S012001","m":"Campaigns fetched successfully","lc":{"campaigns":[)" + spotify + "]}}";
    QTest::newRow("api: limit too large") << api + "&limit=1000000001" << 400
                                          << QByteArray(R"({"err":[{"di":"limit","em":"limit must be a whole number from 1 to 1000000000"}],"m":"Malformed request","mc":"E014001"})");
    QTest::newRow("explain: at without a zone")
        << "/api/v1/delivery/explain?country=us&os=android&app=x&at=2026-12-24T10:00:00" << 400
        << QByteArray(R"({"error":"at must be an ISO 8601 time with a zone, e.g. 2026-12-24T09:00:00Z"})");
    QTest::newRow("explain: answerLimit 0") << "/api/v1/delivery/explain?country=us&os=android&app=x&answerLimit=0" << 400
                                            << QByteArray(R"({"error":"answerLimit must be a whole number from 1 to 1000000000"})");
}

void HttpTest::limitParam()
{
    QFETCH(QString, target);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const Response r = get(target);
    QCOMPARE(r.status, status);
    if (status == 400)
        QCOMPARE(r.json(), QJsonDocument::fromJson(body));
    else
        QCOMPARE(r.body, body);
}
