// The Reach panel over a real store (SQLite and PostgreSQL): the traffic rows are added with
// the store's traffic table, the campaigns with targeting written here, and every figure the
// panel shows (a campaign's forecast, the store-wide report, its CSV) is checked against the
// targeting contract worked out again by the test (ForecastReference), row by row. Importing
// a file through the panel adds its requests, a bad file adds none, and a connection switch
// leaves nothing of the old store.
#include "../unit/ForecastReference.h"
#include "StudioFixture.h"
#include "TestCampaigns.h"

#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "common/TextTableModel.h"
#include "reach/DailyReachChart.h"
#include "reach/ForecastView.h"
#include "reach/ReachPanel.h"
#include "reach/ReachReportView.h"
#include "reach/ReachTableModel.h"
#include "reach/RecordedTrafficSource.h"
#include "reach/TrafficFileImport.h"
#include "settings/ConnectionSettings.h"
#include "store/CampaignStore.h"
#include "traffic/TrafficTable.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <map>

using namespace adserve;
using namespace adserve::test;

namespace {

// The start of the current UTC hour: recorded rows sit before it, inside any window.
qint64 thisHour()
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return now - now % 3600;
}

TrafficRow at(qint64 hourStart, const QString &country, const QString &os, const QString &app, qint64 requests)
{
    return {hourStart, country, os, app, requests};
}

// Three days of traffic (one of them three days ago), values spelled as they come, one
// country folded into OTHER by a recorder, one row blocked in two dimensions.
QList<TrafficRow> recordedRows()
{
    const qint64 h = thisHour();
    const qint64 yesterday = h - 86400 - 7200, threeDaysAgo = h - 3 * 86400;
    return {at(h, "US", "Android", "com.game", 120),          at(h, "CA", "android", "com.news", 45),
            at(h, "US", "iOS", "com.game", 70),               at(h, "DE", "Android", "com.game", 33),
            at(h, kOther, "Android", "com.game", 7),          at(h, "FR", "Windows", "com.chat", 12),
            at(yesterday, "US", "Android", "com.news", 60),   at(yesterday, "CA", "Windows", "com.game", 25),
            at(yesterday, "GB", "Android", "com.game", 18),   at(threeDaysAgo, "US", "Android", "com.game", 40),
            at(threeDaysAgo, "us ", "iOS", "com.news", 9),    at(threeDaysAgo, "BR", "android", "com.chat", 5)};
}

QList<CampaignWithRules> reachCampaigns()
{
    CampaignWithRules paused = campaign("reach_paused", {rule(Country, In, {"US"})});
    paused.campaign.status = kStatusInactive;
    return {campaign("reach_focus", {rule(Country, In, {"US", "CA"}), rule(Os, Ex, {"iOS"}), rule(App, In, {"com.game", "com.news"})}),
            campaign("reach_android", {rule(Os, In, {"Android"})}),
            campaign("reach_games", {rule(App, In, {"com.game"})}),
            paused,
            campaign("reach_nowhere", {rule(Country, In, {"ZZ"})})};
}

QString count(qint64 n)
{
    return QLocale().toString(n);
}

QString percent(qint64 part, qint64 whole)
{
    return QStringLiteral("%1 %").arg(100.0 * double(part) / double(whole), 0, 'f', 1);
}

// A table's first column -> its second as a number ("1,234" read back).
std::map<QString, qint64> countsOf(const TextTableModel *table, int keyColumn = 0, int countColumn = 1)
{
    std::map<QString, qint64> map;
    for (int row = 0; row < table->rowCount(); ++row)
        map[table->text(row, keyColumn)] = QLocale().toLongLong(table->text(row, countColumn));
    return map;
}

} // namespace

class TestReachPanel : public StudioTestCase
{
    Q_OBJECT

    QList<CampaignWithRules> stored_; // every campaign of the store, as it holds them
    QList<TrafficRow> rows_;

    ReachPanel *panel() { return studio_->window().reach(); }
    Engine &engine() { return studio_->session().engine(); }

    const CampaignWithRules &storedCampaign(const QString &code)
    {
        for (const CampaignWithRules &c : std::as_const(stored_)) {
            if (c.campaign.code == code)
                return c;
        }
        qFatal("no campaign %s", qPrintable(code));
    }

    // Waits until the traffic is read and no forecast is under way.
    bool settled()
    {
        const RecordedTrafficSource &source = studio_->session().recordedTraffic();
        for (int i = 0; i < 400; ++i) {
            if (source.current() && !source.isReading() && !panel()->forecastJob()->isRunning()
                && !panel()->importer()->job()->isRunning())
                return true;
            QTest::qWait(25);
        }
        return false;
    }

    qint64 storedRequests()
    {
        const auto totals = TrafficTable(engine().store().sessions()).totals(0, thisHour() + 3600);
        return totals.ok() ? totals.value.requests : -1;
    }

private Q_SLOTS:
    void init()
    {
        StudioTestCase::init();
        QVERIFY(studio_);
        QVERIFY(engine().store().insertMany(reachCampaigns()).ok());
        // The index follows the store's change log.
        QTRY_VERIFY_WITH_TIMEOUT(engine().matcher().snapshot()->idOfCode(QStringLiteral("reach_nowhere")), 15000);
        const auto all = engine().store().targeting();
        QVERIFY(all.ok());
        stored_ = all.value;
        rows_ = recordedRows();
        QVERIFY(TrafficTable(engine().store().sessions()).add(rows_).ok());
        studio_->window().tabs()->setCurrentWidget(panel());
        studio_->session().recordedTraffic().refresh();
        QVERIFY(settled());
    }

    void forecastOfACampaign()
    {
        const CampaignWithRules &focus = storedCampaign(QStringLiteral("reach_focus"));
        const Expected e = expectedFor(focus.rules, rows_);
        QCOMPARE(e.matching, qint64(290)); // worked out by hand from the rows as well
        QVERIFY(studio_->type(panel(), QStringLiteral("reachCampaign"), QStringLiteral("reach_focus"), true));
        QCOMPARE(panel()->campaign(), focus.campaign.id);
        QVERIFY(settled());
        const ForecastView *view = panel()->forecast();

        // Matching and share of recorded, the serving state beside.
        const QString summary = view->summary();
        QVERIFY2(summary.contains(count(e.matching) + QStringLiteral("</b> matching requests")), qPrintable(summary));
        QVERIFY2(summary.contains(percent(e.matching, e.recorded)), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("of %1 recorded").arg(count(e.recorded))), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("serving now")), qPrintable(summary));

        // The trend: a point per UTC day from the first recorded to the last, days without requests at 0.
        std::map<QDate, qint64> recordedByDay;
        for (const TrafficRow &r : std::as_const(rows_))
            recordedByDay[QDateTime::fromSecsSinceEpoch(r.hourStart, QTimeZone::utc()).date()] += r.requests;
        const QDate first = recordedByDay.begin()->first, last = recordedByDay.rbegin()->first;
        const QList<QPointF> matching = view->trend()->matchingPoints(), recorded = view->trend()->recordedPoints();
        QCOMPARE(matching.size(), first.daysTo(last) + 1);
        QCOMPARE(recorded.size(), matching.size());
        for (int i = 0; i < matching.size(); ++i) {
            const QDate day = first.addDays(i);
            QCOMPARE(qint64(matching[i].x()), day.startOfDay(QTimeZone::utc()).toMSecsSinceEpoch());
            QCOMPARE(qint64(matching[i].y()), e.byDay.count(day) ? e.byDay.at(day) : 0);
            QCOMPARE(qint64(recorded[i].y()), recordedByDay.count(day) ? recordedByDay.at(day) : 0);
        }

        // The breakdown of the matching requests by country, OS and app (few values: all in the top).
        for (Dimension d : kDimensions)
            QCOMPARE(countsOf(view->breakdown(d)), e.byValue[size_t(d)]);
        QCOMPARE(view->breakdown(Country)->text(0, 2), percent(e.byValue[size_t(Country)].at("us"), e.matching));

        // Overlap: the campaigns serving now that match its matching requests too.
        std::map<QString, qint64> overlap;
        for (const CampaignWithRules &other : std::as_const(stored_)) {
            if (other.campaign.id == focus.campaign.id || !servesAt(other.campaign, QDateTime::currentDateTimeUtc()))
                continue;
            qint64 shared = 0;
            for (const TrafficRow *r : e.matchingRows)
                shared += targetingMatches(other.rules, *r) ? r->requests : 0;
            if (shared)
                overlap[QStringLiteral("%1 (#%2)").arg(other.campaign.code).arg(other.campaign.id)] = shared;
        }
        QVERIFY(overlap.count(QStringLiteral("reach_android (#%1)").arg(storedCampaign("reach_android").campaign.id)));
        QCOMPARE(countsOf(view->overlap()), overlap);

        // Loss by rule: blocked requests, their share of recorded, those it alone blocks.
        const qint64 osRule = focus.rules[1].id;
        const std::map<QString, QString> ruleText{{"INCLUDE country", "INCLUDE country: US, CA"},
                                                  {QStringLiteral("EXCLUDE #%1").arg(osRule), "EXCLUDE os: iOS"},
                                                  {"INCLUDE app", "INCLUDE app: com.game, com.news"}};
        std::map<QString, qint64> blocked, alone;
        for (const auto &[key, requests] : e.blocked)
            blocked[ruleText.at(key)] = requests;
        for (const auto &[key, requests] : e.alone)
            alone[ruleText.at(key)] = requests;
        for (const auto &[text, requests] : blocked)
            alone.try_emplace(text, 0);
        QCOMPARE(countsOf(view->loss()), blocked);
        QCOMPARE(countsOf(view->loss(), 0, 3), alone);
        for (int row = 0; row < view->loss()->rowCount(); ++row)
            QCOMPARE(view->loss()->text(row, 2), percent(blocked.at(view->loss()->text(row, 0)), e.recorded));
        // The OTHER country: nobody can say.
        QCOMPARE(e.unattributed, 7);
        QVERIFY2(view->unattributedLine().startsWith(count(e.unattributed) + QStringLiteral(" requests")),
                 qPrintable(view->unattributedLine()));

        // A paused campaign still gets its forecast, its state said beside it.
        const CampaignWithRules &paused = storedCampaign(QStringLiteral("reach_paused"));
        panel()->showCampaign(paused.campaign.id);
        QVERIFY(settled());
        QVERIFY(view->summary().contains(count(expectedFor(paused.rules, rows_).matching) + QStringLiteral("</b> matching")));
        QVERIFY2(view->summary().contains(QStringLiteral("not serving: status INACTIVE")), qPrintable(view->summary()));

        // Typed by id as well; an unknown code is said so.
        QVERIFY(studio_->type(panel(), QStringLiteral("reachCampaign"), QString::number(focus.campaign.id), true));
        QCOMPARE(panel()->campaign(), focus.campaign.id);
        QVERIFY(settled());
        QVERIFY(studio_->type(panel(), QStringLiteral("reachCampaign"), QStringLiteral("no_such_code"), true));
        QCOMPARE(panel()->campaign(), 0);
        QVERIFY(view->summary().contains(QStringLiteral("No campaign has the code or id")));
        QCOMPARE(view->overlap()->rowCount(), 0);
    }

    void overlapOpensTheCampaign()
    {
        panel()->showCampaign(storedCampaign(QStringLiteral("reach_focus")).campaign.id);
        QVERIFY(settled());
        QTableView *view = panel()->forecast()->overlapView();
        QVERIFY(view->model()->rowCount() > 0);
        QSignalSpy opened(panel(), &ReachPanel::openCampaign);
        const QString first = panel()->forecast()->overlap()->text(0, 0);
        const QRect cell = view->visualRect(view->model()->index(0, 0));
        // As a hand does it: a click, then the second one a double-click (an item view acts on a
        // double-click only where it saw the press).
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, cell.center());
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(opened.size(), 1);
        const qint64 id = opened.first().first().toLongLong();
        QVERIFY(first.endsWith(QStringLiteral("(#%1)").arg(id)));
        QCOMPARE(studio_->window().tabs()->currentWidget(), studio_->window().campaigns());
    }

    // From the campaigns table: the selected campaign's reach, in the Reach panel.
    void campaignsTableShowsTheSelectedCampaignsReach()
    {
        studio_->window().tabs()->setCurrentWidget(studio_->window().campaigns());
        QTRY_VERIFY_WITH_TIMEOUT(studio_->campaignId(QStringLiteral("reach_focus")) != 0, 15000); // the table follows the store
        QVERIFY(studio_->clickCampaign(QStringLiteral("reach_focus")));
        QVERIFY(studio_->clickCampaignsTool(QStringLiteral("showReach")));
        QCOMPARE(studio_->window().tabs()->currentWidget(), panel());
        QCOMPARE(panel()->campaign(), storedCampaign(QStringLiteral("reach_focus")).campaign.id);
        QVERIFY(settled());
        QVERIFY2(panel()->forecast()->summary().contains(QStringLiteral("reach_focus")), qPrintable(panel()->forecast()->summary()));
    }

    void storeWideReport()
    {
        ReachReportView *report = panel()->report();
        QVERIFY(studio_->click(QStringLiteral("countReach"), report));
        QVERIFY(report->job()->waitForFinished());
        std::map<qint64, qint64> expected; // id -> matching, by targeting alone
        qint64 unreached = 0, recorded = 0;
        for (const TrafficRow &r : std::as_const(rows_))
            recorded += r.requests;
        for (const CampaignWithRules &c : std::as_const(stored_)) {
            qint64 matching = 0;
            for (const TrafficRow &r : std::as_const(rows_))
                matching += targetingMatches(c.rules, r) ? r.requests : 0;
            expected[c.campaign.id] = matching;
            unreached += matching == 0;
        }
        QVERIFY(unreached >= 1); // reach_nowhere
        const ReachTableModel *model = report->campaigns();
        QCOMPARE(model->rowCount(), int(stored_.size()));
        std::map<qint64, qint64> shown;
        for (int row = 0; row < model->rowCount(); ++row) {
            shown[model->campaignAt(row)->id] = QLocale().toLongLong(model->index(row, ReachTableModel::Matching).data().toString());
            if (row > 0) // by reach, most first
                QVERIFY(model->campaignAt(row - 1)->matching >= model->campaignAt(row)->matching);
        }
        QCOMPARE(shown, expected);
        const qint64 focus = storedCampaign(QStringLiteral("reach_focus")).campaign.id;
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->campaignAt(row)->id == focus)
                QCOMPARE(model->index(row, ReachTableModel::Share).data().toString(), percent(expected[focus], recorded));
        }
        QVERIFY2(report->status().contains(QStringLiteral("%1 campaigns no recorded request matches").arg(unreached)),
                 qPrintable(report->status()));

        // Only the campaigns nothing matches.
        report->findChild<QCheckBox *>(QStringLiteral("unreachedOnly"))->setChecked(true);
        QCOMPARE(model->rowCount(), int(unreached));
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(expected[model->campaignAt(row)->id], 0);

        // The most contested request: as many campaigns as any row is matched by.
        int most = 0;
        for (const TrafficRow &r : std::as_const(rows_)) {
            int campaigns = 0;
            for (const CampaignWithRules &c : std::as_const(stored_))
                campaigns += targetingMatches(c.rules, r);
            most = std::max(most, campaigns);
        }
        QVERIFY(report->contested()->rowCount() > 0);
        QCOMPARE(report->contested()->text(0, 4).toInt(), most);

        // The CSV: a line per campaign with what it matches.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("reach.csv"));
        QString error;
        QVERIFY2(report->exportCsv(path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        QCOMPARE(lines.first().trimmed(), QByteArray("id,code,deliverable,matching,share"));
        std::map<qint64, qint64> exported;
        for (const QByteArray &line : lines.mid(1)) {
            const QList<QByteArray> fields = line.trimmed().split(',');
            QCOMPARE(fields.size(), 5);
            exported[fields[0].toLongLong()] = fields[3].toLongLong();
        }
        QCOMPARE(exported, expected);
        // Export CSV… once its file is chosen: the same file, written in the background.
        const QString chosen = dir.filePath(QStringLiteral("chosen.csv"));
        QSignalSpy told(report, &ReachReportView::message);
        QVERIFY(report->startExport(chosen));
        QVERIFY(report->job()->waitForFinished());
        QCOMPARE(told.size(), 1);
        QCOMPARE(told.first().first().toString(), QStringLiteral("Reach exported to %1").arg(chosen));
        QFile written(chosen);
        QVERIFY(written.open(QIODevice::ReadOnly));
        file.seek(0);
        QCOMPARE(written.readAll(), file.readAll());
        QVERIFY(!report->exportCsv(dir.filePath(QStringLiteral("no/such/folder/reach.csv")), &error));
        QVERIFY(error.contains(QStringLiteral("cannot be written")));
    }

    void importsATrafficFile()
    {
        QTemporaryDir dir;
        qint64 before = 0;
        for (const TrafficRow &r : std::as_const(rows_))
            before += r.requests;
        QCOMPARE(storedRequests(), before);
        const auto write = [&dir](const QString &name, const QByteArray &text) {
            QFile file(dir.filePath(name));
            file.open(QIODevice::WriteOnly);
            file.write(text);
            return file.fileName();
        };
        const QByteArray hour = QByteArray::number(thisHour());
        // A bad line: nothing of the file is added, the line is named.
        panel()->importFile(write("bad.csv", "country,os,app,requests,hour\nUS,Android,com.game,11," + hour
                                                  + "\nUS,Android,com.game,many," + hour + "\n"));
        QVERIFY(panel()->importer()->job()->waitForFinished());
        QVERIFY2(panel()->importMessage().contains(QStringLiteral("line 3")), qPrintable(panel()->importMessage()));
        QVERIFY(panel()->importMessage().contains(QStringLiteral("Nothing was imported")));
        QCOMPARE(storedRequests(), before);
        // Neither CSV nor log nor JSON.
        panel()->importFile(write("notes", "hello\n"));
        QVERIFY(panel()->importer()->job()->waitForFinished());
        QVERIFY2(panel()->importMessage().contains(QStringLiteral("not a CSV")), qPrintable(panel()->importMessage()));
        QCOMPARE(storedRequests(), before);

        // A good one (the format told by its first line): added, and the window read again.
        panel()->importFile(write("counts", "US,Android,com.game,11," + hour + "\nCA,iOS,com.news,4," + hour + "\n"));
        QVERIFY(panel()->importer()->job()->waitForFinished());
        QVERIFY2(panel()->importMessage().contains(QStringLiteral("15 requests imported")), qPrintable(panel()->importMessage()));
        QCOMPARE(storedRequests(), before + 15);
        QTRY_VERIFY(panel()->trafficLine().contains(QStringLiteral("days hold %1 recorded requests").arg(count(before + 15))));
        // The same file again adds nothing, and says so.
        panel()->importFile(dir.filePath(QStringLiteral("counts")));
        QVERIFY(panel()->importer()->job()->waitForFinished());
        QVERIFY2(panel()->importMessage().contains(QStringLiteral("already imported")), qPrintable(panel()->importMessage()));
        QCOMPARE(storedRequests(), before + 15);
    }

    void windowAndConnectionSwitch()
    {
        qint64 total = 0, lastDay = 0;
        for (const TrafficRow &r : std::as_const(rows_)) {
            total += r.requests;
            lastDay += r.hourStart >= thisHour() + 3600 - 86400 ? r.requests : 0;
        }
        QVERIFY2(panel()->trafficLine().contains(QStringLiteral("last 7 days hold %1 recorded requests").arg(count(total))),
                 qPrintable(panel()->trafficLine()));
        panel()->setDays(1);
        QVERIFY(settled());
        QVERIFY2(panel()->trafficLine().contains(QStringLiteral("last day holds %1 recorded").arg(count(lastDay))),
                 qPrintable(panel()->trafficLine()));
        panel()->setDays(7);
        QVERIFY(settled());

        // Something in every view, then another store.
        panel()->showCampaign(storedCampaign(QStringLiteral("reach_focus")).campaign.id);
        QVERIFY(settled());
        QVERIFY(studio_->click(QStringLiteral("countReach"), panel()->report()));
        QVERIFY(panel()->report()->job()->waitForFinished());
        QVERIFY(panel()->report()->campaigns()->rowCount() > 0);
        QVERIFY(panel()->forecast()->loss()->rowCount() > 0);

        QTemporaryDir dir;
        ConnectionSettings b;
        b.sqlitePath = dir.filePath(QStringLiteral("b.sqlite"));
        b.listen = QStringLiteral("127.0.0.1:0");
        QString error;
        QVERIFY2(studio_->window().switchConnection(b, &error), qPrintable(error));
        const ForecastView *view = panel()->forecast();
        QCOMPARE(panel()->campaign(), 0);
        QVERIFY(panel()->findChild<QLineEdit *>(QStringLiteral("reachCampaign"))->text().isEmpty());
        QVERIFY(view->trend()->matchingPoints().isEmpty());
        for (Dimension d : kDimensions)
            QCOMPARE(view->breakdown(d)->rowCount(), 0);
        QCOMPARE(view->overlap()->rowCount(), 0);
        QCOMPARE(view->loss()->rowCount(), 0);
        QVERIFY(view->unattributedLine().isEmpty());
        QCOMPARE(panel()->report()->campaigns()->rowCount(), 0);
        QCOMPARE(panel()->report()->contested()->rowCount(), 0);
        // The new store has no traffic: the panel says how to get some.
        QVERIFY(studio_->waitForCampaigns());
        QVERIFY(settled());
        QVERIFY2(panel()->trafficLine().contains(QStringLiteral("No requests recorded")), qPrintable(panel()->trafficLine()));
        QVERIFY(panel()->trafficLine().contains(QStringLiteral("Import traffic")));
    }
};

QTEST_MAIN(TestReachPanel)
#include "tst_gui_reach.moc"
