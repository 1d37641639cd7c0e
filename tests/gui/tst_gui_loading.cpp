// The studio while a large store loads: the window is up at once with the loading's progress
// in the status bar; the Simulator waits for the campaigns rather than answering from an
// empty index, and delivers once they are in; a connection switch or closing the studio
// during the load cancels the read; a load that failed and is retried brings the table back
// beside the index; the studio's malloc never makes the window wait. Offscreen, on a SQLite
// store of 100,000 generated campaigns (a read that takes far longer than showing a window),
// and a small PostgreSQL store for the failure.
#include "StudioFixture.h"
#include "TestCampaigns.h"
#include "TestPostgres.h"

#include "Engine.h"
#include "IndexLoader.h"
#include "campaigns/CampaignCatalog.h"
#include "campaigns/CampaignFilterBar.h"
#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "common/BackgroundJob.h"
#include "simulator/SimulatorPanel.h"
#include "store/CampaignGenerator.h"
#include "store/ConnectionPool.h"

#include <QDeadlineTimer>
#include <QLineEdit>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace adserve;
using namespace adserve::test;

class TestLoading : public QObject
{
    Q_OBJECT

    static constexpr qint64 kCampaigns = 100'000;
    QTemporaryDir dir_;
    qint64 live_ = 0; // generated and not deleted: what the index holds

    QString largeStore() const { return dir_.filePath(QStringLiteral("large.sqlite")); }
    // Shows the studio on the large store: true when its window is up before the campaigns loaded.
    bool showWhileLoading(StudioFixture &studio) const
    {
        QString error;
        if (!studio.show({{QStringLiteral("ADSERVE_DB"), largeStore()}}, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        return !studio.session().isLoaded();
    }
    static QLabel *label(MainWindow &window, const char *name) { return window.findChild<QLabel *>(QLatin1String(name)); }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        auto store = CampaignStore::open(DatabaseTarget::sqlite(largeStore()), &error);
        QVERIFY2(store, qPrintable(error));
        qint64 deleted = 0;
        const auto written = CampaignGenerator::generate(*store, kCampaigns, 5, {}, &deleted);
        QVERIFY2(written.ok(), qPrintable(written.message));
        QCOMPARE(written.value, kCampaigns);
        live_ = kCampaigns - deleted + 3; // and the three samples a new embedded store starts with
    }

    void windowIsUpWhileCampaignsLoad()
    {
        StudioFixture studio;
        QVERIFY(showWhileLoading(studio));
        MainWindow &window = studio.window();
        QSignalSpy tableRead(window.campaigns()->loader(), &BackgroundJob::progressed);
        auto *loading = window.findChild<QWidget *>(QStringLiteral("loadingStatus"));
        QVERIFY(loading->isVisible());
        QVERIFY2(label(window, "loadingText")->text().startsWith(QLatin1String("Loading campaigns")),
                 qPrintable(label(window, "loadingText")->text()));
        QVERIFY(window.findChild<QProgressBar *>(QStringLiteral("loadingProgress"))->isVisible());
        // The table says its rows are on their way, not "0 of 0 campaigns" (once read, it counts them).
        if (window.campaigns()->model()->catalog().size() == 0)
            QCOMPARE(label(window, "campaignCount")->text(), QStringLiteral("Loading campaigns…"));

        // A request asked for now waits for the campaigns: an empty index would say "nothing matches".
        SimulatorPanel *simulator = window.simulator();
        simulator->setRequest(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.whatsapp"));
        simulator->simulate();
        QVERIFY(!simulator->job()->isRunning());
        const QString waiting = simulator->findChild<QLabel *>(QStringLiteral("simStatus"))->text();
        QVERIFY2(waiting.startsWith(QLatin1String("Waiting for the store's campaigns")), qPrintable(waiting));
        QCOMPARE(simulator->responseStatus(), 0);

        // A campaign saved meanwhile is not kept waiting for the read, and not lost by it.
        CampaignStore &store = studio.session().engine().store();
        const auto saved = store.create(campaign(QStringLiteral("saved-while-loading"),
                                                 {rule(Dimension::App, RuleType::Include, {QStringLiteral("com.loading.test")})}));
        QVERIFY2(saved.ok(), qPrintable(saved.message));
        QVERIFY(!studio.session().isLoaded());

        QTRY_VERIFY_WITH_TIMEOUT(studio.session().isLoaded(), 120000);
        QTRY_VERIFY(!loading->isVisible());
        const TargetingQuery savedQuery = TargetingQuery::from(QStringLiteral("US"), QStringLiteral("Android"),
                                                               QStringLiteral("com.loading.test"));
        const auto delivers = [&](qint64 id) {
            const auto matched = studio.session().engine().matcher().snapshot()->match(savedQuery);
            return std::find(matched.begin(), matched.end(), id) != matched.end();
        };
        QTRY_VERIFY_WITH_TIMEOUT(delivers(saved.value.campaign.id), 10000);
        const Engine::LoadProgress progress = studio.session().engine().loadProgress();
        QCOMPARE(progress.total, live_);
        QCOMPARE(progress.read, live_);
        // ... and is delivered once they are in, as the HTTP API answers it.
        QTRY_VERIFY_WITH_TIMEOUT(simulator->responseStatus() != 0, 60000);
        const DeliveryRequest request = simulator->request();
        const HttpReply reply = studio.session().api().handle({"GET", request.path, QUrlQuery(request.queryString()), {}, {}});
        QCOMPARE(reply.status, 200);
        QCOMPARE(simulator->responseStatus(), 200);
        QCOMPARE(simulator->responseBody(), reply.body);
        QVERIFY(studio.waitForCampaigns());
        // The table was read once the index was, and keeps no second copy of the rules the
        // index has: all of them but, at most, the campaign saved while the index loaded.
        const CampaignCatalog &catalog = window.campaigns()->model()->catalog();
        QCOMPARE(catalog.size(), live_ + 1);
        QVERIFY2(catalog.sharedTargetingCount() >= catalog.size() - 1, qPrintable(QString::number(catalog.sharedTargetingCount())));
        // The table's read said how far it got, out of every campaign it read.
        QVERIFY(!tableRead.isEmpty());
        QCOMPARE(tableRead.last().at(0).toLongLong(), catalog.size());
        QCOMPARE(tableRead.last().at(1).toLongLong(), catalog.size());

        // A filter over this many campaigns (scanned in two halves at once) shows what a plain
        // scan of every campaign admits.
        CampaignTableModel *model = window.campaigns()->model();
        const QString text = QStringLiteral("GEN-5-9");
        QTest::keyClicks(window.campaigns()->filterBar()->textEdit(), text);
        QTRY_VERIFY_WITH_TIMEOUT(!model->isArranging() && model->filter().text == text, 30000);
        QStringList expected;
        const auto stored = studio.session().engine().store().targeting();
        QVERIFY(stored.ok());
        for (const CampaignWithRules &c : stored.value) {
            const Campaign &k = c.campaign;
            for (const QString &field : {k.code, k.name, k.status, k.cta, k.image}) {
                if (field.contains(text, Qt::CaseInsensitive)) {
                    expected.append(k.code);
                    break;
                }
            }
        }
        QStringList shown;
        for (int row = 0; row < model->rowCount(); ++row)
            shown.append(model->index(row, CampaignTableModel::Code).data().toString());
        QVERIFY(expected.size() > 1000);
        expected.sort();
        shown.sort();
        QCOMPARE(shown, expected);
    }

    void switchingConnectionWhileLoadingShowsTheNewStore()
    {
        StudioFixture studio;
        QVERIFY(showWhileLoading(studio));
        QTemporaryDir other;
        ConnectionSettings settings;
        settings.sqlitePath = other.filePath(QStringLiteral("other.sqlite"));
        QString error;
        QVERIFY2(studio.window().switchConnection(settings, &error), qPrintable(error));
        QVERIFY(studio.waitForCampaigns());
        QCOMPARE(studio.session().engine().store().target().sqlitePath, settings.sqlitePath);
        QCOMPARE(studio.session().engine().matcher().snapshot()->campaignCount(), 3); // the new store's samples
        QCOMPARE(studio.window().campaigns()->model()->catalog().size(), 3);
        QVERIFY(!studio.window().findChild<QWidget *>(QStringLiteral("loadingStatus"))->isVisible());
    }

    void aRetriedLoadReadsTheTableAgainBesideTheIndex()
    {
        // PostgreSQL with its rules locked past the read's patience: the index cannot be read,
        // nor the table. Once the lock is gone, Retry loads the index and the table follows,
        // sharing the index's rules.
        TestPostgres postgres;
        QString error;
        QVERIFY2(postgres.start(&error), qPrintable(error));
        const QString url = postgres.createDatabase(QStringLiteral("retried_load"), &error);
        QVERIFY2(!url.isEmpty(), qPrintable(error));
        const auto target = DatabaseTarget::fromDatabaseUrl(url, &error);
        QVERIFY2(target, qPrintable(error));
        {
            auto store = CampaignStore::open(*target, &error);
            QVERIFY2(store, qPrintable(error));
            const auto written = CampaignGenerator::generate(*store, 200, 7);
            QVERIFY2(written.ok(), qPrintable(written.message));
        }
        const QString lockName = QStringLiteral("retried-load-lock");
        const auto closeLock = qScopeGuard([&] { ConnectionPool::close(lockName); }); // its lock too, on a failure
        QSqlDatabase admin = ConnectionPool::open(*target, lockName, &error);
        QVERIFY2(admin.isOpen(), qPrintable(error));
        QSqlQuery lock(admin);

        StudioFixture studio;
        QSignalSpy failed(&studio.session(), &StudioSession::indexLoadFailed);
        // Locked once the engine is open, before its index is read.
        bool locked = false;
        connect(&studio.session(), &StudioSession::opened, this, [&] {
            locked = lock.exec(QStringLiteral("BEGIN")) && lock.exec(QStringLiteral("LOCK TABLE target_rules IN ACCESS EXCLUSIVE MODE"));
        });
        QVERIFY2(studio.show({{QStringLiteral("DATABASE_URL"), url}, {QStringLiteral("DATABASE_QUERY_TIMEOUT_MS"), QStringLiteral("200")}},
                             &error),
                 qPrintable(error));
        QVERIFY2(locked, qPrintable(lock.lastError().text()));
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 30000);
        CampaignsPanel *panel = studio.window().campaigns();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isLoading(), 30000); // its own read failed too
        QCOMPARE(panel->model()->catalog().size(), 0);
        QLabel *count = label(studio.window(), "campaignCount");
        QTRY_COMPARE(count->text(), QStringLiteral("Campaigns not read from the store")); // not "0 of 0"
        QVERIFY2(count->toolTip().contains(QLatin1String("DATABASE_QUERY_TIMEOUT_MS")), qPrintable(count->toolTip()));

        QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
        QSignalSpy loaded(&studio.session(), &StudioSession::indexLoaded);
        QVERIFY(studio.click(QStringLiteral("retryLoading")));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 30000); // the panel has heard it, not just the engine
        QVERIFY(studio.waitForCampaigns());
        const CampaignCatalog &catalog = panel->model()->catalog();
        const auto stored = studio.session().engine().store().targeting();
        QVERIFY(stored.ok());
        QCOMPARE(catalog.size(), stored.value.size());
        QCOMPARE(count->text(), QStringLiteral("%1 of %1 campaigns").arg(catalog.size()));
        QVERIFY(count->toolTip().isEmpty());
        QVERIFY2(catalog.sharedTargetingCount() > catalog.size() / 2, qPrintable(QString::number(catalog.sharedTargetingCount())));

        // A later read that fails keeps the table, and says it is not up to date.
        const qsizetype shown = catalog.size();
        QVERIFY(lock.exec(QStringLiteral("BEGIN")));
        QVERIFY(lock.exec(QStringLiteral("LOCK TABLE target_rules IN ACCESS EXCLUSIVE MODE")));
        panel->reload();
        QTRY_VERIFY_WITH_TIMEOUT(count->text().endsWith(QLatin1String("not up to date: the store could not be read again")), 30000);
        QCOMPARE(panel->model()->catalog().size(), shown);
        QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
        panel->reload();
        QTRY_COMPARE_WITH_TIMEOUT(count->text(), QStringLiteral("%1 of %1 campaigns").arg(shown), 30000);
    }

    void freedSmallBlocksAreMergedAtOnce()
    {
#if defined(__GLIBC__)
        // The studio's malloc keeps no fast bins (Engine::tuneMemoryForInteractiveUse): a free
        // of a large block then never merges, with its heap locked, the small blocks freed
        // before it. After a bulk edit that held the window 50–90 ms.
        StudioFixture studio;
        const size_t inFastBins = mallinfo2().fsmblks; // other heaps' may be there from before
        std::vector<char *> blocks(10000);
        for (char *&block : blocks) {
            block = static_cast<char *>(std::malloc(48));
            *static_cast<volatile char *>(block) = 1;
        }
        for (char *block : blocks)
            std::free(block);
        QCOMPARE(mallinfo2().fsmblks, inFastBins);
#else
        QSKIP("the setting is glibc's");
#endif
    }

    void closingWhileLoadingCancelsTheRead()
    {
        // Closing the studio mid-load returns without reading the rest (~IndexLoader cancels).
        {
            StudioFixture studio;
            QVERIFY(showWhileLoading(studio));
        }
        // The engine's side of it: a read cancelled part-way installs nothing and says why.
        QString error;
        const auto config = ConfigBuilder::build({{QStringLiteral("ADSERVE_DB"), largeStore()}}, &error);
        QVERIFY2(config, qPrintable(error));
        auto engine = Engine::open(*config, &error);
        QVERIFY2(engine, qPrintable(error));
        auto loader = std::make_unique<IndexLoader>(*engine);
        QSignalSpy finished(loader.get(), &IndexLoader::finished);
        loader->start();
        // Cancelled as soon as the first campaigns are read, far from the last.
        const QDeadlineTimer deadline(60000);
        while (engine->loadProgress().read == 0 && !deadline.hasExpired())
            QThread::yieldCurrentThread();
        engine->cancelLoading();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY2(finished.first().at(1).toString().contains(QLatin1String("cancelled")),
                 qPrintable(finished.first().at(1).toString()));
        QVERIFY(!engine->loaded());
        QVERIFY(engine->loadProgress().read < live_);
        QCOMPARE(engine->matcher().snapshot()->campaignCount(), 0);
    }
};

QTEST_MAIN(TestLoading)
#include "tst_gui_loading.moc"
