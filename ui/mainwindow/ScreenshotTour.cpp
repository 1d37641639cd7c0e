#include "ScreenshotTour.h"

#include "MainWindow.h"
#include "cache/CachePanel.h"
#include "cache/CampaignCodec.h"
#include "campaigns/BulkEditDialog.h"
#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignFilterBar.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "common/TextTableModel.h"
#include "common/Theme.h"
#include "history/HistoryView.h"
#include "instances/InstancesPanel.h"
#include "lint/LintReportDialog.h"
#include "reach/ForecastView.h"
#include "reach/ReachPanel.h"
#include "reach/ReachReportView.h"
#include "reach/ReachTableModel.h"
#include "reach/ReachImpactLabel.h"
#include "reach/RecordedTrafficSource.h"
#include "server/LoadRun.h"
#include "server/QaPanel.h"
#include "server/RequestLogView.h"
#include "server/ServerPanel.h"
#include "session/StudioSession.h"
#include "settings/ProfileSwitcher.h"
#include "settings/SettingsDialog.h"
#include "simulator/SimulatorPanel.h"
#include "simulator/WhatIfGrid.h"
#include "traffic/TrafficTable.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QComboBox>
#include <QJsonDocument>
#include <QLineEdit>
#include <QListWidget>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTreeView>

namespace adserve::ScreenshotTour {

namespace {

bool waitUntil(const std::function<bool()> &done, int timeoutMs = 60000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return done();
}

// Two weeks of traffic as an app network might record it: a few countries, systems and apps
// in fixed proportions, busier on weekdays, growing a little day by day.
QList<TrafficRow> demoTraffic()
{
    const QList<QPair<QString, int>> countries{{"us", 30}, {"in", 22}, {"br", 14}, {"de", 9}, {"gb", 8}, {"ca", 6}, {"fr", 5}};
    const QList<QPair<QString, int>> systems{{"android", 62}, {"ios", 33}, {"windows", 5}};
    const QList<QPair<QString, int>> apps{{"com.gametion.ludokinggame", 45}, {"com.spotify.music", 35}, {"com.duolingo", 20}};
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 today = now - now % 86400;
    QList<TrafficRow> rows;
    for (int day = 13; day >= 0; --day) {
        const QDate date = QDateTime::fromSecsSinceEpoch(today - day * 86400, Qt::UTC).date();
        const int weekday = date.dayOfWeek() >= 6 ? 70 : 100;
        for (const auto &[country, c] : countries) {
            for (const auto &[os, o] : systems) {
                for (const auto &[app, a] : apps) {
                    const qint64 requests = qint64(c) * o * a * weekday * (100 + 2 * (13 - day)) / 10000;
                    rows.append({today - day * 86400 + 12 * 3600 - (day == 0 ? 12 * 3600 : 0), country, os, app, requests});
                }
            }
        }
    }
    return rows;
}

// Lets timers (charts, logs) tick and layouts settle before a picture is taken.
void settle(int ms)
{
    waitUntil([] { return false; }, ms);
}

} // namespace

QStringList run(MainWindow &window, StudioSession &session, const QString &folder, QString *error)
{
    if (!QDir().mkpath(folder)) {
        *error = QStringLiteral("cannot create %1").arg(folder);
        return {};
    }
    QStringList written;
    const auto save = [&](QWidget *widget, const QString &name) {
        settle(300);
        const QString path = QDir(folder).filePath(name + QStringLiteral(".png"));
        if (widget->grab().save(path))
            written.append(path);
        else
            *error = QStringLiteral("cannot write %1").arg(path);
    };
    const auto shoot = [&](QWidget *tab, const QString &name) {
        window.tabs()->setCurrentWidget(tab);
        save(&window, name);
    };
    window.resize(1400, 860);
    window.show();

    // Campaigns: the samples plus some generated ones, the first sample in the editor.
    CampaignsPanel *campaigns = window.campaigns();
    CampaignStore &store = session.engine().store();
    auto stored = store.campaigns(false);
    if (stored.ok() && stored.value.size() < 20) {
        campaigns->startGenerate(40, 7);
        campaigns->job()->waitForFinished(120000);
        stored = store.campaigns(false);
    }
    // The generator's change notice reloads the table too: wait until it shows them all.
    const int expected = stored.ok() ? int(stored.value.size()) : 0;
    campaigns->reload();
    waitUntil([&] {
        return session.isLoaded() && !campaigns->loader()->isRunning() && !campaigns->model()->isArranging()
            && campaigns->table()->model()->rowCount() >= expected;
    });
    // Two weeks of recorded traffic: the editor's and the bulk edit's reach lines, the Reach panel.
    const bool traffic = TrafficTable(store.sessions()).add(demoTraffic()).ok();
    session.recordedTraffic().refresh();
    waitUntil([&] { return session.recordedTraffic().current() && !session.recordedTraffic().isReading(); });
    campaigns->table()->selectRow(0);
    auto *reachLine = campaigns->editor()->findChild<ReachImpactLabel *>(QStringLiteral("reachImpact"));
    waitUntil([&] { return reachLine->impact().has_value(); });
    shoot(campaigns, QStringLiteral("campaigns"));

    // History: two edits of the first sample by a campaign manager, the older one selected.
    if (auto first = store.campaign(1); first.ok()) {
        first.value.campaign.name = QStringLiteral("Spotify Premium");
        store.update(first.value, {}, {QStringLiteral("alice"), {}});
        first = store.campaign(1);
        first.value.rules.append({0, {}, 1, Dimension::Os, RuleType::Exclude, {QStringLiteral("Tizen")}, {}, {}, false, {}});
        store.update(first.value, {}, {QStringLiteral("alice"), {}});
    }
    campaigns->table()->selectRow(1);
    campaigns->table()->selectRow(0);
    campaigns->sideTabs()->setCurrentWidget(campaigns->history());
    waitUntil([&] { return !campaigns->history()->loader()->isRunning() && campaigns->history()->changes().size() >= 3; });
    settle(1500); // the change log's own notice of the edits reads the history once more
    waitUntil([&] { return !campaigns->history()->loader()->isRunning(); });
    campaigns->history()->timeline()->setCurrentRow(1);
    shoot(campaigns, QStringLiteral("campaigns-history"));
    campaigns->sideTabs()->setCurrentIndex(0);

    // Serving times: the first sample ranked up, in a flight from next week, in Berlin's office hours.
    if (auto first = store.campaign(1); first.ok()) {
        Campaign &c = first.value.campaign;
        c.priority = 3;
        const QDate start = QDate::currentDate().addDays(7);
        c.serving.flightStart = QDateTime(start, QTime(9, 0)).toUTC();
        c.serving.flightEnd = QDateTime(start.addDays(38), QTime(18, 0)).toUTC();
        WeekHours office;
        for (int day = Qt::Monday; day <= Qt::Friday; ++day) {
            for (int hour = 9; hour < 18; ++hour)
                office.set(size_t(weekSlot(day, hour)));
        }
        c.serving.dayParting = DayParting{office, QByteArrayLiteral("Europe/Berlin")};
        store.update(first.value, {}, {QStringLiteral("alice"), {}});
    }
    settle(1500); // the table and the editor follow the change
    campaigns->table()->selectRow(1);
    campaigns->table()->selectRow(0);
    auto *editorTabs = campaigns->editor()->findChild<QTabWidget *>(QStringLiteral("editorTabs"));
    editorTabs->setCurrentIndex(1);
    shoot(campaigns, QStringLiteral("campaigns-serving"));
    editorTabs->setCurrentIndex(0);

    // The campaigns serving US, and a bulk edit of them previewed.
    const auto filtered = [&] {
        return !campaigns->model()->isArranging() && campaigns->model()->filter() == campaigns->filterBar()->filter();
    };
    campaigns->filterBar()->findChild<QLineEdit *>(QStringLiteral("filterCountry"))->setText(QStringLiteral("US"));
    waitUntil(filtered);
    shoot(campaigns, QStringLiteral("campaigns-filtered"));
    {
        BulkEditDialog bulk(campaigns->model()->sharedCatalog(), {}, campaigns->shownIds(), session.valueCatalog(),
                            session.recordedTraffic(), &window);
        auto *action = bulk.findChild<QComboBox *>(QStringLiteral("bulkAction"));
        action->setCurrentIndex(action->findData(int(BulkEdit::Action::AddValue)));
        bulk.findChild<QLineEdit *>(QStringLiteral("bulkValue"))->setText(QStringLiteral("US"));
        bulk.show();
        auto *bulkReach = bulk.findChild<ReachImpactLabel *>(QStringLiteral("bulkReach"));
        waitUntil([&] { return bulk.isPreviewShown() && bulkReach->impact().has_value(); });
        save(&bulk, QStringLiteral("campaigns-bulk"));
    }
    campaigns->filterBar()->findChild<QLineEdit *>(QStringLiteral("filterCountry"))->clear();
    waitUntil(filtered);

    // Server: running, after a short load run.
    ServerPanel *server = window.server();
    server->setEndpoint(QStringLiteral("127.0.0.1"), 0);
    if (server->start()) {
        server->startLoadRun(3000, 8, QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android"));
        waitUntil([&] { return !server->loadRun()->isRunning(); });
        // A few requests after the run, one of them refused; its detail is shown.
        QNetworkAccessManager network;
        int answered = 0;
        for (const char *target : {"/v1/delivery?app=com.spotify.music&country=DE&os=iOS", "/v1/delivery?country=US&os=Android",
                                   "/api/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android", "/healthz"}) {
            QNetworkReply *reply = network.get(QNetworkRequest(QUrl(session.server().url() + QLatin1String(target))));
            QObject::connect(reply, &QNetworkReply::finished, reply, [&answered, reply] {
                ++answered;
                reply->deleteLater();
            });
        }
        waitUntil([&] { return answered == 4; });
        settle(1200);
        RequestLogView *log = server->requestLog();
        QAbstractItemModel *rows = log->tree()->model();
        for (int row = 0; row < rows->rowCount(); ++row) {
            if (rows->index(row, RequestLogModel::StatusColumn).data().toString() == QLatin1String("400"))
                log->tree()->setCurrentIndex(rows->index(row, 0));
        }
    }
    shoot(server, QStringLiteral("server"));

    // Simulator: a delivery with its explanations, then the what-if grid.
    SimulatorPanel *simulator = window.simulator();
    simulator->setRequest(QStringLiteral("CA"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame"));
    simulator->simulate();
    simulator->job()->waitForFinished(60000);
    shoot(simulator, QStringLiteral("simulator"));
    // The same two panels in the dark theme (View ▸ Theme ▸ Dark).
    Theme::apply(Theme::Mode::Dark);
    shoot(simulator, QStringLiteral("simulator-dark"));
    shoot(campaigns, QStringLiteral("campaigns-dark"));
    Theme::apply(Theme::Mode::System);
    auto *inner = simulator->findChild<QTabWidget *>(QStringLiteral("simulatorTabs"));
    inner->setCurrentWidget(simulator->whatIf());
    simulator->whatIf()->compute();
    shoot(simulator, QStringLiteral("simulator-whatif"));
    simulator->whatIf()->focusOn(2); // where does duolingo serve, and what keeps it out elsewhere?
    shoot(simulator, QStringLiteral("simulator-whatif-focus"));
    simulator->whatIf()->focusOn(0);
    inner->setCurrentIndex(0);

    // Reach: duolingo's forecast over the two weeks (it excludes the US), then every campaign's reach.
    if (traffic) {
        ReachPanel *reach = window.reach();
        window.tabs()->setCurrentWidget(reach);
        reach->setDays(14);
        waitUntil([&] { return session.recordedTraffic().current() && !session.recordedTraffic().isReading(); });
        reach->showCampaign(2);
        waitUntil([&] { return !reach->forecastJob()->isRunning() && reach->forecast()->loss()->rowCount() > 0; });
        shoot(reach, QStringLiteral("reach"));
        reach->tabs()->setCurrentWidget(reach->report());
        reach->report()->count();
        waitUntil([&] { return !reach->report()->job()->isRunning() && reach->report()->campaigns()->rowCount() > 0; });
        shoot(reach, QStringLiteral("reach-report"));
        reach->tabs()->setCurrentIndex(0);
    }

    // The targeting report over the whole store, next to the campaigns.
    window.tabs()->setCurrentWidget(campaigns);
    campaigns->showTargetingReport();
    if (LintReportDialog *report = campaigns->targetingReport()) {
        report->job()->waitForFinished(60000);
        save(report, QStringLiteral("campaigns-report"));
        report->close();
    }

    // Cache: warmed, keys listed, one value open.
    CachePanel *cache = window.cache();
    cache->warm();
    cache->job()->waitForFinished(60000);
    cache->refreshServerInfo();
    cache->scan();
    cache->job()->waitForFinished(60000);
    if (!cache->shownKeys().isEmpty())
        cache->selectKey(cache->shownKeys().first());
    settle(1200);
    shoot(cache, QStringLiteral("cache"));

    // Stale keys: one campaign cached as it was before its image and call to action changed.
    if (auto first = session.engine().store().campaign(1); first.ok()) {
        Campaign old = first.value.campaign;
        old.image = QStringLiteral("https://cdn.example.com/old-banner.png");
        old.cta = QStringLiteral("Try it");
        session.engine().cache().backend().setMany({{CampaignCodec::cacheKey(old.id), CampaignCodec::encode(old)}},
                                                   std::chrono::hours(24));
    }
    cache->checkStaleness();
    cache->job()->waitForFinished(60000);
    settle(300);
    shoot(cache, QStringLiteral("cache-stale"));

    // Instances: this studio, serving, live.
    InstancesPanel *instances = window.instances();
    window.tabs()->setCurrentWidget(instances);
    waitUntil([&] { return !instances->loader()->isRunning() && instances->model()->rowCount() > 0; });
    shoot(instances, QStringLiteral("instances"));

    // QA mode: the same store reopened as with --qa, one delivery in ten failing, a short load run
    // through it, and the journal.
    {
        const Config plain = session.config();
        Config withQa = plain;
        QTemporaryDir qaDir;
        withQa.qa.enabled = true;
        withQa.qa.dir = qaDir.path();
        QString why;
        if (session.open(withQa, &why) && session.qa()) {
            QString unused;
            auto flaky = Scenario::fromJson(
                QJsonDocument::fromJson(R"({"description":"one delivery in ten fails","rules":[
                    {"name":"fail","when":{"path":"*/delivery"},"probability":0.1,"answer":{"status":500}},
                    {"name":"slow-android","when":{"params":{"os":"android"}},"latency":{"medianMs":30,"p99Ms":200}}]})")
                    .object(),
                QStringLiteral("flaky"), &unused);
            bool created = false;
            session.qa()->scenarios().put(*flaky, &created);
            server = window.server();
            server->qaPanel()->reload();
            server->qaPanel()->activate(QStringLiteral("flaky"));
            server->startLoadRun(60, 2, QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=US&os=Android"));
            waitUntil([&] { return !server->loadRun()->isRunning(); });
            server->qaPanel()->refreshJournal();
            auto *list = server->qaPanel()->findChild<QListWidget *>(QStringLiteral("qaScenarios"));
            if (const auto items = list->findItems(QStringLiteral("flaky"), Qt::MatchExactly); !items.isEmpty())
                list->setCurrentItem(items.first());
            server->showQa(true);
            window.resize(1400, 1300); // room for the editor and the journal
            shoot(server, QStringLiteral("server-qa"));
            window.resize(1400, 860);
            server->showQa(false);
        }
        session.open(plain, &why);
    }

    session.stopServer();
    window.tabs()->setCurrentIndex(0);

    // Connection profiles: a PostgreSQL + Redis profile in use, with its passwords typed, beside
    // an SQLite + Redis one; kept in a file of the tour's own, never the user's settings.
    ConnectionSettings servers = ConnectionSettings::fromConfig(session.config());
    servers.sqlitePath.clear(); // shows the default, not this tour's temporary store
    ConnectionSettings localRedis = servers;
    localRedis.cache = ConnectionSettings::Cache::Redis;
    localRedis.redisUrl = QStringLiteral("redis://127.0.0.1:6379/0");
    servers.store = ConnectionSettings::Store::Postgres;
    servers.cache = ConnectionSettings::Cache::Redis;
    servers.databaseUrl = QStringLiteral("postgres://adserve@db.example.internal:5432/adserve");
    servers.redisUrl = QStringLiteral("redis://cache.example.internal:6379/0");
    session.secrets().load(ConnectionSettings::secretKeys());
    waitUntil([&] { return session.secrets().place() != SecretStore::Place::Unknown; }, 10000);
    QTemporaryDir profilesDir;
    const QString profilesFile = profilesDir.filePath(QStringLiteral("profiles.ini"));
    {
        QSettings stored(profilesFile, QSettings::IniFormat);
        ConnectionProfiles profiles(stored, session.secrets());
        profiles.saveAll({ConnectionProfiles::builtIn(), {QStringLiteral("1"), QStringLiteral("Staging"), servers},
                          {QStringLiteral("2"), QStringLiteral("Local Redis"), localRedis}});
        profiles.setCurrent(QStringLiteral("1"));
    }
    ProfileSwitcher switcher(session, [](const ConnectionSettings &, QString *) { return false; });
    switcher.useSettingsFile(profilesFile);
    SettingsDialog settings(switcher, &window);
    for (const char *password : {"databasePassword", "redisPassword"})
        settings.findChild<QLineEdit *>(QLatin1String(password))->setText(QStringLiteral("example"));
    settings.show();
    save(&settings, QStringLiteral("settings"));
    return error->isEmpty() ? written : QStringList{};
}

} // namespace adserve::ScreenshotTour
