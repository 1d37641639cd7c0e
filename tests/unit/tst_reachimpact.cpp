// What an edit does to the requests some campaigns reach (ReachImpact), checked against the
// targeting contract written out again (ForecastReference), row by row: the requests at least
// one campaign matches before and after, and every (country, OS) cell that gained or lost.
#include "ForecastReference.h"
#include "TestCampaigns.h"

#include "changes/BulkEdit.h"
#include "traffic/ReachImpact.h"
#include "traffic/RecordedTraffic.h"

#include <QTest>

#include <map>

using namespace adserve;
using namespace adserve::test;

namespace {

using Counting = ReachImpact::Counting;
using Cells = std::map<std::pair<QString, QString>, qint64>;

QList<TrafficRow> knownRows()
{
    return {row(0, 0, "US", "android", "com.game", 100), row(0, 1, "us ", "iOS", "com.news", 80),
            row(0, 2, "CA", "android", "com.game", 40),  row(0, 3, "DE", "android", "com.chat", 30),
            row(0, 4, kOther, "android", "com.game", 20), row(0, 5, "US", kOther, "com.game", 10),
            row(1, 0, "CA", "ios", "com.news", 60),       row(1, 1, "DE", "Android", "com.game", 35),
            row(1, 2, "US", "android", kOther, 15),       row(1, 3, "br", "android", "com.chat", 5)};
}

// Per (country, OS) cell, the requests at least one of `campaigns` matches, worked out row by row.
Cells matchedCells(const QList<CampaignWithRules> &campaigns, const QList<TrafficRow> &rows, Counting counting)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Cells cells;
    for (const TrafficRow &r : rows) {
        if (r.requests <= 0)
            continue;
        for (const CampaignWithRules &c : campaigns) {
            if ((counting == Counting::TargetingAlone || servesAt(c.campaign, now)) && targetingMatches(c.rules, r)) {
                cells[{folded(r.country), folded(r.os)}] += r.requests;
                break;
            }
        }
    }
    return cells;
}

qint64 sum(const Cells &cells)
{
    qint64 total = 0;
    for (const auto &[cell, requests] : cells)
        total += requests;
    return total;
}

} // namespace

Q_DECLARE_METATYPE(adserve::ReachImpact::Counting)

class ReachImpactTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void impactOfAnEdit_data()
    {
        QTest::addColumn<QList<CampaignWithRules>>("before");
        QTest::addColumn<QList<CampaignWithRules>>("after");
        QTest::addColumn<Counting>("counting");
        const auto one = [](QList<TargetRule> rules) { return QList<CampaignWithRules>{campaign("c", rules)}; };
        QTest::newRow("a country added to the INCLUDE rule")
            << one({rule(Country, In, {"US"})}) << one({rule(Country, In, {"US", "ca"})}) << Counting::TargetingAlone;
        QTest::newRow("an OS excluded: OTHER rows stop counting")
            << one({}) << one({rule(Os, Ex, {"iOS"})}) << Counting::TargetingAlone;
        QTest::newRow("a new campaign: nothing before") << QList<CampaignWithRules>{} << one({rule(Country, Ex, {"DE"})})
                                                        << Counting::TargetingAlone;
        QTest::newRow("targeting dropped") << one({rule(Country, In, {"DE", "BR"}), rule(Os, In, {"android"})}) << one({})
                                           << Counting::TargetingAlone;
        CampaignWithRules paused = campaign("p", {rule(Country, In, {"US"})});
        paused.campaign.status = kStatusInactive;
        CampaignWithRules activated = paused;
        activated.campaign.status = kStatusActive;
        QTest::newRow("status aside when counting targeting alone") << QList<CampaignWithRules>{paused}
                                                                    << QList<CampaignWithRules>{activated} << Counting::TargetingAlone;
        QTest::newRow("activated, counting those serving now") << QList<CampaignWithRules>{paused}
                                                               << QList<CampaignWithRules>{activated} << Counting::ServingNow;
    }

    void impactOfAnEdit()
    {
        QFETCH(QList<CampaignWithRules>, before);
        QFETCH(QList<CampaignWithRules>, after);
        QFETCH(Counting, counting);
        checkImpact(knownRows(), before, after, counting);
    }

    // A bulk edit of many generated campaigns (statuses, flights, deletions among them),
    // through BulkEdit::applyTo as the studio's bulk preview does.
    void impactOfABulkEdit_data()
    {
        QTest::addColumn<int>("action");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("counting");
        QTest::newRow("exclude a country, targeting alone") << int(BulkEdit::Action::AddValue) << "US" << int(Counting::TargetingAlone);
        QTest::newRow("exclude a country, serving now") << int(BulkEdit::Action::AddValue) << "US" << int(Counting::ServingNow);
        QTest::newRow("remove a country everywhere") << int(BulkEdit::Action::RemoveValue) << "de" << int(Counting::TargetingAlone);
        QTest::newRow("deactivate, serving now") << int(BulkEdit::Action::Deactivate) << "" << int(Counting::ServingNow);
        QTest::newRow("activate, serving now") << int(BulkEdit::Action::Activate) << "" << int(Counting::ServingNow);
    }

    void impactOfABulkEdit()
    {
        QFETCH(int, action);
        QFETCH(QString, value);
        QFETCH(int, counting);
        QList<CampaignWithRules> campaigns = generatedCampaigns(300, 21);
        for (CampaignWithRules &c : campaigns)
            c.campaign.serving.dayParting.reset(); // the reference knows flights, not hours
        const QList<TrafficRow> rows = generatedRows(campaigns, 3000, 22);
        BulkEdit edit;
        edit.action = BulkEdit::Action(action);
        edit.dimension = Country;
        edit.ruleType = Ex;
        edit.value = value;
        QList<CampaignWithRules> before, after;
        for (qsizetype i = 0; i < campaigns.size(); i += 2) { // every other campaign
            if (edit.action == BulkEdit::Action::Activate && campaigns[i].campaign.status == kStatusActive)
                continue; // the active ones would cover what the others gain
            before.append(campaigns[i]);
            after.append(edit.applyTo(campaigns[i]).value_or(campaigns[i]));
        }
        const ReachImpact impact = checkImpact(rows, before, after, Counting(counting));
        QVERIFY2(impact.change() != 0, "the edit is meant to change the reach");
    }

private:
    ReachImpact checkImpact(const QList<TrafficRow> &rows, const QList<CampaignWithRules> &before,
                            const QList<CampaignWithRules> &after, Counting counting)
    {
        const RecordedTraffic traffic = RecordedTraffic::from(rows);
        const ReachImpact impact =
            ReachImpact::between(traffic, before, after, counting, QDateTime::currentMSecsSinceEpoch());
        const Cells was = matchedCells(before, rows, counting);
        const Cells is = matchedCells(after, rows, counting);
        [&] {
            QCOMPARE(impact.recorded, traffic.totalRequests());
            QCOMPARE(impact.before, sum(was));
            QCOMPARE(impact.after, sum(is));
            Cells changed;
            for (const auto &[cell, requests] : was)
                changed[cell] -= requests;
            for (const auto &[cell, requests] : is)
                changed[cell] += requests;
            std::erase_if(changed, [](const auto &item) { return item.second == 0; });
            Cells shown;
            qint64 previous = std::numeric_limits<qint64>::max();
            for (const ReachImpact::Cell &c : impact.gained) {
                QVERIFY(c.change() > 0);
                QVERIFY2(c.change() <= previous, "the largest gain first");
                previous = c.change();
                QCOMPARE(c.before, was.count({c.country, c.os}) ? was.at({c.country, c.os}) : 0);
                shown[{c.country, c.os}] = c.change();
            }
            previous = std::numeric_limits<qint64>::max();
            for (const ReachImpact::Cell &c : impact.lost) {
                QVERIFY(c.change() < 0);
                QVERIFY2(-c.change() <= previous, "the largest loss first");
                previous = -c.change();
                QCOMPARE(c.after, is.count({c.country, c.os}) ? is.at({c.country, c.os}) : 0);
                shown[{c.country, c.os}] = c.change();
            }
            QCOMPARE(shown, changed);
        }();
        return impact;
    }
};

QTEST_GUILESS_MAIN(ReachImpactTest)
#include "tst_reachimpact.moc"
