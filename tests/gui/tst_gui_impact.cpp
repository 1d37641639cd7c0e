// The impact previews: the campaign editor says what its edits do to the campaign's reach over
// the recorded traffic of the last days, before Save, and the bulk edit dialog what its edit
// does to the requests the campaigns serve, with the (country × OS) cells lost and gained.
// Traffic is added to the store as the recorders add it; runs on SQLite and PostgreSQL.
#include "StudioFixture.h"
#include "TestCampaigns.h"

#include "campaigns/BulkEditDialog.h"
#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignsPanel.h"
#include "campaigns/ValueListEditor.h"
#include "reach/ReachImpactLabel.h"
#include "reach/RecordedTrafficSource.h"
#include "traffic/TrafficCounter.h"
#include "traffic/TrafficTable.h"

#include <QComboBox>
#include <QDateTime>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

namespace {

using Cells = QList<std::tuple<QString, QString, qint64>>; // country, os, change

Cells cellsOf(const QList<ReachImpact::Cell> &cells)
{
    Cells list;
    for (const ReachImpact::Cell &c : cells)
        list.append({c.country, c.os, c.change()});
    return list;
}

} // namespace

class TestImpact : public StudioTestCase
{
    Q_OBJECT

private:
    CampaignsPanel *panel() { return studio_->window().campaigns(); }
    CampaignStore &store() { return studio_->session().engine().store(); }

    // Requests of the last two days, as the recorders store them (spelled as they came).
    void recordTraffic()
    {
        const qint64 hour = TrafficCounter::hourOf(QDateTime::currentSecsSinceEpoch());
        const QList<TrafficRow> rows{{hour, "us", "android", "com.game", 100},
                                     {hour - 3600, "us", "ios", "com.news", 50},
                                     {hour - 86400, "ca", "android", "com.game", 30},
                                     {hour - 86400, "de", "android", "com.chat", 20},
                                     {hour, "fr", "ios", "com.game", 10}};
        QVERIFY(TrafficTable(store().sessions()).add(rows).ok());
    }

    // The campaign "reachable", targeting the US and Canada.
    qint64 addReachable()
    {
        CampaignWithRules c = campaign(QStringLiteral("reachable"), {rule(Dimension::Country, RuleType::Include, {"US", "CA"})});
        if (!store().create(c).ok())
            return 0;
        // The studio follows the write as it follows any other.
        if (!QTest::qWaitFor([this] { return studio_->campaignId(QStringLiteral("reachable")) != 0; }, 20000))
            return 0;
        return studio_->campaignId(QStringLiteral("reachable"));
    }

    static bool waitForImpact(ReachImpactLabel *label)
    {
        return QTest::qWaitFor([label] { return label->impact().has_value(); }, 20000);
    }

private Q_SLOTS:
    // Before Save: the reach of the campaign as stored, then as edited, and the cells lost.
    void editorPreviewsTheReachOfItsEdits()
    {
        recordTraffic();
        const qint64 id = addReachable();
        QVERIFY(id);
        QVERIFY(studio_->waitForCampaigns());
        panel()->openInEditor(id);
        CampaignEditor *editor = panel()->editor();
        auto *impact = editor->findChild<ReachImpactLabel *>(QStringLiteral("reachImpact"));
        QVERIFY(impact);
        QVERIFY(waitForImpact(impact));
        // Unedited: US 100 + 50, CA 30 of 210 recorded.
        QCOMPARE(impact->impact()->recorded, qint64(210));
        QCOMPARE(impact->impact()->before, qint64(180));
        QCOMPARE(impact->impact()->after, qint64(180));
        QVERIFY2(impact->text().contains(QStringLiteral("180 requests (85.7% of 210 recorded)")), qPrintable(impact->text()));

        // Canada out, France in: CA × android loses its 30, FR × ios gains 10.
        auto *include = editor->findChild<ValueListEditor *>(QStringLiteral("country.include"));
        QVERIFY(include);
        include->setValues({QStringLiteral("US")});
        QVERIFY(studio_->type(include, QStringLiteral("valueInput"), QStringLiteral("FR"), true));
        QCOMPARE(include->values(), (QStringList{"US", "FR"}));
        QVERIFY(editor->isDirty());
        QVERIFY(waitForImpact(impact));
        QCOMPARE(impact->impact()->before, qint64(180));
        QCOMPARE(impact->impact()->after, qint64(160));
        QCOMPARE(cellsOf(impact->impact()->lost), (Cells{{"ca", "android", -30}}));
        QCOMPARE(cellsOf(impact->impact()->gained), (Cells{{"fr", "ios", 10}}));
        QVERIFY2(impact->text().contains(QStringLiteral("180 → 160 requests (−20) of 210 recorded")), qPrintable(impact->text()));
        QVERIFY2(impact->text().contains(QStringLiteral("Lost: CA × android −30")), qPrintable(impact->text()));
        QVERIFY2(impact->text().contains(QStringLiteral("Gained: FR × ios +10")), qPrintable(impact->text()));

        // Saved, the preview starts from the stored campaign again.
        QVERIFY(studio_->click(QStringLiteral("save")));
        QVERIFY(!editor->isDirty());
        QVERIFY(waitForImpact(impact));
        QCOMPARE(impact->impact()->before, qint64(160));
        QCOMPARE(impact->impact()->after, qint64(160));
    }

    // A new campaign starts from nothing; a store with no traffic says so instead of counting.
    void newCampaignsStartFromNothingAndNoTrafficIsSaid()
    {
        QVERIFY(studio_->waitForCampaigns());
        CampaignEditor *editor = panel()->editor();
        editor->startNew(campaign(QStringLiteral("fresh"), {rule(Dimension::Country, RuleType::Exclude, {"US"})}));
        auto *impact = editor->findChild<ReachImpactLabel *>(QStringLiteral("reachImpact"));
        QTRY_VERIFY_WITH_TIMEOUT(impact->text().startsWith(QStringLiteral("No traffic recorded in the last 7 days")), 20000);
        QVERIFY(!impact->impact());

        recordTraffic();
        studio_->session().recordedTraffic().refresh();
        QVERIFY(waitForImpact(impact));
        QCOMPARE(impact->impact()->before, qint64(0));
        QCOMPARE(impact->impact()->after, qint64(60)); // all but the US
        QCOMPARE(cellsOf(impact->impact()->gained), (Cells{{"ca", "android", 30}, {"de", "android", 20}, {"fr", "ios", 10}}));
    }

    // Deactivating a campaign from the bulk dialog: the requests it served, lost cell by cell.
    void bulkPreviewCountsTheRequestsTheCampaignsStopServing()
    {
        recordTraffic();
        QVERIFY(addReachable());
        QVERIFY(studio_->waitForCampaigns());
        QVERIFY(studio_->clickCampaign(QStringLiteral("reachable")));
        std::optional<ReachImpact> shown;
        StudioFixture::answerNextDialog([&shown](QWidget *widget) {
            auto *dialog = qobject_cast<BulkEditDialog *>(widget);
            QVERIFY(dialog);
            auto *action = dialog->findChild<QComboBox *>(QStringLiteral("bulkAction"));
            action->setCurrentIndex(action->findText(QStringLiteral("Deactivate")));
            QTest::mouseClick(dialog->findChild<QRadioButton *>(QStringLiteral("bulkOnSelection")), Qt::LeftButton);
            auto *reach = dialog->findChild<ReachImpactLabel *>(QStringLiteral("bulkReach"));
            QVERIFY(waitForImpact(reach));
            shown = reach->impact();
            QVERIFY2(reach->text().startsWith(QStringLiteral("Requests they serve, last 7 days: 180 → 0 requests")),
                     qPrintable(reach->text()));
            dialog->reject();
        });
        QVERIFY(studio_->clickCampaignsTool(QStringLiteral("bulkEdit")));
        QTRY_VERIFY_WITH_TIMEOUT(shown.has_value(), 30000);
        QCOMPARE(shown->before, qint64(180));
        QCOMPARE(shown->after, qint64(0));
        QCOMPARE(cellsOf(shown->lost), (Cells{{"us", "android", -100}, {"us", "ios", -50}, {"ca", "android", -30}}));
        QVERIFY(shown->gained.isEmpty());
    }
};

QTEST_MAIN(TestImpact)
#include "tst_gui_impact.moc"
