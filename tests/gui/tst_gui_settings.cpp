// Connection settings: remembered in QSettings, validated like the environment, passwords
// never shown; the dialog's test buttons give a clear result; OK remembers the settings and
// the session runs on them, Cancel changes nothing; switching connections reloads every panel.
#include "StudioFixture.h"
#include "TestRedis.h"

#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "settings/ConnectionSettings.h"
#include "settings/SettingsDialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

class TestSettings : public QObject
{
    Q_OBJECT

    QTemporaryDir settingsDir_;

    // Types `text` into the dialog's field `name` (a line edit or a spin box), as a user does.
    static void typeInto(QWidget *dialog, const QString &name, const QString &text)
    {
        QWidget *field = dialog->findChild<QWidget *>(name);
        if (!field)
            return;
        if (auto *spin = qobject_cast<QAbstractSpinBox *>(field))
            spin->selectAll();
        else if (auto *edit = qobject_cast<QLineEdit *>(field))
            edit->selectAll();
        QTest::keyClicks(field, text);
    }

    static void clickButton(QWidget *dialog, QDialogButtonBox::StandardButton which)
    {
        if (auto *buttons = dialog->findChild<QDialogButtonBox *>())
            QTest::mouseClick(buttons->button(which), Qt::LeftButton);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The settings the studio remembers go to this test's own folder, never the user's.
        QVERIFY(settingsDir_.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDir_.path());
        QStandardPaths::setTestModeEnabled(true);
    }

    void redactsPasswords_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("shown");
        QTest::newRow("redis url") << "redis://:s3cret@host:6379/0" << "redis://:***@host:6379/0";
        QTest::newRow("redis user") << "redis://app:s3cret@host:6379" << "redis://app:***@host:6379";
        QTest::newRow("postgres url") << "postgres://adserve:s3cret@db/adserve" << "postgres://adserve:***@db/adserve";
        QTest::newRow("libpq") << "host=db password=s3cret dbname=x" << "host=db password=*** dbname=x";
        QTest::newRow("libpq quoted") << "password='a b' host=db" << "password=*** host=db";
        QTest::newRow("no password") << "redis://host:6379" << "redis://host:6379";
    }

    void redactsPasswords()
    {
        QFETCH(QString, url);
        QFETCH(QString, shown);
        QCOMPARE(redactUrl(url), shown);
    }

    void rememberedBetweenRuns()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("studio.ini")), QSettings::IniFormat);
        QVERIFY(!ConnectionSettings::load(settings));
        ConnectionSettings s;
        s.embedded = false;
        s.databaseUrl = QStringLiteral("postgres://u:p@127.0.0.1:5432/adserve");
        s.redisUrl = QStringLiteral("redis://127.0.0.1:7000");
        s.redisCluster = true;
        s.batchSize = 50;
        s.cacheTtlSeconds = 600;
        s.listen = QStringLiteral("0.0.0.0:9000");
        s.save(settings);
        const auto loaded = ConnectionSettings::load(settings);
        QVERIFY(loaded);
        QVERIFY(*loaded == s);
        QString error;
        const auto config = loaded->toConfig(&error);
        QVERIFY2(config, qPrintable(error));
        QVERIFY(config->database.isPostgres());
        QVERIFY(config->cache.cluster);
        QCOMPARE(config->batchSize, 50);
        QCOMPARE(config->cacheTtl.count(), 600);
        QCOMPARE(config->port, 9000);
    }

    void invalidSettingsAreClearErrors_data()
    {
        QTest::addColumn<QString>("databaseUrl");
        QTest::addColumn<QString>("redisUrl");
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no database") << "" << "" << "127.0.0.1:8080" << "DATABASE_URL";
        QTest::newRow("tls redis") << "postgres://h/db" << "rediss://h" << "127.0.0.1:8080" << "REDIS_URL";
        QTest::newRow("bad listen") << "postgres://h/db" << "" << "nowhere:99999" << "ADSERVE_LISTEN";
    }

    void invalidSettingsAreClearErrors()
    {
        QFETCH(QString, databaseUrl);
        QFETCH(QString, redisUrl);
        QFETCH(QString, listen);
        QFETCH(QString, mentions);
        ConnectionSettings s;
        s.embedded = false;
        s.databaseUrl = databaseUrl;
        s.redisUrl = redisUrl;
        s.listen = listen;
        QString error;
        QVERIFY(!s.toConfig(&error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void testButtonsGiveAClearResult()
    {
        ConnectionSettings s;
        s.embedded = false;
        s.databaseUrl = QStringLiteral("postgres://nobody:s3cret@127.0.0.1:1/none");
        TestRedisServer redis;
        const bool haveRedis = TestRedisServer::toolsAvailable() && redis.start();
        s.redisUrl = haveRedis ? redis.url() : QStringLiteral("redis://127.0.0.1:1");
        SettingsDialog dialog(s);
        dialog.show();
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("testDatabase")), Qt::LeftButton);
        auto *database = dialog.findChild<QLabel *>(QStringLiteral("databaseResult"));
        QTRY_VERIFY_WITH_TIMEOUT(database->text().startsWith(QStringLiteral("✘")), 15000);
        QVERIFY2(!database->text().contains(QLatin1String("s3cret")), qPrintable(database->text()));
        QTRY_VERIFY(dialog.findChild<QPushButton *>(QStringLiteral("testCache"))->isEnabled());
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("testCache")), Qt::LeftButton);
        auto *cache = dialog.findChild<QLabel *>(QStringLiteral("cacheResult"));
        QTRY_VERIFY_WITH_TIMEOUT(!cache->text().startsWith(QLatin1String("testing")) && !cache->text().isEmpty(), 15000);
        QVERIFY2(cache->text().startsWith(haveRedis ? QStringLiteral("✔") : QStringLiteral("✘")), qPrintable(cache->text()));
    }

    void closingDuringAConnectionTestDoesNotWaitForIt_data()
    {
        QTest::addColumn<int>("button");
        QTest::newRow("OK") << int(QDialogButtonBox::Ok);
        QTest::newRow("Cancel") << int(QDialogButtonBox::Cancel);
    }

    void closingDuringAConnectionTestDoesNotWaitForIt()
    {
        QFETCH(int, button);
        // A server that accepts connections and never answers: the test waits for the timeout.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        constexpr int kConnectTimeoutSeconds = 10;
        ConnectionSettings s;
        s.embedded = false;
        s.databaseUrl = QStringLiteral("postgres://nobody@127.0.0.1:%1/none?connect_timeout=%2")
                            .arg(silent.serverPort())
                            .arg(kConnectTimeoutSeconds);
        QElapsedTimer closing;
        {
            SettingsDialog dialog(s);
            dialog.show();
            QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("testDatabase")), Qt::LeftButton);
            QTRY_VERIFY(silent.hasPendingConnections());
            QCOMPARE(dialog.findChild<QLabel *>(QStringLiteral("databaseResult"))->text(), QStringLiteral("testing…"));
            closing.start();
            clickButton(&dialog, QDialogButtonBox::StandardButton(button));
            QVERIFY(!dialog.isVisible());
        }
        QVERIFY2(closing.elapsed() < 2000, qPrintable(QStringLiteral("closing took %1 ms").arg(closing.elapsed())));
    }

    // File → Connection settings…: the user changes the batch size and the cache TTL and
    // presses OK or Cancel.
    void okRemembersAndApplies_data()
    {
        QTest::addColumn<QDialogButtonBox::StandardButton>("button");
        QTest::addColumn<bool>("applied");
        QTest::newRow("ok") << QDialogButtonBox::Ok << true;
        QTest::newRow("cancel") << QDialogButtonBox::Cancel << false;
    }

    void okRemembersAndApplies()
    {
        QFETCH(QDialogButtonBox::StandardButton, button);
        QFETCH(bool, applied);
        QSettings().clear();
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({{QStringLiteral("ADSERVE_ADMIN_TOKEN"), QStringLiteral("t0ken")}}, &error), qPrintable(error));
        const Config before = studio.session().config();
        QCOMPARE(before.batchSize, 100);

        bool answered = false;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            answered = dialog->objectName() == QLatin1String("settingsDialog");
            typeInto(dialog, QStringLiteral("batchSize"), QStringLiteral("1"));
            typeInto(dialog, QStringLiteral("cacheTtl"), QStringLiteral("600"));
            clickButton(dialog, button);
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings"))); // returns when the dialog closed
        QVERIFY(answered);
        QVERIFY(!QApplication::activeModalWidget());

        // Remembered for the next start, or not at all.
        QSettings remembered;
        const auto stored = ConnectionSettings::load(remembered);
        QCOMPARE(stored.has_value(), applied);
        if (stored) {
            QCOMPARE(stored->batchSize, 1);
            QCOMPARE(stored->cacheTtlSeconds, 600);
            QVERIFY(stored->embedded);
            QCOMPARE(stored->sqlitePath, studio.sqlitePath());
        }
        // The session runs on the new settings: the two campaigns a US Android request in
        // Ludo King gets now come in two batches of one.
        const Config &now = studio.session().config();
        QCOMPARE(now.batchSize, applied ? 1 : 100);
        QCOMPARE(now.cacheTtl.count(), applied ? 600 : before.cacheTtl.count());
        const DeliveryResult result = studio.session().engine().delivery().deliver(
            TargetingQuery::from(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        QCOMPARE(result.campaignIds.size(), size_t(2));
        QCOMPARE(result.batches, applied ? 2 : 1);
        // What the dialog does not show stays as it was.
        QCOMPARE(now.database.sqlitePath, before.database.sqlitePath);
        QCOMPARE(now.serverThreads, before.serverThreads);
        QCOMPARE(now.adminToken, QStringLiteral("t0ken"));
    }

    // OK on a value the configuration refuses: the dialog says why and stays open; nothing
    // is remembered or applied.
    void okOnAnInvalidValueKeepsTheDialogOpen()
    {
        QSettings().clear();
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        Engine *engineBefore = &studio.session().engine();

        QString shownError;
        bool stayedOpen = false;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            typeInto(dialog, QStringLiteral("listen"), QStringLiteral("nowhere:99999"));
            clickButton(dialog, QDialogButtonBox::Ok);
            stayedOpen = dialog->isVisible();
            shownError = dialog->findChild<QLabel *>(QStringLiteral("settingsError"))->text();
            clickButton(dialog, QDialogButtonBox::Cancel);
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        QVERIFY(stayedOpen);
        QVERIFY2(shownError.contains(QLatin1String("ADSERVE_LISTEN")), qPrintable(shownError));
        QSettings remembered;
        QVERIFY(!ConnectionSettings::load(remembered));
        QCOMPARE(&studio.session().engine(), engineBefore);
    }

    void switchingConnectionsReloadsThePanels()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        CampaignsPanel *campaigns = studio.window().campaigns();
        QCOMPARE(campaigns->model()->rowCount(), 3);
        QVERIFY(studio.session().engine().store().remove(1).ok());
        QTRY_COMPARE(campaigns->model()->rowCount(), 2);

        // The embedded server is running; after the switch it serves the new store, same port.
        QVERIFY2(studio.session().startServer(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        const QString url = studio.session().server().url();
        const QString request = url + QStringLiteral("/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android");
        const auto before = StudioFixture::httpGet(request);
        QCOMPARE(before.first, 200);
        QVERIFY2(!before.second.contains("spotify"), before.second.constData()); // removed above

        QTemporaryDir other;
        ConnectionSettings s;
        s.sqlitePath = other.filePath(QStringLiteral("other.sqlite"));
        s.listen = QStringLiteral("127.0.0.1:0");
        QVERIFY2(studio.window().switchConnection(s, &error), qPrintable(error));
        QVERIFY(studio.waitForCampaigns());
        QTRY_COMPARE(campaigns->model()->rowCount(), 3); // a fresh embedded store has the samples
        QVERIFY(studio.session().server().isRunning());
        QCOMPARE(studio.session().server().url(), url);
        const auto [status, body] = StudioFixture::httpGet(request);
        QCOMPARE(status, 200);
        QVERIFY2(body.contains("spotify"), body.constData());
        QCOMPARE(studio.session().engine().store().target().sqlitePath, s.sqlitePath);
        QSettings remembered;
        QCOMPARE(ConnectionSettings::load(remembered)->sqlitePath, s.sqlitePath);

        // An unusable connection leaves the current one in place.
        ConnectionSettings broken;
        broken.embedded = false;
        broken.databaseUrl = QStringLiteral("postgres://nobody@127.0.0.1:1/none?connect_timeout=2");
        QVERIFY(!studio.window().switchConnection(broken, &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(studio.session().engine().store().target().sqlitePath, s.sqlitePath);
    }
};

QTEST_MAIN(TestSettings)
#include "tst_gui_settings.moc"
