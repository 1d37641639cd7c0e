// Connection settings: remembered in QSettings, validated like the environment, passwords
// never shown; the dialog's test buttons give a clear result; switching connections
// reloads every panel.
#include "StudioFixture.h"
#include "TestRedis.h"

#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "settings/ConnectionSettings.h"
#include "settings/SettingsDialog.h"

#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QSettings>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

class TestSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

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

    void switchingConnectionsReloadsThePanels()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        CampaignsPanel *campaigns = studio.window().campaigns();
        QCOMPARE(campaigns->model()->rowCount(), 3);
        QVERIFY(studio.session().engine().store().remove(1).ok());
        QTRY_COMPARE(campaigns->model()->rowCount(), 2);

        QTemporaryDir other;
        ConnectionSettings s;
        s.sqlitePath = other.filePath(QStringLiteral("other.sqlite"));
        s.listen = QStringLiteral("127.0.0.1:0");
        QVERIFY2(studio.window().switchConnection(s, &error), qPrintable(error));
        QVERIFY(studio.waitForCampaigns());
        QTRY_COMPARE(campaigns->model()->rowCount(), 3); // a fresh embedded store has the samples
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
