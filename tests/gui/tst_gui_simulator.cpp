// The simulator panel: the response exactly as the endpoint returns it, the sources and
// timing, "why not" for one campaign, the what-if heat map, "Copy as curl", and inputs that
// complete from values the store's campaigns use.
#include "StudioFixture.h"
#include "TestCampaigns.h"

#include "campaigns/CampaignsPanel.h"
#include "campaigns/ValueListEditor.h"
#include "common/BackgroundJob.h"
#include "common/ValueCatalog.h"
#include "simulator/DeliveryRequest.h"
#include "simulator/SimulatorPanel.h"
#include "simulator/WhatIfGrid.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCompleter>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QStringListModel>
#include <QTableWidget>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

class TestSimulatorPanel : public QObject
{
    Q_OBJECT
    StudioFixture studio_;

    SimulatorPanel *panel() { return studio_.window().simulator(); }

    void deliver(const QString &country, const QString &os, const QString &app)
    {
        QVERIFY(studio_.type(panel(), QStringLiteral("simCountry"), country));
        QVERIFY(studio_.type(panel(), QStringLiteral("simOs"), os));
        QVERIFY(studio_.type(panel(), QStringLiteral("simApp"), app, true)); // Enter delivers
    }

    QStringList deliveredCodes()
    {
        QStringList codes;
        QTableWidget *table = panel()->deliveredTable();
        for (int row = 0; row < table->rowCount(); ++row)
            codes.append(table->item(row, 0)->text());
        return codes;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(studio_.open({}, &error), qPrintable(error));
        studio_.window().tabs()->setCurrentWidget(panel());
    }

    void delivers_data()
    {
        QTest::addColumn<QString>("country");
        QTest::addColumn<QString>("os");
        QTest::addColumn<QString>("app");
        QTest::addColumn<int>("status");
        QTest::addColumn<QStringList>("delivered");
        // The sample campaigns: spotify (country IN US, Canada), duolingo (os IN Android, iOS;
        // country EX US), subwaysurfer (os IN Android; app IN com.gametion.ludokinggame).
        QTest::newRow("us android ludo") << "US" << "Android" << "com.gametion.ludokinggame" << 200
                                         << QStringList{"spotify", "subwaysurfer"};
        QTest::newRow("germany ios") << "de" << "iOS" << "com.abc.xyz" << 200 << QStringList{"duolingo"};
        QTest::newRow("case and spaces fold") << " CANADA " << "android" << "x" << 200
                                              << QStringList{"spotify", "duolingo"};
        QTest::newRow("nothing matches") << "FR" << "Windows" << "x" << 204 << QStringList{};
        QTest::newRow("missing app") << "US" << "Android" << "" << 400 << QStringList{};
    }

    void delivers()
    {
        QFETCH(QString, country);
        QFETCH(QString, os);
        QFETCH(QString, app);
        QFETCH(int, status);
        QFETCH(QStringList, delivered);
        deliver(country, os, app);
        QCOMPARE(panel()->responseStatus(), status);
        QCOMPARE(deliveredCodes(), delivered);
        // The body is exactly what the HTTP API answers for the same query.
        const DeliveryRequest request = panel()->request();
        const HttpReply reply = studio_.session().api().handle({"GET", request.path, QUrlQuery(request.queryString()), {}, {}});
        QCOMPARE(panel()->responseBody(), reply.body);
        if (status == 200) {
            QVERIFY(panel()->findChild<QLabel *>(QStringLiteral("simTiming"))->text().contains(QLatin1String("match")));
            for (int row = 0; row < panel()->deliveredTable()->rowCount(); ++row) {
                const QString source = panel()->deliveredTable()->item(row, 3)->text();
                QVERIFY2(source == QLatin1String("cache") || source == QLatin1String("store"), qPrintable(source));
            }
        }
    }

    void secondDeliveryComesFromTheCache()
    {
        deliver(QStringLiteral("FR"), QStringLiteral("iOS"), QStringLiteral("com.first.time"));
        studio_.session().engine().cache().waitForRefills();
        QVERIFY(studio_.click(QStringLiteral("simulate")));
        QCOMPARE(deliveredCodes(), QStringList{QStringLiteral("duolingo")});
        QCOMPARE(panel()->deliveredTable()->item(0, 3)->text(), QStringLiteral("cache"));
    }

    void whyNotForOneCampaign()
    {
        deliver(QStringLiteral("US"), QStringLiteral("iOS"), QStringLiteral("x"));
        auto *whyNot = panel()->findChild<QComboBox *>(QStringLiteral("whyNot"));
        const int duolingo = whyNot->findText(QStringLiteral("duolingo"), Qt::MatchStartsWith);
        QVERIFY(duolingo > 0);
        whyNot->setCurrentIndex(duolingo);
        QTableWidget *explain = panel()->explainTable();
        QCOMPARE(explain->rowCount(), 1);
        QCOMPARE(explain->item(0, 1)->text(), QStringLiteral("duolingo"));
        QCOMPARE(explain->item(0, 2)->text(), QStringLiteral("rejected"));
        QVERIFY2(explain->item(0, 3)->text().startsWith(QLatin1String("excluded")), qPrintable(explain->item(0, 3)->text()));
        whyNot->setCurrentIndex(0);
        QCOMPARE(explain->rowCount(), 3);
        panel()->findChild<QCheckBox *>()->setChecked(true); // only campaigns not delivered
        QCOMPARE(explain->rowCount(), 2);
        panel()->findChild<QCheckBox *>()->setChecked(false);
    }

    void whatIfHeatMap()
    {
        WhatIfGrid *grid = panel()->whatIf();
        QVERIFY(studio_.type(grid, QStringLiteral("gridCountries"), QStringLiteral("US, DE")));
        QVERIFY(studio_.type(grid, QStringLiteral("gridSystems"), QStringLiteral("Android, Windows")));
        QVERIFY(studio_.type(grid, QStringLiteral("gridApp"), QStringLiteral("com.gametion.ludokinggame")));
        QVERIFY(studio_.click(QStringLiteral("computeGrid")));
        QTableWidget *table = grid->table();
        QCOMPARE(table->rowCount(), 2);
        QCOMPARE(table->columnCount(), 2);
        QCOMPARE(table->item(0, 0)->data(Qt::UserRole).toInt(), 2); // US Android: spotify, subwaysurfer
        QCOMPARE(table->item(0, 1)->data(Qt::UserRole).toInt(), 1); // US Windows: spotify
        QCOMPARE(table->item(1, 0)->data(Qt::UserRole).toInt(), 2); // DE Android: duolingo, subwaysurfer
        QCOMPARE(table->item(1, 1)->data(Qt::UserRole).toInt(), 0);
        QVERIFY(table->item(0, 0)->toolTip().contains(QLatin1String("subwaysurfer")));
        QVERIFY(table->item(0, 0)->background() != table->item(1, 1)->background());
    }

    // A campaign created through the store brings its new app to the simulator's completer.
    // The values are read once for every panel, off the GUI thread: the simulator and the
    // campaign editor complete from the same list, which a background read refreshes.
    void completesAppsNewInTheStore()
    {
        const QString app = QStringLiteral("com.example.freshlyadded");
        auto *appInput = panel()->findChild<QLineEdit *>(QStringLiteral("simApp"));
        QVERIFY(appInput && appInput->completer());
        const auto *offered = qobject_cast<QStringListModel *>(appInput->completer()->model());
        QVERIFY(offered);
        ValueCatalog &catalog = studio_.session().valueCatalog();
        QCOMPARE(offered, catalog.model(Dimension::App));
        auto *editorAppList = studio_.window().campaigns()->findChild<ValueListEditor *>(QStringLiteral("app.include"));
        QVERIFY(editorAppList);
        QCOMPARE(editorAppList->findChild<QLineEdit *>(QStringLiteral("valueInput"))->completer()->model(), offered);
        QTRY_VERIFY(offered->stringList().contains(QStringLiteral("com.gametion.ludokinggame"))); // a sample's app
        QVERIFY(!offered->stringList().contains(app));

        QSignalSpy backgroundReads(catalog.loader(), &BackgroundJob::started);
        const CampaignWithRules campaign =
            test::campaign(QStringLiteral("freshlyadded"), {test::rule(Dimension::App, RuleType::Include, {app})});
        const auto created = studio_.session().engine().store().create(campaign);
        QVERIFY2(created.ok(), qPrintable(created.message));

        QTRY_VERIFY(offered->stringList().contains(app));
        QVERIFY(!backgroundReads.isEmpty());
        // As a user sees it: typing part of the app offers it.
        QVERIFY(studio_.type(panel(), QStringLiteral("simApp"), QStringLiteral("freshly")));
        QCompleter *completer = appInput->completer();
        QCOMPARE(completer->completionCount(), 1);
        QCOMPARE(completer->currentCompletion(), app);
    }

    void copyAsCurl()
    {
        deliver(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("a b&c"));
        QVERIFY(studio_.click(QStringLiteral("copyCurl")));
        const QString curl = QApplication::clipboard()->text();
        QVERIFY2(curl.startsWith(QLatin1String("curl -i 'http://127.0.0.1:")), qPrintable(curl));
        QVERIFY2(curl.endsWith(QLatin1String("/v1/delivery?app=a%20b%26c&country=US&os=Android'")), qPrintable(curl));
    }
};

QTEST_MAIN(TestSimulatorPanel)
#include "tst_gui_simulator.moc"
