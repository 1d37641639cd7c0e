// Flights, day-parting, priority and the limit (DESIGN.md, "Targeting semantics"), as tables:
// campaign times + instant -> serves or not, and why.
#include "TestCampaigns.h"
#include "targeting/MatchEngine.h"
#include "targeting/MatchIndex.h"
#include "targeting/ServingClock.h"

#include <QDeadlineTimer>
#include <QTest>
#include <QThread>

using namespace adserve;

Q_DECLARE_METATYPE(ServingWindow::State)

namespace {

QDateTime utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

qint64 ms(const char *iso)
{
    return utc(iso).toMSecsSinceEpoch();
}

// "Mon 09-18" style: days (Mon..Sun or a range Mon-Fri) and hours [from, to) in local time.
WeekHours hours(int firstDay, int lastDay, int from, int to)
{
    WeekHours week;
    for (int day = firstDay; day <= lastDay; ++day) {
        for (int hour = from; hour < to; ++hour)
            week.set(size_t(weekSlot(day, hour)));
    }
    return week;
}

CampaignWithRules timed(qint64 id, const QString &code, ServingTimes serving, int priority = 0,
                        QList<TargetRule> rules = {})
{
    CampaignWithRules c = test::campaign(code, std::move(rules));
    c.campaign.id = id;
    c.campaign.serving = std::move(serving);
    c.campaign.priority = priority;
    return c;
}

const TargetingQuery kAnyRequest = TargetingQuery::from(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.app"));

} // namespace

class ServingTimesTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void flight_data();
    void flight();
    void dayPartingAcrossDst_data();
    void dayPartingAcrossDst();
    void nextChangeIsTheNextBoundary_data();
    void nextChangeIsTheNextBoundary();
    void answersComeByPriorityThenId();
    void limitTakesTheFirstInAnswerOrder_data();
    void limitTakesTheFirstInAnswerOrder();
    void timesCombineWithTargeting();
    void explainGivesTheTimeReasons_data();
    void explainGivesTheTimeReasons();
    void explainAtAnotherInstant();
    void theEngineAdvancesAtTheBoundary();
    void theClockStartsAFlightWhileItsMakerIsBusy();
    void weekHoursAsText_data();
    void weekHoursAsText();
};

void ServingTimesTest::flight_data()
{
    QTest::addColumn<QString>("start");
    QTest::addColumn<QString>("end");
    QTest::addColumn<QString>("at");
    QTest::addColumn<bool>("serves");
    const QString start = QStringLiteral("2026-12-24T09:00:00Z"), end = QStringLiteral("2027-01-06T00:00:00Z");
    QTest::newRow("before the start") << start << end << "2026-12-24T08:59:59.999Z" << false;
    QTest::newRow("at the start (inclusive)") << start << end << "2026-12-24T09:00:00Z" << true;
    QTest::newRow("inside") << start << end << "2026-12-31T23:00:00Z" << true;
    QTest::newRow("at the end (exclusive)") << start << end << "2027-01-06T00:00:00Z" << false;
    QTest::newRow("after") << start << end << "2027-02-01T00:00:00Z" << false;
    QTest::newRow("start only, after it") << start << QString() << "2030-01-01T00:00:00Z" << true;
    QTest::newRow("start only, before it") << start << QString() << "2026-01-01T00:00:00Z" << false;
    QTest::newRow("end only, before it") << QString() << end << "2020-01-01T00:00:00Z" << true;
    QTest::newRow("end only, after it") << QString() << end << "2027-01-06T00:00:01Z" << false;
    QTest::newRow("offset in the input") << "2026-12-24T10:00:00+01:00" << end << "2026-12-24T09:00:00Z" << true;
}

void ServingTimesTest::flight()
{
    QFETCH(QString, start);
    QFETCH(QString, end);
    QFETCH(QString, at);
    QFETCH(bool, serves);
    ServingTimes times;
    times.flightStart = start.isEmpty() ? QDateTime() : utc(qPrintable(start));
    times.flightEnd = end.isEmpty() ? QDateTime() : utc(qPrintable(end));
    const auto index = MatchIndex::build({timed(1, QStringLiteral("flight"), times)})->at(ms(qPrintable(at)));
    QCOMPARE(index->match(kAnyRequest).size(), size_t(serves ? 1 : 0));
}

void ServingTimesTest::dayPartingAcrossDst_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<int>("day");  // Qt: Monday 1 … Sunday 7
    QTest::addColumn<int>("hour"); // the one local hour it serves in
    QTest::addColumn<QString>("at");
    QTest::addColumn<bool>("serves");
    // Europe/Berlin springs forward on 2026-03-29 at 02:00 CET (01:00Z) to 03:00 CEST.
    QTest::newRow("Berlin, Sun 01 local, CET") << QByteArray("Europe/Berlin") << 7 << 1 << "2026-03-29T00:30:00Z" << true;
    QTest::newRow("Berlin, 01:00Z is 03:00 CEST, not 02") << QByteArray("Europe/Berlin") << 7 << 2 << "2026-03-29T01:30:00Z" << false;
    QTest::newRow("Berlin, 01:30Z is Sun 03 CEST") << QByteArray("Europe/Berlin") << 7 << 3 << "2026-03-29T01:30:00Z" << true;
    QTest::newRow("Berlin, summer office hour") << QByteArray("Europe/Berlin") << 3 << 9 << "2026-07-01T07:15:00Z" << true;
    QTest::newRow("Berlin, winter: same UTC is 08 local") << QByteArray("Europe/Berlin") << 3 << 9 << "2026-01-07T07:15:00Z" << false;
    // America/New_York falls back on 2026-11-01 at 02:00 EDT (06:00Z) to 01:00 EST: 01 twice.
    QTest::newRow("New York, first 01 (EDT)") << QByteArray("America/New_York") << 7 << 1 << "2026-11-01T05:30:00Z" << true;
    QTest::newRow("New York, second 01 (EST)") << QByteArray("America/New_York") << 7 << 1 << "2026-11-01T06:30:00Z" << true;
    QTest::newRow("New York, then 02 (EST)") << QByteArray("America/New_York") << 7 << 1 << "2026-11-01T07:30:00Z" << false;
    QTest::newRow("New York, Saturday evening is Sunday in UTC") << QByteArray("America/New_York") << 6 << 21 << "2026-12-06T02:30:00Z" << true;
    QTest::newRow("UTC by default") << QByteArray("UTC") << 3 << 12 << "2026-12-02T12:59:59Z" << true;
    QTest::newRow("half-hour zone: Kolkata is UTC+05:30") << QByteArray("Asia/Kolkata") << 3 << 18 << "2026-12-02T12:45:00Z" << true;
    QTest::newRow("half-hour zone, 12:29Z is 17:59") << QByteArray("Asia/Kolkata") << 3 << 18 << "2026-12-02T12:29:00Z" << false;
}

void ServingTimesTest::dayPartingAcrossDst()
{
    QFETCH(QByteArray, zone);
    QFETCH(int, day);
    QFETCH(int, hour);
    QFETCH(QString, at);
    QFETCH(bool, serves);
    ServingTimes times;
    times.dayParting = DayParting{hours(day, day, hour, hour + 1), zone};
    const auto index = MatchIndex::build({timed(1, QStringLiteral("hours"), times)})->at(ms(qPrintable(at)));
    QCOMPARE(index->match(kAnyRequest).size(), size_t(serves ? 1 : 0));
    QCOMPARE(index->servingOf(1, ms(qPrintable(at)))->state,
             serves ? ServingWindow::State::Serving : ServingWindow::State::OutsideHours);
}

void ServingTimesTest::nextChangeIsTheNextBoundary_data()
{
    QTest::addColumn<QString>("at");
    QTest::addColumn<QString>("next");
    // One campaign: flight from 2026-03-20 to 2026-04-10, Mon–Fri 09–18 Europe/Berlin.
    QTest::newRow("before the flight: its start") << "2026-03-01T00:00:00Z" << "2026-03-20T00:00:00Z";
    QTest::newRow("Friday evening: Monday 09 CET") << "2026-03-27T17:00:00Z" << "2026-03-30T07:00:00Z";
    QTest::newRow("Monday 10 CEST: 18 CEST") << "2026-03-30T08:00:00Z" << "2026-03-30T16:00:00Z";
    QTest::newRow("Thursday night: the flight's end comes first") << "2026-04-09T20:00:00Z" << "2026-04-10T00:00:00Z";
    QTest::newRow("after the flight: never") << "2026-05-01T00:00:00Z" << QString();
}

void ServingTimesTest::nextChangeIsTheNextBoundary()
{
    QFETCH(QString, at);
    QFETCH(QString, next);
    ServingTimes times;
    times.flightStart = utc("2026-03-20T00:00:00Z");
    times.flightEnd = utc("2026-04-10T00:00:00Z");
    times.dayParting = DayParting{hours(1, 5, 9, 18), QByteArrayLiteral("Europe/Berlin")};
    const auto index = MatchIndex::build({timed(1, QStringLiteral("office"), times)});
    const qint64 expected = next.isEmpty() ? kNever : ms(qPrintable(next));
    QCOMPARE(index->servingOf(1, ms(qPrintable(at)))->nextChange, expected);
    // The index wakes at least that early (it also wakes at every hour of the zone).
    const auto asOf = index->at(ms(qPrintable(at)));
    QVERIFY(asOf->nextServingChange() > ms(qPrintable(at)));
    QVERIFY(asOf->nextServingChange() <= expected);
}

void ServingTimesTest::answersComeByPriorityThenId()
{
    const auto index = MatchIndex::build({timed(1, QStringLiteral("a"), {}, 0), timed(2, QStringLiteral("b"), {}, 5),
                                          timed(3, QStringLiteral("c"), {}, -2), timed(4, QStringLiteral("d"), {}, 5),
                                          timed(5, QStringLiteral("e"), {}, 0)});
    QCOMPARE(index->match(kAnyRequest), (std::vector<qint64>{2, 4, 1, 5, 3}));
    // Without priorities: id order, as the service it replaces answers.
    const auto plain = MatchIndex::build({timed(3, QStringLiteral("c"), {}), timed(1, QStringLiteral("a"), {}),
                                          timed(2, QStringLiteral("b"), {})});
    QCOMPARE(plain->match(kAnyRequest), (std::vector<qint64>{1, 2, 3}));
}

void ServingTimesTest::limitTakesTheFirstInAnswerOrder_data()
{
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("count");
    QTest::newRow("1 of 300") << 1 << 300;
    QTest::newRow("20 of 300") << 20 << 300;
    QTest::newRow("64: a whole word") << 64 << 300;
    QTest::newRow("all but one") << 299 << 300;
    QTest::newRow("more than match") << 500 << 300;
    QTest::newRow("20 of 20000 (past the first block)") << 20 << 20000;
}

void ServingTimesTest::limitTakesTheFirstInAnswerOrder()
{
    QFETCH(int, limit);
    QFETCH(int, count);
    QList<CampaignWithRules> campaigns;
    for (int id = 1; id <= count; ++id) {
        // Every third excluded for Android; priorities in a few classes.
        QList<TargetRule> rules;
        if (id % 3 == 0)
            rules.append(test::rule(Dimension::Os, RuleType::Exclude, {QStringLiteral("android")}));
        campaigns.append(timed(id, QStringLiteral("c%1").arg(id), {}, id % 4, rules));
    }
    const auto index = MatchIndex::build(campaigns);
    const std::vector<qint64> all = index->match(kAnyRequest);
    const std::vector<qint64> first = index->match(kAnyRequest, size_t(limit));
    QCOMPARE(first.size(), std::min(all.size(), size_t(limit)));
    QVERIFY(std::equal(first.begin(), first.end(), all.begin()));
    MatchedIds reused;
    index->match(kAnyRequest, reused, size_t(limit));
    QVERIFY(std::equal(reused.begin(), reused.end(), first.begin(), first.end()));
}

void ServingTimesTest::timesCombineWithTargeting()
{
    ServingTimes ended;
    ended.flightEnd = utc("2026-01-01T00:00:00Z");
    const auto index = MatchIndex::build(
        {timed(1, QStringLiteral("us-only"), {}, 0, {test::rule(Dimension::Country, RuleType::Include, {QStringLiteral("US")})}),
         timed(2, QStringLiteral("not-us"), {}, 9, {test::rule(Dimension::Country, RuleType::Exclude, {QStringLiteral("US")})}),
         timed(3, QStringLiteral("us-ended"), ended, 9, {test::rule(Dimension::Country, RuleType::Include, {QStringLiteral("US")})}),
         timed(4, QStringLiteral("anywhere"), {}, 1)})
                           ->at(ms("2026-12-02T12:00:00Z"));
    QCOMPARE(index->match(kAnyRequest), (std::vector<qint64>{4, 1}));
    QCOMPARE(index->match(TargetingQuery::from(QStringLiteral("DE"), QStringLiteral("iOS"), QStringLiteral("x"))),
             (std::vector<qint64>{2, 4}));
}

void ServingTimesTest::explainGivesTheTimeReasons_data()
{
    QTest::addColumn<qint64>("campaign");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("reason");
    QTest::newRow("matched") << qint64(1) << "matched" << "matched: qualifies in every dimension";
    QTest::newRow("flight not started")
        << qint64(2) << "flight-not-started" << "not delivered: flight not started (starts 2026-12-24 09:00 UTC)";
    QTest::newRow("flight ended") << qint64(3) << "flight-ended" << "not delivered: flight ended (2026-11-30 00:00 UTC)";
    QTest::newRow("outside its hours")
        << qint64(4) << "outside-hours" << "not delivered: outside its hours (Mon–Fri 09–18 Europe/Berlin)";
    QTest::newRow("ranked below the limit")
        << qint64(5) << "ranked-out" << "not delivered: ranked below the limit (priority 0, 3rd; limit 2)";
    QTest::newRow("inactive wins over the flight") << qint64(6) << "inactive" << "not delivered: the campaign is not ACTIVE";
}

void ServingTimesTest::explainGivesTheTimeReasons()
{
    QFETCH(qint64, campaign);
    QFETCH(QString, verdict);
    QFETCH(QString, reason);
    ServingTimes future, past, office;
    future.flightStart = utc("2026-12-24T09:00:00Z");
    past.flightEnd = utc("2026-11-30T00:00:00Z");
    office.dayParting = DayParting{hours(1, 5, 9, 18), QByteArrayLiteral("Europe/Berlin")};
    CampaignWithRules inactive = timed(6, QStringLiteral("paused"), future);
    inactive.campaign.status = kStatusInactive;
    const auto index = MatchIndex::build({timed(1, QStringLiteral("top"), {}, 3), timed(2, QStringLiteral("xmas"), future),
                                          timed(3, QStringLiteral("autumn"), past), timed(4, QStringLiteral("office"), office),
                                          timed(5, QStringLiteral("third"), {}), timed(7, QStringLiteral("second"), {}, 1),
                                          inactive});
    // Wednesday 2026-12-02 20:00 UTC is 21:00 in Berlin: outside office hours.
    const AnswerScope scope{2, ms("2026-12-02T20:00:00Z")};
    const QList<Decision> decisions = index->explain(kAnyRequest, campaign, scope);
    QCOMPARE(decisions.size(), 1);
    QCOMPARE(verdictName(decisions.first().verdict), verdict);
    QCOMPARE(decisions.first().summary(), reason);
    QCOMPARE(decisions.first().toJson().value(QStringLiteral("reason")).toString(), reason);
}

void ServingTimesTest::explainAtAnotherInstant()
{
    ServingTimes christmas;
    christmas.flightStart = utc("2026-12-24T00:00:00Z");
    christmas.flightEnd = utc("2026-12-27T00:00:00Z");
    const auto index = MatchIndex::build({timed(1, QStringLiteral("xmas"), christmas), timed(2, QStringLiteral("always"), {})});
    const auto matchedAt = [&](const char *at) {
        QList<qint64> ids;
        for (const Decision &d : index->explain(kAnyRequest, std::nullopt, AnswerScope{MatchIndex::kAll, ms(at)})) {
            if (d.matched())
                ids.append(d.campaignId);
        }
        return ids;
    };
    QCOMPARE(matchedAt("2026-12-25T12:00:00Z"), (QList<qint64>{1, 2}));
    QCOMPARE(matchedAt("2026-12-28T12:00:00Z"), (QList<qint64>{2}));
    // The not-delivered page at that instant leaves out what would be delivered then.
    const auto page = index->explainFirst(kAnyRequest, MatchIndex::ExplainScope::NotDelivered, 10,
                                          AnswerScope{MatchIndex::kAll, ms("2026-12-28T12:00:00Z")});
    QCOMPARE(page.total, 1);
    QCOMPARE(page.decisions.first().verdict, Decision::Verdict::FlightEnded);
}

void ServingTimesTest::theEngineAdvancesAtTheBoundary()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ServingTimes soon;
    soon.flightStart = QDateTime::fromMSecsSinceEpoch(now + 60'000, Qt::UTC);
    MatchEngine engine;
    engine.swap(MatchIndex::build({timed(1, QStringLiteral("soon"), soon)}));
    const quint64 generation = engine.generation();
    QVERIFY(!engine.advanceTo(now + 59'999));
    QVERIFY(engine.snapshot()->match(kAnyRequest).empty());
    QCOMPARE(engine.snapshot()->nextServingChange(), now + 60'000);
    QVERIFY(engine.advanceTo(now + 60'000));
    QCOMPARE(engine.snapshot()->match(kAnyRequest), std::vector<qint64>{1});
    QCOMPARE(engine.generation(), generation + 1);
    QCOMPARE(engine.snapshot()->nextServingChange(), kNever);
    QVERIFY(!engine.advanceTo(now + 120'000)); // nothing more to change
}

void ServingTimesTest::theClockStartsAFlightWhileItsMakerIsBusy()
{
    // A flight starting 300 ms from now. The thread that made the clock runs no event loop
    // (as a busy window): the clock still swaps in the index as of the start, on its own.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ServingTimes soon;
    soon.flightStart = QDateTime::fromMSecsSinceEpoch(now + 300, Qt::UTC);
    MatchEngine engine;
    engine.swap(MatchIndex::build({timed(1, QStringLiteral("soon"), soon)}));
    ServingClock clock(engine);
    QVERIFY(engine.snapshot()->match(kAnyRequest).empty());
    const QDeadlineTimer deadline(5000);
    while (engine.snapshot()->match(kAnyRequest).empty() && !deadline.hasExpired())
        QThread::msleep(10); // no events processed here
    QCOMPARE(engine.snapshot()->match(kAnyRequest), std::vector<qint64>{1});
    QVERIFY(QDateTime::currentMSecsSinceEpoch() >= now + 300); // not before its start
}

void ServingTimesTest::weekHoursAsText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("described"); // empty: unreadable
    const QString office = QStringLiteral("000000000111111111000000 ").repeated(5) + QStringLiteral("0").repeated(24)
                           + u' ' + QStringLiteral("0").repeated(24);
    QTest::newRow("office hours") << office << "Mon–Fri 09–18";
    QTest::newRow("no spaces") << QString(office).remove(u' ') << "Mon–Fri 09–18";
    QTest::newRow("every hour") << QStringLiteral("1").repeated(168) << "every hour";
    QTest::newRow("split day") << (QStringLiteral("111000000000000000000111 ") + QStringLiteral("0").repeated(144))
                               << "Mon 00–03, 21–24";
    QTest::newRow("167 digits") << QStringLiteral("1").repeated(167) << "";
    QTest::newRow("169 digits") << QStringLiteral("1").repeated(169) << "";
    QTest::newRow("not digits") << QStringLiteral("x").repeated(168) << "";
}

void ServingTimesTest::weekHoursAsText()
{
    QFETCH(QString, text);
    QFETCH(QString, described);
    const std::optional<WeekHours> week = weekHoursFromText(text);
    QCOMPARE(week.has_value(), !described.isEmpty());
    if (!week)
        return;
    QCOMPARE(describeWeekHours(*week), described);
    QCOMPARE(weekHoursFromText(weekHoursText(*week)), week);
}

QTEST_GUILESS_MAIN(ServingTimesTest)
#include "tst_servingtimes.moc"
