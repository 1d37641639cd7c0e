// Why-not in the simulator, in words: per dimension the request's value, the rules' values
// and the outcome, with a hint when values differ only in form; "Open in editor" from any
// row; the what-if grid on the request bar's app, focused on one campaign, and a cell opened
// in the simulator. Runs on SQLite and PostgreSQL.
#include "StudioFixture.h"
#include "TestCampaigns.h"

#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "common/TextTableModel.h"
#include "simulator/SimulatorPanel.h"
#include "simulator/WhatIfGrid.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

class TestWhyNot : public StudioTestCase
{
    Q_OBJECT

    // The explain table's columns: id, campaign, verdict, country, os, app, why.
    enum Column { Id, Code, Verdict, CountryColumn, OsColumn, AppColumn, Why };

    SimulatorPanel *panel() { return studio_->window().simulator(); }

    void deliver(const QString &country, const QString &os, const QString &app)
    {
        studio_->window().tabs()->setCurrentWidget(panel());
        QVERIFY(studio_->type(panel(), QStringLiteral("simCountry"), country));
        QVERIFY(studio_->type(panel(), QStringLiteral("simOs"), os));
        QVERIFY(studio_->type(panel(), QStringLiteral("simApp"), app, true));
        QVERIFY(panel()->job()->waitForFinished());
    }

    // The why-not row of `code`, every campaign shown; -1 when absent.
    int rowOf(const QString &code)
    {
        const TextTableModel *explain = panel()->explainTable();
        for (int row = 0; row < explain->rowCount(); ++row) {
            if (explain->text(row, Code) == code)
                return row;
        }
        return -1;
    }

    // As a hand does it: a click, then the second one a double-click (an item view acts on a
    // double-click only where it saw the press).
    static void doubleClick(QWidget *viewport, QPoint at)
    {
        QTest::mouseClick(viewport, Qt::LeftButton, {}, at);
        QTest::mouseDClick(viewport, Qt::LeftButton, {}, at);
    }

    QString cell(const QString &code, int column) { return panel()->explainTable()->text(rowOf(code), column); }

    void create(const CampaignWithRules &campaign)
    {
        const auto created = studio_->session().engine().store().create(campaign);
        QVERIFY2(created.ok(), qPrintable(created.message));
        QTRY_VERIFY(studio_->session().engine().matcher().snapshot()->idOfCode(campaign.campaign.code).has_value());
    }

private Q_SLOTS:
    // A Canadian iPhone request: spotify targets the name "Canada", requests carry "CA". The
    // row says what was compared and what to do, with the rule as written.
    void canadaByNameIsHinted()
    {
        deliver(QStringLiteral("CA"), QStringLiteral("iOS"), QStringLiteral("x"));
        QCOMPARE(cell(QStringLiteral("spotify"), Verdict), QStringLiteral("rejected"));
        QCOMPARE(cell(QStringLiteral("spotify"), CountryColumn),
                 QStringLiteral("not included: \"CA\" is not in INCLUDE country: US, Canada"));
        QCOMPARE(cell(QStringLiteral("spotify"), Why),
                 QStringLiteral("not delivered: country \"CA\" is not in INCLUDE country: US, Canada — the campaign "
                                "targets \"Canada\", a country name; requests carry ISO codes such as \"CA\""));
        // No generated rule code anywhere in the row.
        for (int column = CountryColumn; column <= Why; ++column)
            QVERIFY(!cell(QStringLiteral("spotify"), column).contains(QLatin1String("spotify-country")));
        // duolingo passes: each dimension says why.
        QCOMPARE(cell(QStringLiteral("duolingo"), CountryColumn), QStringLiteral("not excluded: \"CA\" is not in EXCLUDE country: US"));
        QCOMPARE(cell(QStringLiteral("duolingo"), OsColumn), QStringLiteral("included: \"iOS\" is in INCLUDE os: Android, iOS"));
        QCOMPARE(cell(QStringLiteral("duolingo"), AppColumn), QStringLiteral("no rules: any app"));
    }

    // An app EXCLUDE that did not fire used to read "no-rules".
    void excludeThatDidNotFire()
    {
        create(campaign(QStringLiteral("noludo"),
                        {rule(Dimension::App, RuleType::Exclude, {QStringLiteral("com.gametion.ludokinggame")})}));
        deliver(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.other"));
        QCOMPARE(cell(QStringLiteral("noludo"), Verdict), QStringLiteral("matched"));
        QCOMPARE(cell(QStringLiteral("noludo"), AppColumn),
                 QStringLiteral("not excluded: \"com.other\" is not in EXCLUDE app: com.gametion.ludokinggame"));
        deliver(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame"));
        QCOMPARE(cell(QStringLiteral("noludo"), AppColumn),
                 QStringLiteral("excluded: \"com.gametion.ludokinggame\" is in EXCLUDE app: com.gametion.ludokinggame"));
    }

    // Any row opens its campaign in the editor: by the button, or by double-click.
    void openInEditorFromAnyRow()
    {
        deliver(QStringLiteral("US"), QStringLiteral("iOS"), QStringLiteral("x"));
        auto *open = panel()->findChild<QPushButton *>(QStringLiteral("openInEditor"));
        QVERIFY(!open->isEnabled());
        QTableView *view = panel()->explainView();
        const int duolingo = rowOf(QStringLiteral("duolingo"));
        view->setCurrentIndex(panel()->explainTable()->index(duolingo, Why));
        QVERIFY(open->isEnabled());
        QTest::mouseClick(open, Qt::LeftButton);
        CampaignsPanel *campaigns = studio_->window().campaigns();
        QCOMPARE(studio_->window().tabs()->currentWidget(), campaigns);
        QCOMPARE(campaigns->sideTabs()->currentWidget(), campaigns->editor());
        QTRY_COMPARE(campaigns->editor()->campaignId(), studio_->campaignId(QStringLiteral("duolingo")));

        studio_->window().tabs()->setCurrentWidget(panel());
        const QModelIndex spotify = panel()->explainTable()->index(rowOf(QStringLiteral("spotify")), Code);
        view->scrollTo(spotify);
        doubleClick(view->viewport(), view->visualRect(spotify).center());
        QCOMPARE(studio_->window().tabs()->currentWidget(), campaigns);
        QTRY_COMPARE(campaigns->editor()->campaignId(), studio_->campaignId(QStringLiteral("spotify")));
    }

    // The grid asks with the request bar's app: no App field of its own.
    void gridFollowsTheRequestBar()
    {
        WhatIfGrid *grid = panel()->whatIf();
        QVERIFY(!grid->findChild<QLineEdit *>(QStringLiteral("gridApp")));
        QVERIFY(studio_->type(grid, QStringLiteral("gridCountries"), QStringLiteral("US")));
        QVERIFY(studio_->type(grid, QStringLiteral("gridSystems"), QStringLiteral("Android")));
        panel()->setRequest(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame"));
        QVERIFY(studio_->click(QStringLiteral("computeGrid")));
        QCOMPARE(grid->table()->item(0, 0)->data(WhatIfGrid::CountRole).toInt(), 2); // spotify, subwaysurfer
        QVERIFY(grid->table()->item(0, 0)->font().bold()); // the request bar's own cell
        QVERIFY(studio_->type(panel(), QStringLiteral("simApp"), QStringLiteral("com.other")));
        QCOMPARE(grid->table()->item(0, 0)->data(WhatIfGrid::CountRole).toInt(), 1); // spotify: computed again
        QVERIFY(grid->findChild<QLabel *>(QStringLiteral("gridApp"))->text().contains(QLatin1String("com.other")));
        // The request's OS gets a column of its own when the list lacks it.
        QVERIFY(studio_->type(panel(), QStringLiteral("simOs"), QStringLiteral("iOS")));
        QCOMPARE(grid->table()->columnCount(), 2);
        QCOMPARE(grid->table()->horizontalHeaderItem(1)->text(), QStringLiteral("iOS"));
    }

    // "Where does subwaysurfer show?": served where it is, blocked elsewhere by the dimension
    // that keeps it out; a double-click opens that request in the simulator with its why-not.
    void gridFocusAndDrillDown()
    {
        WhatIfGrid *grid = panel()->whatIf();
        studio_->window().tabs()->setCurrentWidget(panel());
        panel()->tabs()->setCurrentWidget(grid);
        QVERIFY(studio_->type(grid, QStringLiteral("gridCountries"), QStringLiteral("US, DE")));
        QVERIFY(studio_->type(grid, QStringLiteral("gridSystems"), QStringLiteral("Android, iOS")));
        panel()->setRequest(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame"));
        auto *focus = grid->findChild<QComboBox *>(QStringLiteral("gridFocus"));
        const qint64 subway = studio_->campaignId(QStringLiteral("subwaysurfer"));
        QTRY_VERIFY(focus->findData(subway) > 0);
        focus->setCurrentIndex(focus->findData(subway));
        QVERIFY(studio_->click(QStringLiteral("computeGrid")));
        QTableWidget *table = grid->table();
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("serves"));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("serves"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("blocked: os"));
        QCOMPARE(table->item(1, 1)->data(WhatIfGrid::BlockedByRole).toString(), QStringLiteral("os"));
        QVERIFY(table->item(1, 1)->toolTip().contains(QLatin1String("INCLUDE os: Android")));
        // duolingo, typed: kept out of US by its country EXCLUDE.
        focus->lineEdit()->selectAll();
        QTest::keyClicks(focus->lineEdit(), QStringLiteral("duolingo"));
        QTest::keyClick(focus->lineEdit(), Qt::Key_Return);
        QCOMPARE(grid->focusedCampaign(), studio_->campaignId(QStringLiteral("duolingo")));
        QCOMPARE(table->item(0, 1)->data(WhatIfGrid::BlockedByRole).toString(), QStringLiteral("country"));
        QCOMPARE(table->item(1, 1)->text(), QStringLiteral("serves"));

        // Double-click DE × iOS with subwaysurfer in focus.
        focus->setCurrentIndex(focus->findData(subway));
        QTableWidgetItem *cell = table->item(1, 1);
        doubleClick(table->viewport(), table->visualItemRect(cell).center());
        QCOMPARE(panel()->tabs()->currentIndex(), 0);
        QVERIFY(panel()->job()->waitForFinished());
        QCOMPARE(panel()->request().country, QStringLiteral("DE"));
        QCOMPARE(panel()->request().os, QStringLiteral("iOS"));
        QCOMPARE(panel()->request().app, QStringLiteral("com.gametion.ludokinggame"));
        QCOMPARE(panel()->findChild<QComboBox *>(QStringLiteral("whyNot"))->currentData().toLongLong(), subway);
        QCOMPARE(panel()->explainTable()->rowCount(), 1);
        QCOMPARE(panel()->explainTable()->text(0, OsColumn), QStringLiteral("not included: \"iOS\" is not in INCLUDE os: Android"));
    }
};

QTEST_MAIN(TestWhyNot)
#include "tst_gui_whynot.moc"
