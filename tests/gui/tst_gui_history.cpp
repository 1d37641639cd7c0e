// The history of a campaign and the proof that a change is live, driven through the
// widgets: each save appears in the History tab in words, with who made it; Restore shows
// what it will do before doing it, and is itself a change; after a save the status bar says
// on how many instances it is live; the Instances tab lists every instance over the store.
// Runs on SQLite and on PostgreSQL (there with a second, headless instance beside the studio).
#include "StudioFixture.h"

#include "campaigns/CampaignEditor.h"
#include "campaigns/CampaignsPanel.h"
#include "campaigns/ValueListEditor.h"
#include "changes/Actor.h"
#include "common/BackgroundJob.h"
#include "common/TextTableModel.h"
#include "history/HistoryView.h"
#include "instances/InstancesPanel.h"
#include "instances/LiveWatch.h"
#include "store/ConnectionPool.h"

#include <QLabel>
#include <QListWidget>
#include <QSqlError>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTabWidget>
#include <QTest>
#include <QTextBrowser>

using namespace adserve;
using namespace adserve::test;

class TestHistory : public StudioTestCase
{
    Q_OBJECT

private:
    std::unique_ptr<Engine> otherInstance_; // PostgreSQL: a headless instance beside the studio

    bool isPostgres() const { return studio_->session().config().database.isPostgres(); }
    int instances() const { return otherInstance_ ? 2 : 1; }
    HistoryView *history() { return studio_->window().campaigns()->history(); }
    CampaignEditor *editor() { return studio_->window().campaigns()->editor(); }

    // Picks the campaign and opens its History tab, as a user does.
    bool openHistoryOf(const QString &code)
    {
        if (!studio_->clickCampaign(code))
            return false;
        QTabWidget *tabs = studio_->window().campaigns()->sideTabs();
        tabs->setCurrentWidget(history());
        return QTest::qWaitFor([&] { return !history()->loader()->isRunning() && !history()->changes().isEmpty(); }, 10000);
    }

    void saveName(const QString &name)
    {
        QVERIFY(studio_->type(editor(), QStringLiteral("name"), name));
        QVERIFY(studio_->click(QStringLiteral("save")));
        QVERIFY(!editor()->isDirty());
    }

private Q_SLOTS:
    void init()
    {
        StudioTestCase::init();
        if (QTest::currentTestFailed())
            return;
        if (isPostgres()) {
            QString error;
            otherInstance_ = Engine::create(studio_->session().config(), &error);
            QVERIFY2(otherInstance_, qPrintable(error));
        }
    }

    void cleanup()
    {
        otherInstance_.reset();
        StudioTestCase::cleanup();
    }

    void eachSaveAppearsInWords()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("spotify")));
        saveName(QStringLiteral("Spotify Premium"));
        auto *include = editor()->findChild<ValueListEditor *>(QStringLiteral("os.include"));
        QVERIFY(studio_->type(include, QStringLiteral("valueInput"), QStringLiteral("iOS"), true));
        QVERIFY(studio_->click(QStringLiteral("save")));

        QVERIFY(openHistoryOf(QStringLiteral("spotify")));
        QCOMPARE(history()->changes().size(), 3); // created, renamed, targeted
        const CampaignChange &newest = history()->changes().first();
        QCOMPARE(newest.actor, currentLoginName());
        QCOMPARE(newest.rules.size(), 1);
        QCOMPARE(newest.rules.first().describe(), QStringLiteral("added INCLUDE os: iOS"));
        QCOMPARE(history()->timeline()->currentRow(), 0);
        QVERIFY(history()->details()->toPlainText().contains(QLatin1String("+ INCLUDE os: iOS")));

        history()->timeline()->setCurrentRow(1); // the rename
        const QString details = history()->details()->toPlainText();
        QVERIFY2(details.contains(QLatin1String("Spotify - Music for everyone")) && details.contains(QLatin1String("Spotify Premium")),
                 qPrintable(details));
        QVERIFY(history()->timeline()->item(2)->text().contains(QLatin1String("created")));
    }

    void restoreShowsWhatItWillDoFirst()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo")));
        saveName(QStringLiteral("Broken name"));
        QVERIFY(openHistoryOf(QStringLiteral("duolingo")));
        history()->timeline()->setCurrentRow(1); // as created
        // Read again (as after any change): the change picked stays picked.
        history()->refresh();
        QTRY_VERIFY(!history()->loader()->isRunning() && history()->changes().size() == 2);
        QCOMPARE(history()->timeline()->currentRow(), 1);
        // Cancel in the preview: nothing changes.
        StudioFixture::answerNextDialog([](QWidget *dialog) {
            QVERIFY(dialog->findChild<QTextBrowser *>(QStringLiteral("restoreEffect"))->toPlainText().contains(QLatin1String("Broken name")));
            dialog->close();
        });
        QVERIFY(!history()->restoreSelected());
        CampaignStore &store = studio_->session().engine().store();
        const qint64 id = studio_->campaignId(QStringLiteral("duolingo"));
        QCOMPARE(store.campaign(id).value.campaign.name, QStringLiteral("Broken name"));

        // The save's own notice may have read the history again meanwhile.
        QTRY_VERIFY(!history()->loader()->isRunning() && history()->changes().size() == 2);
        QCOMPARE(history()->timeline()->currentRow(), 1);
        StudioFixture::acceptNextDialog(QStringLiteral("confirmRestore"));
        QVERIFY(studio_->click(QStringLiteral("restore")));
        QTRY_COMPARE(store.campaign(id).value.campaign.name, QStringLiteral("Duolingo: Best way to learn"));
        // The restore is the newest change, noted as such; the editor shows the campaign restored.
        QTRY_VERIFY(!history()->loader()->isRunning() && history()->changes().size() == 3);
        QVERIFY(history()->changes().first().note.startsWith(QLatin1String("restore of change")));
        QTRY_COMPARE(editor()->edited().campaign.name, QStringLiteral("Duolingo: Best way to learn"));
        if (otherInstance_) // and the other instance has it too
            QTRY_COMPARE(otherInstance_->store().campaign(id).value.campaign.name, QStringLiteral("Duolingo: Best way to learn"));
    }

    void aSaveSaysWhereItIsLive()
    {
        QVERIFY(studio_->clickCampaign(QStringLiteral("subwaysurfer")));
        saveName(QStringLiteral("Subway Surfers"));
        LiveWatch *live = studio_->window().campaigns()->liveWatch();
        QVERIFY(live->job()->waitForFinished(LiveWatch::kPatienceMs + 5000));
        const QString expected = QStringLiteral("live on %1 of %1 instance").arg(instances());
        QTRY_VERIFY2(studio_->window().statusBar()->currentMessage().contains(expected),
                     qPrintable(studio_->window().statusBar()->currentMessage()));
        QVERIFY(studio_->window().statusBar()->currentMessage().contains(QLatin1String("slowest")));
    }

    void aChangeMadeElsewhereAppearsInTheHistory()
    {
        QVERIFY(openHistoryOf(QStringLiteral("spotify")));
        const qsizetype before = history()->changes().size();
        QString error;
        auto other = CampaignStore::open(studio_->session().config().database, &error);
        QVERIFY2(other, qPrintable(error));
        other->setDefaultActor(QStringLiteral("someone-else"));
        QVERIFY(other->setStatus(studio_->campaignId(QStringLiteral("spotify")), kStatusInactive).ok());
        QTRY_VERIFY_WITH_TIMEOUT(history()->changes().size() == before + 1, 5000);
        QCOMPARE(history()->changes().first().actor, QStringLiteral("someone-else"));
        QCOMPARE(history()->changes().first().kind, QStringLiteral("deactivated"));
        // The editor, unedited, shows the campaign as it is now...
        QTRY_COMPARE(editor()->edited().campaign.status, kStatusInactive);
        // ...and edits in progress are never replaced by a change made elsewhere.
        QVERIFY(studio_->type(editor(), QStringLiteral("name"), QStringLiteral("Being edited")));
        QVERIFY(other->setStatus(studio_->campaignId(QStringLiteral("spotify")), kStatusActive).ok());
        QTRY_VERIFY_WITH_TIMEOUT(history()->changes().size() == before + 2, 5000);
        QTest::qWait(600); // two reloads' worth
        QVERIFY(editor()->isDirty());
        QCOMPARE(editor()->edited().campaign.name, QStringLiteral("Being edited"));
        QCOMPARE(editor()->edited().campaign.status, kStatusInactive);
        editor()->reload();
    }

    // Going from campaign to campaign while the store cannot answer (a migration holds the
    // change log) does not wait for the history read under way: the window goes on, and the
    // history of the campaign picked last comes once the store answers.
    void aBusyStoreDoesNotHoldTheWindow()
    {
        if (!isPostgres())
            QSKIP("SQLite's readers are not held by a writer (WAL)");
        QVERIFY(openHistoryOf(QStringLiteral("spotify")));
        const QString lockName = QStringLiteral("history-lock");
        QString error;
        QSqlDatabase lock = ConnectionPool::open(studio_->session().config().database, lockName, &error);
        QVERIFY2(lock.isOpen(), qPrintable(error));
        QSqlQuery query(lock);
        QVERIFY(query.exec(QStringLiteral("BEGIN")));
        QVERIFY2(query.exec(QStringLiteral("LOCK TABLE adserve_changes IN ACCESS EXCLUSIVE MODE")),
                 qPrintable(query.lastError().text()));

        QVERIFY(studio_->clickCampaign(QStringLiteral("duolingo"))); // its read waits for the lock
        QTest::qWait(100);
        QElapsedTimer clicked;
        clicked.start();
        QVERIFY(studio_->clickCampaign(QStringLiteral("subwaysurfer")));
        QVERIFY2(clicked.elapsed() < 1000, qPrintable(QString::number(clicked.elapsed())));
        QCOMPARE(editor()->edited().campaign.code, QStringLiteral("subwaysurfer"));

        QVERIFY(query.exec(QStringLiteral("ROLLBACK")));
        query = QSqlQuery();
        lock = QSqlDatabase();
        ConnectionPool::close(lockName);
        const qint64 subwaysurfer = studio_->campaignId(QStringLiteral("subwaysurfer"));
        QTRY_VERIFY_WITH_TIMEOUT(!history()->loader()->isRunning() && !history()->changes().isEmpty(), 10000);
        QCOMPARE(history()->campaignId(), subwaysurfer);
        QVERIFY2(history()->findChild<QLabel *>()->text().contains(QLatin1String("subwaysurfer")),
                 qPrintable(history()->findChild<QLabel *>()->text()));
    }

    void instancesTabListsEveryInstance()
    {
        InstancesPanel *panel = studio_->window().instances();
        studio_->window().tabs()->setCurrentWidget(panel);
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), instances(), 5000);
        QString self;
        for (int row = 0; row < panel->model()->rowCount(); ++row) {
            if (panel->model()->text(row, InstancesPanel::Instance).contains(QLatin1String("this studio")))
                self = panel->model()->text(row, InstancesPanel::Kind);
        }
        QCOMPARE(self, QStringLiteral("studio"));
        QTRY_VERIFY2(panel->summary()->text().startsWith(QStringLiteral("%1 of %1 running").arg(instances())),
                     qPrintable(panel->summary()->text()));
        for (int row = 0; row < panel->model()->rowCount(); ++row)
            QTRY_COMPARE(panel->model()->text(row, InstancesPanel::State), QStringLiteral("live"));
    }
};

QTEST_MAIN(TestHistory)
#include "tst_gui_history.moc"
