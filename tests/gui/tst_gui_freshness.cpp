// What the studio shows belongs to the connection in use and to the request on screen:
// switching stores leaves nothing of the old one in the Simulator, the Cache panel, the
// History or the Instances; a new simulation clears the previous answer at once; the Cache
// tab says "down" when Redis is (a real redis-server, stopped), never "100%"; and a hit
// ratio is given only over lookups that were made.
#include "StudioFixture.h"
#include "TestCampaigns.h"
#include "TestRedis.h"

#include "cache/CachePanel.h"
#include "cache/HitRatioWindow.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "common/TextTableModel.h"
#include "history/HistoryView.h"
#include "instances/InstancesPanel.h"
#include "simulator/SimulatorPanel.h"
#include "simulator/WhatIfGrid.h"
#include "store/CampaignStore.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

namespace {

// Every text a user can read in `root`: labels, edits, combo entries, every cell and header
// of every table and list (their tooltips too), and the widgets' own tooltips.
QStringList shownTexts(QWidget *root)
{
    QStringList texts;
    for (QWidget *w : root->findChildren<QWidget *>()) {
        texts << w->toolTip();
        if (auto *label = qobject_cast<QLabel *>(w))
            texts << label->text();
        else if (auto *edit = qobject_cast<QLineEdit *>(w))
            texts << edit->text();
        else if (auto *plain = qobject_cast<QPlainTextEdit *>(w))
            texts << plain->toPlainText();
        else if (auto *combo = qobject_cast<QComboBox *>(w)) {
            for (int i = 0; i < combo->count(); ++i)
                texts << combo->itemText(i);
        } else if (auto *view = qobject_cast<QAbstractItemView *>(w); view && view->model()) {
            const QAbstractItemModel *model = view->model();
            for (int r = 0; r < model->rowCount(); ++r) {
                for (int c = 0; c < model->columnCount(); ++c) {
                    const QModelIndex index = model->index(r, c);
                    texts << index.data().toString() << index.data(Qt::ToolTipRole).toString();
                }
            }
            for (int r = 0; r < model->rowCount(); ++r)
                texts << model->headerData(r, Qt::Vertical).toString();
        }
    }
    texts.removeAll(QString());
    return texts;
}

// The texts of `root` that contain any of `needles`.
QStringList textsWithAny(QWidget *root, const QStringList &needles)
{
    QStringList found;
    for (const QString &text : shownTexts(root)) {
        for (const QString &needle : needles) {
            if (text.contains(needle, Qt::CaseInsensitive))
                found << text;
        }
    }
    return found;
}

QString figuresOf(CachePanel *panel)
{
    return panel->findChild<QLabel *>(QStringLiteral("cacheFigures"))->text();
}

} // namespace

class TestFreshness : public QObject
{
    Q_OBJECT

    static QStringList deliveredCodes(SimulatorPanel *simulator)
    {
        QStringList codes;
        for (int row = 0; row < simulator->deliveredTable()->rowCount(); ++row)
            codes << simulator->deliveredTable()->text(row, 0);
        return codes;
    }

    static bool deliver(SimulatorPanel *simulator, const QString &country, const QString &os, const QString &app)
    {
        simulator->setRequest(country, os, app);
        simulator->simulate();
        return simulator->job()->waitForFinished();
    }

    // The hit ratio as the figures show it, of every lookup since the store opened (all of them
    // within the window here): the cache-aside layer's own counters.
    static QString ratioOfAllLookups(StudioFixture &studio)
    {
        const CacheStatsSnapshot counters = studio.session().engine().cache().stats();
        return QStringLiteral("hit ratio <b>%1%</b>").arg(counters.hitRatio() * 100.0, 0, 'f', 1);
    }

    // A studio with Redis in front of its SQLite store; null (and a warning) without redis-server.
    static std::unique_ptr<StudioFixture> studioOnRedis(TestRedisServer &redis)
    {
        if (!TestRedisServer::toolsAvailable() || !redis.start()) {
            qWarning("no redis-server: %s", qPrintable(redis.error()));
            return nullptr;
        }
        auto studio = std::make_unique<StudioFixture>();
        QString error;
        if (!studio->open({{QStringLiteral("REDIS_URL"), redis.url()}}, &error)) {
            qWarning("%s", qPrintable(error));
            return nullptr;
        }
        return studio;
    }

    // A second SQLite store whose live campaigns share nothing with the samples.
    static bool writeStoreB(const QString &path)
    {
        QString error;
        auto store = CampaignStore::open(DatabaseTarget::sqlite(path), &error);
        if (!store)
            return false;
        for (qint64 sample : {1, 2, 3}) { // a new embedded store starts with them
            if (!store->remove(sample).ok())
                return false;
        }
        return store->create(campaign(QStringLiteral("bravo-news"), {rule(Dimension::Country, RuleType::Include, {"US"})})).ok()
               && store->create(campaign(QStringLiteral("bravo-maps"), {rule(Dimension::Os, RuleType::Include, {"Android"})})).ok();
    }

private Q_SLOTS:
    void switchingStoresLeavesNothingOfTheOld_data()
    {
        QTest::addColumn<QString>("storeA");
        QTest::newRow("sqlite and redis") << QStringLiteral("redis");
        QTest::newRow("postgres") << QStringLiteral("postgres");
    }

    void switchingStoresLeavesNothingOfTheOld()
    {
        QFETCH(QString, storeA);
        TestRedisServer redis;
        StudioStores stores;
        std::unique_ptr<StudioFixture> studio;
        QString error;
        if (storeA == QLatin1String("redis"))
            studio = studioOnRedis(redis);
        else
            studio = stores.open(storeA, &error);
        QVERIFY2(studio, qPrintable(error));
        MainWindow &window = studio->window();
        SimulatorPanel *simulator = window.simulator();
        CachePanel *cache = window.cache();
        HistoryView *history = window.campaigns()->findChild<HistoryView *>();
        QVERIFY(history);

        // Store A everywhere: its history, an answer, a why-not pick, a what-if grid, cache keys.
        QVERIFY(studio->clickCampaign(QStringLiteral("spotify")));
        QTRY_VERIFY(history->timeline()->count() > 0);
        window.tabs()->setCurrentWidget(simulator);
        QVERIFY(deliver(simulator, QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        QCOMPARE(deliveredCodes(simulator), (QStringList{"spotify", "subwaysurfer"}));
        auto *whyNot = simulator->findChild<QComboBox *>(QStringLiteral("whyNot"));
        whyNot->setCurrentIndex(whyNot->findText(QStringLiteral("spotify"), Qt::MatchStartsWith));
        QVERIFY(whyNot->currentIndex() > 0);
        QVERIFY(studio->click(QStringLiteral("computeGrid"), simulator));
        QVERIFY(simulator->whatIf()->table()->rowCount() > 0);
        window.tabs()->setCurrentWidget(cache);
        QVERIFY(studio->trigger(QStringLiteral("warmCache")));
        QVERIFY(cache->job()->waitForFinished(20000));
        cache->scan();
        QVERIFY(cache->job()->waitForFinished(20000));
        QCOMPARE(cache->shownKeys().size(), 3);
        QTRY_VERIFY(cache->findChild<QTableWidget *>(QStringLiteral("serverInfo"))->rowCount() > 0);
        QStringList ofStoreA{"spotify", "duolingo", "subwaysurfer", "campaign:1", "campaign:2", "campaign:3", "postgres"};
        if (storeA == QLatin1String("redis")) {
            // Redis stops: the answer carries its error (duolingo was never read, so no near copy).
            redis.stop();
            window.tabs()->setCurrentWidget(simulator);
            QVERIFY(deliver(simulator, QStringLiteral("de"), QStringLiteral("iOS"), QStringLiteral("x")));
            QVERIFY(simulator->findChild<QLabel *>(QStringLiteral("simTiming"))->text().contains(QLatin1String("cache error")));
            ofStoreA << QStringLiteral("cache error") << redis.address() << QStringLiteral("redis");
        }
        QTemporaryDir dir;
        ConnectionSettings b;
        b.sqlitePath = dir.filePath(QStringLiteral("b.sqlite"));
        b.listen = QStringLiteral("127.0.0.1:0");
        QVERIFY(writeStoreB(b.sqlitePath));
        QVERIFY2(window.switchConnection(b, &error), qPrintable(error));

        // At once, before anything is read from B: nothing of A is left.
        QCOMPARE(simulator->deliveredTable()->rowCount(), 0);
        QCOMPARE(simulator->explainTable()->rowCount(), 0);
        QCOMPARE(simulator->responseStatus(), 0);
        QCOMPARE(whyNot->currentIndex(), 0);
        QCOMPARE(history->campaignId(), 0);
        QCOMPARE(history->timeline()->count(), 0);
        QAbstractItemView *instances = window.instances()->findChild<QAbstractItemView *>(QStringLiteral("instances"));
        QCOMPARE(instances->model()->rowCount(), 0);
        QCOMPARE(cache->keyTable()->rowCount(), 0);
        QVERIFY(studio->waitForCampaigns());
        QTest::qWait(1500); // the cache figures sampled and pinged, the server figures read again
        for (QWidget *panel : {static_cast<QWidget *>(simulator), static_cast<QWidget *>(cache)}) {
            const QStringList stale = textsWithAny(panel, ofStoreA);
            QVERIFY2(stale.isEmpty(), qPrintable(panel->objectName() + QStringLiteral(": ") + stale.join(QStringLiteral(" | "))));
        }
        QVERIFY2(figuresOf(cache).startsWith(QLatin1String("<b>memory</b>")), qPrintable(figuresOf(cache)));
        // What is there comes from B: its campaigns in the pick list and the grid, its answer.
        QVERIFY(whyNot->findText(QStringLiteral("bravo-news"), Qt::MatchStartsWith) > 0);
        QVERIFY(!textsWithAny(simulator->whatIf(), {"bravo-maps"}).isEmpty());
        window.tabs()->setCurrentWidget(simulator);
        QVERIFY(deliver(simulator, QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        QCOMPARE(simulator->deliveredTable()->rowCount(), 2);
        QVERIFY(simulator->responseBody().contains("bravo-"));
        QTRY_VERIFY(instances->model()->rowCount() > 0);
    }

    // The old answer goes as soon as the new request starts, not when its answer arrives.
    void aNewSimulationClearsTheOldAtOnce()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        SimulatorPanel *simulator = studio.window().simulator();
        studio.window().tabs()->setCurrentWidget(simulator);
        QVERIFY(deliver(simulator, QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        QCOMPARE(simulator->deliveredTable()->rowCount(), 2);
        auto *timing = simulator->findChild<QLabel *>(QStringLiteral("simTiming"));
        auto *body = simulator->findChild<QPlainTextEdit *>(QStringLiteral("simBody"));
        auto *status = simulator->findChild<QLabel *>(QStringLiteral("simStatus"));
        QVERIFY(!timing->text().isEmpty() && !body->toPlainText().isEmpty());

        simulator->setRequest(QStringLiteral("de"), QStringLiteral("iOS"), QStringLiteral("x"));
        simulator->simulate(); // no event processed from here: the new answer cannot have arrived
        QVERIFY(simulator->job()->isRunning());
        QCOMPARE(simulator->deliveredTable()->rowCount(), 0);
        QCOMPARE(simulator->explainTable()->rowCount(), 0);
        QCOMPARE(simulator->responseStatus(), 0);
        QVERIFY(simulator->responseBody().isEmpty());
        QVERIFY(body->toPlainText().isEmpty());
        QVERIFY(timing->text().isEmpty());
        QVERIFY2(status->text().startsWith(QLatin1String("Delivering")), qPrintable(status->text()));

        QVERIFY(simulator->job()->waitForFinished());
        QCOMPARE(deliveredCodes(simulator), QStringList{QStringLiteral("duolingo")});
    }

    // With Redis stopped the Cache tab says DOWN, in words, and shows no ratio, even while the
    // near cache still answers; the status bar says "down" too. Back up, it says so.
    void aCacheThatIsDownIsShownDown()
    {
        TestRedisServer redis;
        auto studio = studioOnRedis(redis);
        QVERIFY(studio);
        SimulatorPanel *simulator = studio->window().simulator();
        CachePanel *cache = studio->window().cache();
        studio->window().tabs()->setCurrentWidget(cache);
        QVERIFY(deliver(simulator, QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        studio->session().engine().cache().waitForRefills();
        QVERIFY(deliver(simulator, QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        cache->refreshStats();
        QTRY_VERIFY2(figuresOf(cache).contains(QLatin1String(">up<")), qPrintable(figuresOf(cache)));
        QVERIFY2(figuresOf(cache).contains(ratioOfAllLookups(*studio)), qPrintable(figuresOf(cache)));

        redis.stop();
        // What the near cache still answers counts as hits: a ratio of those would read 100%.
        QVERIFY(deliver(simulator, QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        QTRY_VERIFY_WITH_TIMEOUT(figuresOf(cache).contains(QLatin1String("DOWN")), 10000);
        cache->refreshStats();
        const QString figures = figuresOf(cache);
        QVERIFY2(figures.contains(QLatin1String("hit ratio: none while the cache is down")), qPrintable(figures));
        QVERIFY2(!figures.contains(QLatin1Char('%')), qPrintable(figures));
        auto *statusBarCache = studio->window().findChild<QLabel *>(QStringLiteral("cacheHealth"));
        QTRY_VERIFY_WITH_TIMEOUT(statusBarCache->text().endsWith(QLatin1String("redis down")), 10000);

        QVERIFY(redis.restart());
        QTRY_VERIFY_WITH_TIMEOUT(figuresOf(cache).contains(QLatin1String(">up<")), 10000);
        QVERIFY(!figuresOf(cache).contains(QLatin1String("DOWN")));
    }

    // No lookup yet: no percentage at all. Then the ratio of the lookups made.
    void aHitRatioNeedsLookups()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        CachePanel *cache = studio.window().cache();
        studio.window().tabs()->setCurrentWidget(cache);
        cache->refreshStats();
        QVERIFY2(figuresOf(cache).contains(QLatin1String("no lookups")), qPrintable(figuresOf(cache)));
        QVERIFY2(!figuresOf(cache).contains(QLatin1Char('%')), qPrintable(figuresOf(cache)));

        SimulatorPanel *simulator = studio.window().simulator();
        QVERIFY(deliver(simulator, QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        cache->refreshStats();
        QVERIFY2(figuresOf(cache).contains(ratioOfAllLookups(studio)), qPrintable(figuresOf(cache)));
    }

    // Lookups older than the window no longer count: a quiet cache has no ratio.
    void hitRatioForgetsLookupsOlderThanItsWindow()
    {
        HitRatioWindow window(60'000);
        QVERIFY(!window.ratio());
        window.add({.hits = 0, .misses = 0}, 0);
        window.add({.hits = 9, .misses = 1}, 1'000);
        QCOMPARE(window.lookups(), 10);
        QCOMPARE(*window.ratio(), 0.9);
        window.add({.hits = 9, .misses = 3}, 30'000);
        QCOMPARE(*window.ratio(), 0.75);
        window.add({.hits = 9, .misses = 3}, 61'000); // the window starts at 1 s now
        QCOMPARE(window.lookups(), 2);
        QCOMPARE(*window.ratio(), 0.0);
        window.add({.hits = 9, .misses = 3}, 200'000);
        QCOMPARE(window.lookups(), 0);
        QVERIFY(!window.ratio());
    }
};

QTEST_MAIN(TestFreshness)
#include "tst_gui_freshness.moc"
