// The campaigns panel, driven through its widgets: editing targeting changes what the
// simulator and the live endpoint deliver; activating and deactivating from the table
// changes the store and the delivery answer; validation at the fields; undo/redo; an edit
// made meanwhile elsewhere is shown as a conflict, not overwritten; import and export
// (serving times have tst_gui_serving, the generator tst_gui_generator). Runs on SQLite
// and on PostgreSQL.
#include "StudioFixture.h"

#include "campaigns/CampaignCatalog.h"
#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignTransfer.h"
#include "campaigns/CampaignsPanel.h"
#include "campaigns/DayPartingGrid.h"
#include "campaigns/ServingTimesEditor.h"
#include "campaigns/ValueListEditor.h"
#include "common/BackgroundJob.h"
#include "common/TextTableModel.h"
#include "server/ServerPanel.h"
#include "simulator/SimulatorPanel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTimeEdit>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimeZone>
#include <QToolBar>

using namespace adserve;
using namespace adserve::test;

class TestCampaignsPanel : public StudioTestCase
{
    Q_OBJECT

private:
    // The codes the endpoint delivers for the request (none on 204).
    static QStringList deliveredCodes(StudioFixture &studio, const QString &country, const QString &os,
                                      const QString &app)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("app"), app);
        query.addQueryItem(QStringLiteral("country"), country);
        query.addQueryItem(QStringLiteral("os"), os);
        const HttpReply reply = studio.session().api().handle({"GET", QStringLiteral("/v1/delivery"), query, {}, {}});
        QStringList codes;
        for (const QJsonValue &item : QJsonDocument::fromJson(reply.body).array())
            codes.append(item.toObject().value(QStringLiteral("cid")).toString());
        return codes;
    }

    static QString shownStatus(StudioFixture &studio, const QString &code)
    {
        CampaignTableModel *model = studio.window().campaigns()->model();
        const int row = model->rowOf(studio.campaignId(code));
        return row < 0 ? QString() : model->index(row, CampaignTableModel::Status).data().toString();
    }

private Q_SLOTS:
    void editingTargetingChangesSimulatorAndEndpoint()
    {
        MainWindow &window = studio_->window();

        // Before: a US Android request in Ludo King gets subwaysurfer.
        SimulatorPanel *simulator = window.simulator();
        window.tabs()->setCurrentWidget(simulator);
        QVERIFY(studio_->type(simulator, QStringLiteral("simCountry"), QStringLiteral("US")));
        QVERIFY(studio_->type(simulator, QStringLiteral("simOs"), QStringLiteral("Android")));
        QVERIFY(studio_->type(simulator, QStringLiteral("simApp"), QStringLiteral("com.gametion.ludokinggame")));
        QVERIFY(studio_->click(QStringLiteral("simulate")));
        QVERIFY(simulator->job()->waitForFinished());
        QCOMPARE(simulator->responseStatus(), 200);
        QVERIFY2(simulator->responseBody().contains("\"subwaysurfer\""), simulator->responseBody());

        // The live endpoint agrees.
        window.tabs()->setCurrentWidget(window.server());
        window.server()->findChild<QSpinBox *>(QStringLiteral("serverPort"))->setValue(0);
        QVERIFY(studio_->click(QStringLiteral("startServer")));
        QVERIFY(studio_->session().server().isRunning());
        const QString url = studio_->session().server().url()
                            + QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android");
        auto [status, body] = StudioFixture::httpGet(url);
        QCOMPARE(status, 200);
        QVERIFY2(body.contains("\"subwaysurfer\""), body);
        QCOMPARE(body, simulator->responseBody()); // the simulator shows exactly what the endpoint answers

        // Edit: subwaysurfer now excludes the US.
        window.tabs()->setCurrentWidget(window.campaigns());
        QVERIFY(studio_->clickCampaign(QStringLiteral("subwaysurfer")));
        CampaignEditor *editor = window.campaigns()->editor();
        QCOMPARE(editor->edited().campaign.code, QStringLiteral("subwaysurfer"));
        auto *exclude = editor->findChild<ValueListEditor *>(QStringLiteral("country.exclude"));
        QVERIFY(exclude);
        QVERIFY(studio_->type(exclude, QStringLiteral("valueInput"), QStringLiteral("US"), true));
        QCOMPARE(exclude->values(), QStringList{QStringLiteral("US")});
        QVERIFY(editor->isDirty());
        QVERIFY(studio_->click(QStringLiteral("save")));
        QVERIFY2(!editor->isDirty(), qPrintable(editor->fieldError(QStringLiteral("general"))));

        // After: the simulator says why not, and the endpoint no longer delivers it.
        window.tabs()->setCurrentWidget(simulator);
        QVERIFY(studio_->click(QStringLiteral("simulate")));
        QVERIFY(simulator->job()->waitForFinished());
        QVERIFY2(!simulator->responseBody().contains("\"subwaysurfer\""), simulator->responseBody());
        const TextTableModel *explain = simulator->explainTable();
        bool explained = false;
        for (int row = 0; row < explain->rowCount(); ++row) {
            if (explain->text(row, 1) == QLatin1String("subwaysurfer")) {
                QCOMPARE(explain->text(row, 2), QStringLiteral("rejected"));
                QVERIFY2(explain->text(row, 6).contains(QLatin1String("is in EXCLUDE country: US")), qPrintable(explain->text(row, 6)));
                explained = true;
            }
        }
        QVERIFY(explained);
        std::tie(status, body) = StudioFixture::httpGet(url);
        QVERIFY2(status == 200 || status == 204, qPrintable(QString::number(status)));
        QVERIFY2(!body.contains("\"subwaysurfer\""), body);
        QVERIFY(studio_->click(QStringLiteral("stopServer")));
    }

    void statusFromTheTable_data()
    {
        QTest::addColumn<QStringList>("inactiveBefore"); // made inactive through the store first
        QTest::addColumn<QStringList>("selected");       // rows picked in the table
        QTest::addColumn<QString>("tool");
        QTest::addColumn<QString>("status");             // of the selected campaigns, after
        QTest::addColumn<QStringList>("delivered");      // for US / Android / Ludo King, after
        // Before, all three samples are active and spotify and subwaysurfer are delivered.
        QTest::newRow("deactivate one") << QStringList{} << QStringList{"subwaysurfer"} << "deactivateCampaign"
                                        << "INACTIVE" << QStringList{"spotify"};
        QTest::newRow("deactivate two") << QStringList{} << QStringList{"spotify", "subwaysurfer"}
                                        << "deactivateCampaign" << "INACTIVE" << QStringList{};
        QTest::newRow("activate one") << QStringList{"subwaysurfer"} << QStringList{"subwaysurfer"}
                                      << "activateCampaign" << "ACTIVE" << QStringList{"spotify", "subwaysurfer"};
        QTest::newRow("activate one of two") << QStringList{"spotify", "subwaysurfer"} << QStringList{"spotify"}
                                             << "activateCampaign" << "ACTIVE" << QStringList{"spotify"};
    }

    void statusFromTheTable()
    {
        QFETCH(QStringList, inactiveBefore);
        QFETCH(QStringList, selected);
        QFETCH(QString, tool);
        QFETCH(QString, status);
        QFETCH(QStringList, delivered);
        CampaignStore &store = studio_->session().engine().store();
        const QString country = QStringLiteral("US"), os = QStringLiteral("Android");
        const QString app = QStringLiteral("com.gametion.ludokinggame");
        for (const QString &code : inactiveBefore) {
            QVERIFY(store.setStatus(studio_->campaignId(code), kStatusInactive).ok());
            QTRY_COMPARE(shownStatus(*studio_, code), kStatusInactive);
        }
        // Delivered once before, so the cache holds the campaigns' details.
        const QStringList before = deliveredCodes(*studio_, country, os, app);
        for (const QString &code : selected)
            QCOMPARE(before.contains(code), !inactiveBefore.contains(code));

        QVERIFY(studio_->clickCampaign(selected.first()));
        for (const QString &code : selected.mid(1))
            QVERIFY(studio_->clickCampaign(code, Qt::ControlModifier));
        QCOMPARE(studio_->window().campaigns()->selectedIds().size(), selected.size());
        QVERIFY(studio_->clickCampaignsTool(tool));
        QVERIFY(studio_->window().campaigns()->job()->waitForFinished()); // one transaction, in the background

        for (const QString &code : selected) {
            QCOMPARE(store.campaign(studio_->campaignId(code)).value.campaign.status, status);
            QTRY_COMPARE(shownStatus(*studio_, code), status);
        }
        QCOMPARE(deliveredCodes(*studio_, country, os, app), delivered);
        // The campaign in the editor follows the change.
        QCOMPARE(studio_->window().campaigns()->editor()->edited().campaign.status, status);
    }

    void validationMessagesAtTheFields()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo")));
        CampaignEditor *editor = studio_->window().campaigns()->editor();
        QVERIFY(studio_->type(editor, QStringLiteral("image"), QStringLiteral("not a url")));
        QVERIFY(!editor->fieldError(QStringLiteral("image")).isEmpty());
        QVERIFY(studio_->type(editor, QStringLiteral("code"), QStringLiteral("spotify")));
        QVERIFY2(editor->fieldError(QStringLiteral("code")).contains(QLatin1String("already used")),
                 qPrintable(editor->fieldError(QStringLiteral("code"))));
        QVERIFY(studio_->click(QStringLiteral("save")));
        QVERIFY(editor->isDirty()); // not saved
        const auto stored = studio_->session().engine().store().campaign(studio_->campaignId(QStringLiteral("duolingo")));
        QCOMPARE(stored.value.campaign.image, QStringLiteral("https://somelink2"));
        // Fixing the fields clears the messages.
        QVERIFY(studio_->type(editor, QStringLiteral("image"), QStringLiteral("https://cdn.example.com/d.png")));
        QVERIFY(studio_->type(editor, QStringLiteral("code"), QStringLiteral("duolingo")));
        QVERIFY(editor->fieldError(QStringLiteral("image")).isEmpty());
        QVERIFY(editor->fieldError(QStringLiteral("code")).isEmpty());
    }

    void undoAndRedo()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        CampaignEditor *editor = studio_->window().campaigns()->editor();
        const CampaignWithRules before = editor->edited();
        QVERIFY(studio_->type(editor, QStringLiteral("name"), QStringLiteral("Spotify Premium")));
        auto *include = editor->findChild<ValueListEditor *>(QStringLiteral("os.include"));
        QVERIFY(studio_->type(include, QStringLiteral("valueInput"), QStringLiteral("iOS"), true));
        QCOMPARE(editor->edited().campaign.name, QStringLiteral("Spotify Premium"));
        QCOMPARE(include->values(), QStringList{QStringLiteral("iOS")});

        QVERIFY(studio_->click(QStringLiteral("undo")));
        QVERIFY(include->values().isEmpty());
        QCOMPARE(editor->edited().campaign.name, QStringLiteral("Spotify Premium"));
        QVERIFY(studio_->click(QStringLiteral("undo"))); // typing the name was one step
        QCOMPARE(editor->edited().campaign.name, before.campaign.name);
        QVERIFY(!editor->isDirty());
        QVERIFY(studio_->click(QStringLiteral("redo")));
        QVERIFY(studio_->click(QStringLiteral("redo")));
        QCOMPARE(editor->edited().campaign.name, QStringLiteral("Spotify Premium"));
        QCOMPARE(include->values(), QStringList{QStringLiteral("iOS")});
    }

    // A save reads the table once, and shows the campaign as saved.
    void aSaveReadsTheTableOnce()
    {
        CampaignsPanel *panel = studio_->window().campaigns();
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        QSignalSpy reads(panel->loader(), &BackgroundJob::started);
        QVERIFY(studio_->type(panel->editor(), QStringLiteral("name"), QStringLiteral("Saved here")));
        QVERIFY(studio_->click(QStringLiteral("save")));
        QVERIFY(!panel->editor()->isDirty());
        QTest::qWait(600); // past the 250 ms in which change notifications are gathered
        QVERIFY(studio_->waitForCampaigns());
        QCOMPARE(reads.count(), 1);
        const qsizetype index = panel->model()->catalog().indexOf(studio_->campaignId(QStringLiteral("spotify")));
        QCOMPARE(panel->model()->catalog().text(index, CampaignCatalog::Text::Name), QStringLiteral("Saved here"));
    }

    void aConcurrentEditIsShownNotOverwritten()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        CampaignEditor *editor = studio_->window().campaigns()->editor();
        const qint64 id = editor->campaignId();

        // Someone else (another instance on the same database) changes the campaign.
        QString error;
        auto other = CampaignStore::open(studio_->session().config().database, &error);
        QVERIFY2(other, qPrintable(error));
        QTest::qWait(5); // a later updated_at
        auto theirs = other->campaign(id).value;
        theirs.campaign.name = QStringLiteral("Changed elsewhere");
        QVERIFY(other->update(theirs).ok());

        QVERIFY(studio_->type(editor, QStringLiteral("name"), QStringLiteral("Changed here")));
        QVERIFY(studio_->click(QStringLiteral("save")));
        QVERIFY2(!editor->conflictMessage().isEmpty(), "the conflict is shown");
        QVERIFY(editor->isDirty()); // the user's edits are kept
        QCOMPARE(studio_->session().engine().store().campaign(id).value.campaign.name, QStringLiteral("Changed elsewhere"));

        QVERIFY(studio_->click(QStringLiteral("reloadAfterConflict")));
        QCOMPARE(editor->edited().campaign.name, QStringLiteral("Changed elsewhere"));
        QVERIFY(!editor->isDirty());
    }

    void importAndExport()
    {
        CampaignsPanel *panel = studio_->window().campaigns();
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("in.csv"));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray weekends = QByteArray("000000000000000000000000 ").repeated(5) + "111111111111111111111111 111111111111111111111111";
        file.write("code,name,image,cta,status,country_include,country_exclude,os_include,os_exclude,app_include,app_exclude,"
                   "priority,flight_start,flight_end,time_zone,serving_hours\r\n"
                   "ludo,\"Ludo, the game\",https://cdn.example.com/l.png,Play,ACTIVE,IN|BD,,Android,,,,"
                   "2,2026-12-24T09:00:00+05:30,,Asia/Kolkata," + weekends + "\r\n"
                   "spotify,duplicate,https://x.example.com/a.png,Go,ACTIVE,,,,,,\r\n");
        file.close();
        StudioFixture::acceptNextDialog(QString()); // the report of problems (the duplicate code)
        panel->startImport(csv);
        QVERIFY(panel->job()->waitForFinished(30000));
        QVERIFY(studio_->waitForCampaigns());
        QTRY_VERIFY(studio_->campaignId(QStringLiteral("ludo")) != 0);
        const auto ludo = studio_->session().engine().store().campaign(studio_->campaignId(QStringLiteral("ludo"))).value;
        QCOMPARE(ludo.campaign.name, QStringLiteral("Ludo, the game"));
        QCOMPARE(ludo.rules.size(), 2);
        QCOMPARE(ludo.campaign.priority, 2);
        QCOMPARE(ludo.campaign.serving.flightStart, QDateTime(QDate(2026, 12, 24), QTime(3, 30), QTimeZone::utc()));
        QVERIFY(ludo.campaign.serving.dayParting.has_value());
        QCOMPARE(ludo.campaign.serving.dayParting->describe(), QStringLiteral("Sat–Sun 00–24 Asia/Kolkata"));

        const QString json = dir.filePath(QStringLiteral("out.json"));
        QString error;
        QVERIFY2(panel->exportTo(json, &error), qPrintable(error));
        const auto parsed = CampaignTransfer::readFile(json);
        QVERIFY2(parsed.errors.isEmpty(), qPrintable(parsed.errors.join('\n')));
        QCOMPARE(parsed.campaigns.size(), panel->model()->rowCount());
        const QString csvOut = dir.filePath(QStringLiteral("out.csv"));
        QVERIFY(panel->exportTo(csvOut, &error));
        const auto again = CampaignTransfer::readFile(csvOut);
        QCOMPARE(again.campaigns.size(), panel->model()->rowCount());
        QCOMPARE(again.campaigns.last().campaign.name, QStringLiteral("Ludo, the game"));
        QCOMPARE(again.campaigns.last().campaign.priority, 2);
        QCOMPARE(again.campaigns.last().campaign.serving, ludo.campaign.serving);
    }

};

QTEST_MAIN(TestCampaignsPanel)
#include "tst_gui_campaigns.moc"
