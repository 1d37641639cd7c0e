// The forecast of a campaign over recorded traffic and every campaign's reach, checked
// against the targeting contract written out again (ForecastReference), row by row, never by
// calling the code under test: counts, shares, days, breakdowns, overlap, losses by rule, OTHER rows.
#include "ForecastReference.h"
#include "TestCampaigns.h"

#include "targeting/MatchIndex.h"
#include "traffic/ReachCounter.h"
#include "traffic/ReachForecast.h"
#include "traffic/RecordedTraffic.h"

#include <QJsonArray>
#include <QTest>
#include <QTimeZone>

#include <limits>
#include <map>

using namespace adserve;
using namespace adserve::test;

namespace {

// Spelled as a recorder might hand them over; day 2 has no requests at all.
QList<TrafficRow> knownRows()
{
    return {row(0, 0, "US", "android", "com.game", 100), row(0, 1, "US", "android", "com.game", 50),
            row(0, 2, "us ", "iOS", "com.news", 80),      row(0, 3, "CA", "android", "com.game", 40),
            row(0, 4, "DE", "android", "com.chat", 30),   row(0, 5, kOther, "android", "com.game", 20),
            row(0, 6, "US", kOther, "com.game", 10),      row(0, 7, "FR", "ios", "com.chat", 25),
            row(1, 0, "US", "ios", "com.game", 70),       row(1, 1, "CA", "ios", "com.news", 60),
            row(1, 2, "DE", "android", "com.game", 35),   row(1, 3, "US", "android", kOther, 15),
            row(1, 4, "br", "android", "com.chat", 5),    row(1, 5, "US", "ios", "com.game", 0),
            row(1, 6, "US", "ios", "com.game", -7),       row(3, 0, "US", "android", "com.game", 45),
            row(3, 1, "GB", "Android ", "com.news", 22)};
}


QString keyOf(const Forecast::Loss &loss)
{
    return loss.type == In ? QStringLiteral("INCLUDE ") + dimensionName(loss.dimension)
                           : QStringLiteral("EXCLUDE #%1").arg(loss.ruleIds.value(0));
}

QList<TargetRule> numbered(QList<TargetRule> rules, qint64 firstId = 1)
{
    for (TargetRule &r : rules)
        r.id = firstId++;
    return rules;
}

std::map<QString, qint64> sliceMap(const Forecast::Breakdown &breakdown)
{
    std::map<QString, qint64> map;
    for (const Forecast::Slice &slice : breakdown.top)
        map[slice.value] = slice.requests;
    return map;
}


} // namespace

class ForecastTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recordedTraffic()
    {
        const RecordedTraffic traffic = RecordedTraffic::from(knownRows());
        QCOMPARE(traffic.skippedRows(), qsizetype(2));
        qint64 total = 0;
        std::map<std::tuple<QString, QString, QString>, qint64> triples;
        for (const TrafficRow &r : knownRows()) {
            if (r.requests > 0) {
                total += r.requests;
                triples[{folded(r.country), folded(r.os), folded(r.app)}] += r.requests;
            }
        }
        QCOMPARE(traffic.totalRequests(), total);
        QCOMPARE(traffic.triples().size(), triples.size());
        for (const auto &t : traffic.triples()) {
            const auto key = std::make_tuple(traffic.values(Country)[t.value(Country)], traffic.values(Os)[t.value(Os)],
                                             traffic.values(App)[t.value(App)]);
            QCOMPARE(t.requests, triples.at(key));
        }
        QCOMPARE(traffic.days(), (QList<QDate>{QDate(2024, 3, 1), QDate(2024, 3, 2), QDate(2024, 3, 3), QDate(2024, 3, 4)}));
        QCOMPARE(traffic.requestsByDay()[2], qint64(0));
        QVERIFY(traffic.values(Os).contains(kOther));
        QVERIFY(!traffic.values(Os).contains(QStringLiteral("other")));

        const RecordedTraffic empty = RecordedTraffic::from({row(0, 0, "US", "ios", "x", 0)});
        QVERIFY(empty.isEmpty());
        QCOMPARE(empty.skippedRows(), qsizetype(1));
        QVERIFY(empty.error().isEmpty());
        const Forecast nothing = ReachForecast(empty, nullptr).forecast(test::campaign("c"), 0);
        QCOMPARE(nothing.recorded, qint64(0));
        QCOMPARE(nothing.share(), 0.0);
    }

    void badRowsGiveAClearErrorNotAHang_data()
    {
        QTest::addColumn<QList<TrafficRow>>("rows");
        QTest::addColumn<bool>("refused");
        QTest::addColumn<qsizetype>("skipped");
        const TrafficRow ok = row(0, 0, "US", "ios", "a", 5);
        QTest::newRow("hours a century apart") << QList<TrafficRow>{ok, {ok.hourStart + 100LL * 366 * 86400, "US", "ios", "a", 5}}
                                               << true << qsizetype(0);
        QTest::newRow("an hour at the end of time") << QList<TrafficRow>{ok, {std::numeric_limits<qint64>::max(), "US", "ios", "a", 5}}
                                                    << false << qsizetype(1);
        QTest::newRow("an hour before 1970") << QList<TrafficRow>{ok, {-3600, "US", "ios", "a", 5}} << false << qsizetype(1);
        QTest::newRow("more requests than count")
            << QList<TrafficRow>{{ok.hourStart, "US", "ios", "a", std::numeric_limits<qint64>::max()}, ok} << true << qsizetype(0);
    }

    void badRowsGiveAClearErrorNotAHang()
    {
        QFETCH(QList<TrafficRow>, rows);
        QFETCH(bool, refused);
        QFETCH(qsizetype, skipped);
        const RecordedTraffic traffic = RecordedTraffic::from(rows);
        QCOMPARE(!traffic.error().isEmpty(), refused);
        QCOMPARE(traffic.isEmpty(), refused);
        QCOMPARE(traffic.skippedRows(), skipped);
        if (!refused) {
            QCOMPARE(traffic.days().size(), qsizetype(1));
            QCOMPARE(traffic.totalRequests(), qint64(5));
        }
    }

    void forecast_data()
    {
        QTest::addColumn<QList<TargetRule>>("rules");
        QTest::newRow("no rules: everything, OTHER too") << QList<TargetRule>{};
        QTest::newRow("country include, spelled loosely") << numbered({rule(Country, In, {" us", "Ca"})});
        QTest::newRow("os exclude") << numbered({rule(Os, Ex, {"IOS "})});
        QTest::newRow("include and exclude in one dimension, blocked in two")
            << numbered({rule(Country, In, {"US", "CA", "DE"}), rule(Country, Ex, {"ca"}), rule(Os, Ex, {"Android"})});
        QTest::newRow("two include rules are one union")
            << numbered({rule(Country, In, {"US"}), rule(Country, In, {"FR", "GB"}), rule(App, In, {"com.game", "com.news"})});
        QTest::newRow("two excludes naming one value") << numbered({rule(Country, Ex, {"US"}), rule(Country, Ex, {"us", "DE"})});
        QTest::newRow("app include: OTHER app unattributed") << numbered({rule(App, In, {"COM.GAME"})});
        QTest::newRow("OTHER where blocked elsewhere is lost")
            << numbered({rule(Country, In, {"US"}), rule(Os, In, {"android"}), rule(App, Ex, {"com.chat"})});
        TargetRule deleted = rule(Country, In, {"FR"});
        deleted.deleted = true;
        QTest::newRow("a deleted rule does not count") << numbered({deleted, rule(Os, In, {"ios"})});
    }

    void forecast()
    {
        QFETCH(QList<TargetRule>, rules);
        const QList<TrafficRow> rows = knownRows();
        const RecordedTraffic traffic = RecordedTraffic::from(rows);
        const Expected e = expectedFor(rules, rows);
        CampaignWithRules draft = test::campaign("draft", rules);
        ReachForecast::Options options;
        options.top = 100;
        const Forecast f = ReachForecast(traffic, nullptr).forecast(draft, QDateTime::currentMSecsSinceEpoch(), options);

        QCOMPARE(f.recorded, e.recorded);
        QCOMPARE(f.matching, e.matching);
        QCOMPARE(f.lost, e.lost);
        QCOMPARE(f.unattributed, e.unattributed);
        QCOMPARE(f.share(), double(e.matching) / double(e.recorded));
        QCOMPARE(f.byDay.size(), qsizetype(4));
        for (const Forecast::Day &day : f.byDay) {
            QCOMPARE(day.matching, e.byDay.count(day.day) ? e.byDay.at(day.day) : qint64(0));
        }
        QCOMPARE(sliceMap(f.breakdown[size_t(Country)]), e.byValue[size_t(Country)]);
        QCOMPARE(sliceMap(f.breakdown[size_t(Os)]), e.byValue[size_t(Os)]);
        QCOMPARE(sliceMap(f.breakdown[size_t(App)]), e.byValue[size_t(App)]);
        std::map<QString, qint64> blocked, alone;
        for (const Forecast::Loss &loss : f.lostBy) {
            if (loss.blocked)
                blocked[keyOf(loss)] = loss.blocked;
            if (loss.blockedAlone)
                alone[keyOf(loss)] = loss.blockedAlone;
        }
        QCOMPARE(blocked, e.blocked);
        QCOMPARE(alone, e.alone);
        QVERIFY(!f.overlapKnown);
    }

    void breakdownKeepsTopAndRest()
    {
        const RecordedTraffic traffic = RecordedTraffic::from(knownRows());
        ReachForecast::Options options;
        options.top = 2;
        const Forecast f = ReachForecast(traffic, nullptr).forecast(test::campaign("all"), 0, options);
        const Expected e = expectedFor({}, knownRows());
        std::vector<std::pair<qint64, QString>> countries;
        for (const auto &[value, requests] : e.byValue[size_t(Country)])
            countries.push_back({-requests, value});
        std::sort(countries.begin(), countries.end());
        const auto &b = f.breakdown[size_t(Country)];
        QCOMPARE(b.top.size(), qsizetype(2));
        QCOMPARE(b.top[0].value, countries[0].second);
        QCOMPARE(b.top[1].value, countries[1].second);
        QCOMPARE(b.restValues, qsizetype(countries.size() - 2));
        QCOMPARE(b.restRequests, e.matching + countries[0].first + countries[1].first);
    }

    void inactiveAndFutureCampaignsStillForecast()
    {
        const RecordedTraffic traffic = RecordedTraffic::from(knownRows());
        const QList<TargetRule> rules = numbered({rule(Country, In, {"US"})});
        CampaignWithRules paused = test::campaign("paused", rules);
        paused.campaign.id = 9;
        paused.campaign.status = kStatusInactive;
        CampaignWithRules future = test::campaign("future", rules);
        future.campaign.serving.flightStart = QDateTime::currentDateTimeUtc().addDays(10);
        const ReachForecast forecaster(traffic, nullptr);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const Forecast a = forecaster.forecast(paused, now), b = forecaster.forecast(future, now);
        QCOMPARE(a.servingState, QStringLiteral("inactive"));
        QCOMPARE(b.servingState, QStringLiteral("not-started"));
        QVERIFY(!a.servesNow());
        QCOMPARE(a.matching, expectedFor(rules, knownRows()).matching);
        QCOMPARE(b.matching, a.matching);
        QVERIFY(a.matching > 0);
    }

    void overlapWithServingCampaigns()
    {
        const QList<TrafficRow> rows = knownRows();
        const RecordedTraffic traffic = RecordedTraffic::from(rows);
        QList<CampaignWithRules> store;
        const auto add = [&store](qint64 id, QList<TargetRule> rules) -> CampaignWithRules & {
            store << test::campaign(QStringLiteral("c%1").arg(id), numbered(rules, id * 10));
            store.back().campaign.id = id;
            return store.back();
        };
        add(1, {});
        add(2, {rule(Country, In, {"US"})});
        add(3, {}).campaign.status = kStatusInactive;
        add(4, {rule(Os, In, {"ios"})});
        add(5, {}).campaign.serving.flightEnd = QDateTime::currentDateTimeUtc().addDays(-1);
        add(6, {rule(App, Ex, {"com.game"})});
        add(7, {rule(Country, In, {"US", "CA"})});
        add(8, {rule(Os, Ex, {"ios"})}).campaign.priority = 5;
        const auto index = MatchIndex::build(store);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        ReachForecast::Options options;
        options.top = 100;

        for (bool draft : {false, true}) {
            CampaignWithRules subject = store[6];
            if (draft)
                subject.campaign.id = 0;
            const Forecast f = ReachForecast(traffic, index).forecast(subject, now.toMSecsSinceEpoch(), options);
            const Expected e = expectedFor(subject.rules, rows);
            std::map<qint64, qint64> expected;
            for (const CampaignWithRules &other : store) {
                if (other.campaign.id == subject.campaign.id || !servesAt(other.campaign, now))
                    continue;
                for (const TrafficRow *r : e.matchingRows) {
                    if (targetingMatches(other.rules, *r))
                        expected[other.campaign.id] += r->requests;
                }
            }
            std::erase_if(expected, [](const auto &entry) { return entry.second == 0; });
            std::map<qint64, qint64> actual;
            for (const Forecast::Overlap &o : f.overlap) {
                actual[o.campaignId] = o.requests;
                QCOMPARE(o.code, QStringLiteral("c%1").arg(o.campaignId));
            }
            QCOMPARE(actual, expected);
            QCOMPARE(actual.count(7), size_t(draft ? 1 : 0));
            QVERIFY(f.overlapKnown);
            QCOMPARE(f.overlapBasis, f.matching);
            for (qsizetype i = 1; i < f.overlap.size(); ++i)
                QVERIFY(f.overlap[i - 1].requests >= f.overlap[i].requests);
        }
    }

    void overlapOverGeneratedCampaigns()
    {
        const QList<CampaignWithRules> campaigns = generatedCampaigns(400, 7);
        const QList<TrafficRow> rows = generatedRows(campaigns, 4000, 11);
        const RecordedTraffic traffic = RecordedTraffic::from(rows);
        const auto index = MatchIndex::build(campaigns);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        ReachForecast::Options options;
        options.top = 1000;
        for (int pick : {0, 5, 17, 123}) {
            const CampaignWithRules &subject = campaigns[pick];
            const Forecast f = ReachForecast(traffic, index).forecast(subject, now.toMSecsSinceEpoch(), options);
            const Expected e = expectedFor(subject.rules, rows);
            QCOMPARE(f.matching, e.matching);
            std::map<qint64, qint64> expected, actual;
            for (const CampaignWithRules &other : campaigns) {
                // Day-parting is part of serving too: leave those campaigns to the index's clock.
                if (other.campaign.id == subject.campaign.id || !servesAt(other.campaign, now) || other.campaign.serving.dayParting)
                    continue;
                for (const TrafficRow *r : e.matchingRows) {
                    if (targetingMatches(other.rules, *r))
                        expected[other.campaign.id] += r->requests;
                }
            }
            std::erase_if(expected, [](const auto &entry) { return entry.second == 0; });
            for (const Forecast::Overlap &o : f.overlap) {
                if (!campaigns[qsizetype(o.campaignId / 3 - 1)].campaign.serving.dayParting)
                    actual[o.campaignId] = o.requests;
            }
            QCOMPARE(actual, expected);
        }
    }

    void overlapOverTheHeaviestTriples()
    {
        const QList<TrafficRow> rows = knownRows();
        const RecordedTraffic traffic = RecordedTraffic::from(rows);
        CampaignWithRules all = test::campaign("all");
        all.campaign.id = 1;
        const auto index = MatchIndex::build({all});
        ReachForecast::Options options;
        options.overlapCoverage = 0.5;
        const Forecast f = ReachForecast(traffic, index).forecast(test::campaign("draft"), 0, options);
        // The triples by weight: the fewest heaviest that reach half of all requests.
        std::vector<qint64> weights;
        for (const auto &t : traffic.triples())
            weights.push_back(t.requests);
        std::sort(weights.rbegin(), weights.rend());
        qint64 covered = 0;
        qsizetype taken = 0;
        while (2 * covered < f.matching)
            covered += weights[size_t(taken++)];
        QCOMPARE(f.overlapTriples, taken);
        QCOMPARE(f.overlapBasis, covered);
        QCOMPARE(f.overlap.size(), qsizetype(1));
        QCOMPARE(f.overlap[0].requests, covered);
        const QJsonObject json = f.toJson();
        QCOMPARE(json["overlap"]["coverage"].toDouble(), double(covered) / double(f.matching));

        // A cap on the triples: the two heaviest, whatever share they cover.
        options.overlapCoverage = 1.0;
        options.overlapTriples = 2;
        const Forecast capped = ReachForecast(traffic, index).forecast(test::campaign("draft"), 0, options);
        QCOMPARE(capped.overlapTriples, qsizetype(2));
        QCOMPARE(capped.overlapBasis, weights[0] + weights[1]);
        QCOMPARE(capped.overlap[0].requests, weights[0] + weights[1]);
        QCOMPARE(capped.matching, f.matching);
    }

    void reachReportMatchesEveryCampaignEvaluated_data()
    {
        QTest::addColumn<QList<CampaignWithRules>>("campaigns");
        QTest::addColumn<QList<TrafficRow>>("rows");
        QList<CampaignWithRules> campaigns = generatedCampaigns(300, 3);
        QTest::newRow("generated campaigns") << campaigns << generatedRows(campaigns, 3000, 5);
        // One app named by most campaigns: counted through its bitset, not its lists.
        campaigns = generatedCampaigns(100, 4);
        for (int i = 0; i < 500; ++i) {
            QList<TargetRule> rules;
            if (i % 3 != 1)
                rules << rule(App, In, {"com.hot"});
            if (i % 3 != 0)
                rules << rule(App, Ex, {"com.hot", "com.cold"});
            if (i % 2)
                rules << rule(Country, In, {"US", "DE"});
            CampaignWithRules c = test::campaign(QStringLiteral("hot-%1").arg(i), numbered(rules, 10'000 + 10 * i));
            c.campaign.id = 301 + i;
            c.campaign.status = i % 7 ? kStatusActive : kStatusInactive;
            campaigns << c;
        }
        QList<TrafficRow> rows = generatedRows(campaigns, 2000, 6);
        for (int i = 0; i < 200; ++i)
            rows << row(i % 3, i % 24, QStringList{"US", "DE", "FR", kOther}.at(i % 4), i % 5 ? "android" : "ios", "com.hot", 1 + i);
        QTest::newRow("one app named by most") << campaigns << rows;
    }

    void reachReportMatchesEveryCampaignEvaluated()
    {
        QFETCH(QList<CampaignWithRules>, campaigns);
        QFETCH(QList<TrafficRow>, rows);
        const RecordedTraffic traffic = RecordedTraffic::from(rows);
        const auto index = MatchIndex::build(campaigns);
        ReachCounter::Options options;
        options.contested = 5;
        const ReachReport report = ReachCounter::count(traffic, *index, options);
        QVERIFY(!report.cancelled);
        QCOMPARE(report.campaigns.size(), size_t(campaigns.size()));
        qsizetype unreached = 0;
        for (qsizetype i = 0; i < campaigns.size(); ++i) {
            const CampaignWithRules &c = campaigns[i];
            qint64 expected = 0;
            for (const TrafficRow &r : rows) {
                if (targetingMatches(c.rules, r))
                    expected += r.requests;
            }
            unreached += expected == 0;
            QCOMPARE(report.campaigns[size_t(i)].id, c.campaign.id);
            QCOMPARE(report.campaigns[size_t(i)].code, c.campaign.code);
            QCOMPARE(report.campaigns[size_t(i)].deliverable, c.campaign.isDeliverable());
            QCOMPARE(report.campaigns[size_t(i)].matching, expected);
        }
        QCOMPARE(report.unreachedCount(), unreached);
        // What the report says a campaign reaches is what its forecast calls matching.
        for (qsizetype i : {qsizetype(0), qsizetype(1), qsizetype(50), campaigns.size() - 1})
            QCOMPARE(ReachForecast(traffic, nullptr).forecast(campaigns[i], 0).matching, report.campaigns[size_t(i)].matching);

        // Contested: each listed triple's campaigns counted again, and none is beaten.
        std::map<std::tuple<QString, QString, QString>, int> matchingCampaigns;
        for (const TrafficRow &r : rows) {
            const auto key = std::make_tuple(folded(r.country), folded(r.os), folded(r.app));
            if (matchingCampaigns.count(key))
                continue;
            int n = 0;
            for (const CampaignWithRules &c : campaigns)
                n += targetingMatches(c.rules, r);
            matchingCampaigns[key] = n;
        }
        int most = 0;
        for (const auto &entry : matchingCampaigns)
            most = std::max(most, entry.second);
        QCOMPARE(report.contested.size(), qsizetype(5));
        QCOMPARE(report.contested[0].campaigns, most);
        for (const ReachReport::ContestedTriple &t : report.contested)
            QCOMPARE(t.campaigns, matchingCampaigns.at({t.country, t.os, t.app}));

        const QList<QByteArray> lines = report.toCsv().split('\n');
        QCOMPARE(lines.size(), campaigns.size() + 2); // header, one per campaign, the empty tail
        QVERIFY(lines[1].startsWith(QByteArray(QByteArray::number(campaigns[0].campaign.id) + ',' + campaigns[0].campaign.code.toUtf8())));
        const QJsonObject json = report.toJson(10);
        QCOMPARE(json["unreached"]["count"].toInteger(), qint64(unreached));
        QCOMPARE(json["top"].toArray().size(), qsizetype(10));
    }

    void csvQuotesAndDefusesCodes()
    {
        ReachReport report;
        report.recorded = 4;
        report.campaigns = {{1, QStringLiteral("a,\"b\""), true, 1}, {2, QStringLiteral("=cmd()"), false, 0}};
        QCOMPARE(report.toCsv(), QByteArray("id,code,deliverable,matching,share\r\n"
                                            "1,\"a,\"\"b\"\"\",true,1,0.25\r\n"
                                            "2,'=cmd(),false,0,0\r\n"));
    }

    void reachReportCancels()
    {
        const QList<CampaignWithRules> campaigns = generatedCampaigns(200, 9);
        const RecordedTraffic traffic = RecordedTraffic::from(generatedRows(campaigns, 3000, 2));
        const auto index = MatchIndex::build(campaigns);
        std::atomic_bool cancel{true};
        QVERIFY(ReachCounter::count(traffic, *index, {}, {}, &cancel).cancelled);

        cancel = false;
        qint64 calls = 0, last = 0;
        const ReachReport report = ReachCounter::count(traffic, *index, {}, [&](qint64 done, qint64 total) {
            ++calls;
            last = done;
            QVERIFY(done <= total);
            cancel = true;
        }, &cancel);
        QVERIFY(report.cancelled);
        QVERIFY(report.campaigns.empty());
        QVERIFY(calls >= 1);
        QVERIFY(last < qint64(traffic.triples().size()));

        qint64 finalDone = 0;
        const ReachReport whole = ReachCounter::count(traffic, *index, {}, [&](qint64 done, qint64) { finalDone = done; });
        QVERIFY(!whole.cancelled);
        QCOMPARE(finalDone, qint64(traffic.triples().size()));
    }

    void jsonNamesFieldsForCampaignManagers()
    {
        const RecordedTraffic traffic = RecordedTraffic::from(knownRows());
        const auto index = MatchIndex::build({test::campaign("other")});
        const QList<TargetRule> rules = numbered({rule(Country, In, {"US"}), rule(Os, Ex, {"ios"})});
        const QJsonObject json = ReachForecast(traffic, index).forecast(test::campaign("draft", rules), 0).toJson();
        for (const char *key : {"campaign", "window", "recorded", "matching", "share", "lost", "unattributed", "byDay",
                                "byCountry", "byOs", "byApp", "overlap", "lostBy"})
            QVERIFY2(json.contains(QLatin1String(key)), key);
        const Expected e = expectedFor(rules, knownRows());
        QCOMPARE(json["matching"].toInteger(), e.matching);
        QCOMPARE(json["byDay"].toArray().size(), qsizetype(4));
        // Most blocked first, each blocker with its rule as people read it.
        const QJsonArray lostBy = json["lostBy"].toArray();
        QCOMPARE(lostBy.size(), qsizetype(2));
        const QJsonObject include = lostBy[0]["type"] == "INCLUDE" ? lostBy[0].toObject() : lostBy[1].toObject();
        const QJsonObject exclude = lostBy[0]["type"] == "INCLUDE" ? lostBy[1].toObject() : lostBy[0].toObject();
        QCOMPARE(include["rule"].toString(), QStringLiteral("INCLUDE country: US"));
        QCOMPARE(include["blocked"].toInteger(), e.blocked.at(QStringLiteral("INCLUDE country")));
        QCOMPARE(exclude["rule"].toString(), QStringLiteral("EXCLUDE os: ios"));
        QCOMPARE(exclude["blocked"].toInteger(), e.blocked.at(QStringLiteral("EXCLUDE #2")));
        QCOMPARE(exclude["share"].toDouble(), double(e.blocked.at(QStringLiteral("EXCLUDE #2"))) / double(e.recorded));
        QVERIFY(lostBy[0]["blocked"].toInteger() >= lostBy[1]["blocked"].toInteger());
        QCOMPARE(json["campaign"]["id"].toInteger(), qint64(0));
    }
};

QTEST_GUILESS_MAIN(ForecastTest)
#include "tst_forecast.moc"
