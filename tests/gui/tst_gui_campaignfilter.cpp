// The campaigns table's filter and sort, driven through the filter bar and the header:
// filtering by the request values a campaign serves (as delivery decides it), status and
// "can never serve", combined with text; typing is debounced and applies once; results and
// sorts arrive as a whole, with the selection kept; a campaign filtered out stays in the
// editor; a connection change leaves no row of the old store. Runs on SQLite and PostgreSQL.
#include "StudioFixture.h"

#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignFilterBar.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "settings/ConnectionSettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

namespace {

TargetRule rule(Dimension dimension, RuleType type, const QStringList &values)
{
    TargetRule r;
    r.dimension = dimension;
    r.type = type;
    r.values = values;
    return r;
}

CampaignWithRules campaign(const QString &code, const QString &status, QList<TargetRule> rules)
{
    CampaignWithRules c;
    c.campaign.code = code;
    c.campaign.name = code + QStringLiteral(" campaign");
    c.campaign.image = QStringLiteral("https://cdn.example/") + code + QStringLiteral(".png");
    c.campaign.cta = QStringLiteral("Open");
    c.campaign.status = status;
    c.rules = std::move(rules);
    return c;
}

} // namespace

class TestCampaignFilter : public StudioTestCase
{
    Q_OBJECT

private:
    CampaignsPanel *panel() { return studio_->window().campaigns(); }
    CampaignTableModel *model() { return panel()->model(); }

    // The codes the table shows, top to bottom.
    QStringList shownCodes()
    {
        QStringList codes;
        for (int row = 0; row < model()->rowCount(); ++row)
            codes.append(model()->index(row, CampaignTableModel::Code).data().toString());
        return codes;
    }
    static QStringList sorted(QStringList codes)
    {
        codes.sort();
        return codes;
    }
    // Types into the filter bar's field `name` (after clearing it), as a user does, and waits
    // for the table to show the result.
    bool typeFilter(const QString &name, const QString &text)
    {
        auto *edit = panel()->filterBar()->findChild<QLineEdit *>(name);
        if (!edit)
            return false;
        edit->clear();
        QTest::keyClicks(edit, text);
        return settle();
    }
    // Waits until the typing pause has passed (its timer may fire late on a loaded machine)
    // and the table's rows are worked out.
    bool settle()
    {
        return QTest::qWaitFor([&] { return !panel()->filterBar()->typingPending() && !model()->isArranging(); },
                               10000);
    }

private Q_SLOTS:
    // Besides the samples (spotify: INCLUDE country US, Canada; duolingo: INCLUDE os
    // Android, iOS + EXCLUDE country US; subwaysurfer: INCLUDE os Android + INCLUDE app
    // com.gametion.ludokinggame): one campaign per case the filters tell apart.
    void init()
    {
        StudioTestCase::init();
        if (QTest::currentTestFailed())
            return;
        CampaignWithRules ended = campaign(QStringLiteral("ended"), kStatusActive, {});
        ended.campaign.serving.flightStart = QDateTime::currentDateTimeUtc().addDays(-10);
        ended.campaign.serving.flightEnd = QDateTime::currentDateTimeUtc().addDays(-1);
        const QList<CampaignWithRules> extra{
            campaign(QStringLiteral("inc-us"), kStatusActive, {rule(Dimension::Country, RuleType::Include, {"US"})}),
            campaign(QStringLiteral("us-never"), kStatusActive,
                     {rule(Dimension::Country, RuleType::Include, {"US"}),
                      rule(Dimension::Country, RuleType::Exclude, {"us"})}),
            ended,
            campaign(QStringLiteral("paused"), kStatusInactive, {}),
        };
        const auto inserted = studio_->session().engine().store().insertMany(extra);
        QVERIFY2(inserted.ok(), qPrintable(inserted.message));
        QTRY_COMPARE(model()->rowCount(), 7);
        QVERIFY(studio_->waitForCampaigns());
    }

    // Who a request value reaches, as delivery decides it: INCLUDE lists admit, EXCLUDE
    // wins, no rule in a dimension admits every value; values compare trimmed, in any case.
    void filtersByTheValuesACampaignServes()
    {
        QVERIFY(typeFilter(QStringLiteral("filterCountry"), QStringLiteral(" us")));
        const QStringList servesUs{"spotify", "subwaysurfer", "inc-us", "ended", "paused"};
        QCOMPARE(sorted(shownCodes()), sorted(servesUs));

        QVERIFY(typeFilter(QStringLiteral("filterOs"), QStringLiteral("iOS"))); // subwaysurfer is Android only
        QCOMPARE(sorted(shownCodes()), sorted({"spotify", "inc-us", "ended", "paused"}));

        auto *status = panel()->filterBar()->findChild<QComboBox *>(QStringLiteral("filterStatus"));
        status->setCurrentIndex(status->findData(int(CampaignFilter::Status::Active)));
        QVERIFY(settle());
        QCOMPARE(sorted(shownCodes()), sorted({"spotify", "inc-us", "ended"}));

        QVERIFY(typeFilter(QStringLiteral("filter"), QStringLiteral("SPOT"))); // text, in any case
        QCOMPARE(shownCodes(), QStringList{"spotify"});
        QCOMPARE(panel()->findChild<QLabel *>(QStringLiteral("campaignCount"))->text(), QStringLiteral("1 of 7 campaigns"));

        QVERIFY(typeFilter(QStringLiteral("filterApp"), QStringLiteral("com.gametion.ludokinggame")));
        QCOMPARE(shownCodes(), QStringList{"spotify"}); // no app rule: every app
        QVERIFY(typeFilter(QStringLiteral("filterCountry"), QStringLiteral("Canada")));
        QCOMPARE(shownCodes(), QStringList{"spotify"});
        QVERIFY(typeFilter(QStringLiteral("filterCountry"), QStringLiteral("FR")));
        QCOMPARE(shownCodes(), QStringList{});
    }

    // Text matches code, name, status, CTA or image URL in any case, as Unicode folds it
    // (KELVIN SIGN is a k), for ASCII text and other text alike.
    void textMatchesInAnyCase_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("shown");
        QTest::newRow("code, upper case") << QStringLiteral("SPOT") << QStringList{"spotify"};
        QTest::newRow("image URL") << QStringLiteral("CDN.example/INC") << QStringList{"inc-us"};
        QTest::newRow("status") << QStringLiteral("inactive") << QStringList{"paused"};
        QTest::newRow("a sign that folds to ASCII") << QStringLiteral("5k heat") << QStringList{"kelvin"};
        QTest::newRow("accented, other case") << QStringLiteral("ÉTÉ") << QStringList{"summer"};
        QTest::newRow("no such text") << QStringLiteral("zzz") << QStringList{};
    }
    void textMatchesInAnyCase()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, shown);
        CampaignWithRules kelvin = campaign(QStringLiteral("kelvin"), kStatusActive, {});
        kelvin.campaign.name = QStringLiteral("5\u212A Heat");
        CampaignWithRules summer = campaign(QStringLiteral("summer"), kStatusActive, {});
        summer.campaign.name = QStringLiteral("Promo été");
        const auto inserted = studio_->session().engine().store().insertMany({kelvin, summer});
        QVERIFY2(inserted.ok(), qPrintable(inserted.message));
        QTRY_COMPARE(model()->rowCount(), 9);
        QVERIFY(typeFilter(QStringLiteral("filter"), text));
        QCOMPARE(sorted(shownCodes()), sorted(shown));
    }

    // "Can never serve": a dimension that excludes all it includes, or a flight that ended;
    // an inactive campaign can still be activated, so it is not one of them.
    void findsCampaignsThatCanNeverServe()
    {
        QTest::mouseClick(panel()->filterBar()->findChild<QCheckBox *>(QStringLiteral("filterNeverServes")), Qt::LeftButton);
        QVERIFY(settle());
        QCOMPARE(sorted(shownCodes()), sorted({"us-never", "ended"}));
        QVERIFY(typeFilter(QStringLiteral("filter"), QStringLiteral("never")));
        QCOMPARE(shownCodes(), QStringList{"us-never"});
    }

    // Keystrokes in quick succession: one filtering, once the hand pauses; "Filtering…"
    // while it runs, and the previous rows until the result is there.
    void typingFiltersOnceThePauseComes()
    {
        QSignalSpy arranged(model(), &CampaignTableModel::arranged);
        QSignalSpy busy(model(), &CampaignTableModel::arrangingChanged);
        auto *edit = panel()->filterBar()->textEdit();
        QTest::keyClicks(edit, QStringLiteral("duo"));
        QCOMPARE(model()->rowCount(), 7); // nothing yet: the pause has not come
        QVERIFY(settle());
        QCOMPARE(arranged.count(), 1);
        QCOMPARE(shownCodes(), QStringList{"duolingo"});
        QVERIFY(busy.count() == 2 && busy.at(0).at(0).toBool() && !busy.at(1).at(0).toBool());
        QCOMPARE(panel()->filterBar()->findChild<QLabel *>(QStringLiteral("filtering"))->text(), QString());
    }

    void clearingAFieldAppliesAtOnce()
    {
        QVERIFY(typeFilter(QStringLiteral("filterCountry"), QStringLiteral("us")));
        QCOMPARE(model()->rowCount(), 5);
        QSignalSpy changed(panel()->filterBar(), &CampaignFilterBar::filterChanged);
        QSignalSpy arranged(model(), &CampaignTableModel::arranged);
        panel()->filterBar()->findChild<QLineEdit *>(QStringLiteral("filterCountry"))->clear();
        QCOMPARE(changed.count(), 1); // no typing pause to wait for
        QCOMPARE(model()->filter(), panel()->filterBar()->filter());
        QVERIFY(settle());
        QCOMPARE(changed.count(), 1); // nor a second filter once the pause has passed
        QCOMPARE(arranged.count(), 1);
        QCOMPARE(model()->rowCount(), 7);
    }

    // A sort arrives as a whole and keeps the selection and the campaign in the editor.
    void sortingKeepsTheSelection()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo")));
        CampaignEditor *editor = panel()->editor();
        const qint64 duolingo = studio_->campaignId(QStringLiteral("duolingo"));
        QCOMPARE(editor->campaignId(), duolingo);
        panel()->table()->sortByColumn(CampaignTableModel::Code, Qt::DescendingOrder);
        QVERIFY(settle());
        QCOMPARE(shownCodes(), (QStringList{"us-never", "subwaysurfer", "spotify", "paused", "inc-us", "ended", "duolingo"}));
        QCOMPARE(panel()->selectedIds(), QList<qint64>{duolingo});
        QCOMPARE(panel()->table()->currentIndex().row(), 6);
        QCOMPARE(editor->campaignId(), duolingo);

        // Filtered out, it stays in the editor; back in the table, it is selected again.
        QVERIFY(typeFilter(QStringLiteral("filter"), QStringLiteral("spot")));
        QCOMPARE(shownCodes(), QStringList{"spotify"});
        QCOMPARE(editor->campaignId(), duolingo);
        QVERIFY(typeFilter(QStringLiteral("filter"), QString()));
        QCOMPARE(model()->rowCount(), 7);
        QCOMPARE(editor->campaignId(), duolingo);
    }

    // Another store: the table is empty at once (no row, no selection of the old store) and
    // then shows the new store's campaigns through the same filter.
    void aConnectionChangeLeavesNothingOfTheOldStore()
    {
        QFETCH_GLOBAL(QString, store);
        if (store != QLatin1String("sqlite"))
            QSKIP("one switch is enough: the table does not depend on the store's kind");
        QVERIFY(typeFilter(QStringLiteral("filterCountry"), QStringLiteral("US")));
        QVERIFY(studio_->clickCampaign(QStringLiteral("inc-us")));
        QTemporaryDir other;
        ConnectionSettings settings;
        settings.sqlitePath = other.filePath(QStringLiteral("other.sqlite"));
        QString error;
        QVERIFY2(studio_->window().switchConnection(settings, &error), qPrintable(error));
        QCOMPARE(model()->rowCount(), 0);
        QVERIFY(panel()->selectedIds().isEmpty());
        QVERIFY(studio_->waitForCampaigns());
        QCOMPARE(sorted(shownCodes()), sorted({"spotify", "subwaysurfer"})); // the fresh samples serving US
        QCOMPARE(model()->catalog().size(), 3);
    }
};

QTEST_MAIN(TestCampaignFilter)
#include "tst_gui_campaignfilter.moc"
