// Connection settings: remembered in a profile, validated like the environment, passwords
// never shown and never in the settings file (0600), but in the secret store, this session's
// memory or a 0600 file the user agreed to; the form's test buttons give a clear result; Save
// remembers the settings and the session runs on them, Cancel changes nothing; switching
// connections reloads every panel. (Profiles themselves: tst_gui_profiles.)
#include "SettingsTestTools.h"
#include "StudioFixture.h"
#include "TestPostgres.h"
#include "TestRedis.h"

#include "campaigns/CampaignTableModel.h"
#include "campaigns/CampaignsPanel.h"
#include "config/UrlPassword.h"
#include "settings/ConnectionProfiles.h"
#include "settings/ProfileForm.h"
#include "settings/ProfileSwitcher.h"
#include "settings/SecretStore.h"
#include "settings/SettingsDialog.h"

#include <QCheckBox>
#include <QFileInfo>

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
#include <QStatusBar>
#include <QTcpServer>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

class TestSettings : public QObject
{
    Q_OBJECT

    QTemporaryDir settingsDir_;
    SecretStore secrets_{QStringLiteral("adserve-settings-test")}; // never loaded: this session's memory
    std::unique_ptr<TestPostgres> postgres_;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(settingsDir_.isValid());
        keepSettingsIn(settingsDir_.path());
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
        QTest::newRow("redis password alone") << "redis://s3cret@host:6379" << "redis://***@host:6379";
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
        ConnectionProfiles profiles(settings, secrets_);
        QCOMPARE(profiles.all().size(), 1); // the built-in one only
        ConnectionSettings s;
        s.store = ConnectionSettings::Store::Postgres;
        s.cache = ConnectionSettings::Cache::Redis;
        s.sqlitePath = QStringLiteral("/tmp/kept-while-postgres-is-chosen.sqlite");
        s.databaseUrl = QStringLiteral("postgres://u:p@127.0.0.1:5432/adserve");
        s.redisUrl = QStringLiteral("redis://127.0.0.1:7000");
        s.redisCluster = true;
        s.batchSize = 50;
        s.cacheTtlSeconds = 600;
        s.listen = QStringLiteral("0.0.0.0:9000");
        profiles.saveAll({ConnectionProfiles::builtIn(), {QStringLiteral("1"), QStringLiteral("Servers"), s}});
        const auto loaded = ConnectionProfiles(settings, secrets_).byName(QStringLiteral("Servers"));
        QVERIFY(loaded);
        QVERIFY(loaded->settings == s);
        QString error;
        const auto config = loaded->settings.toConfig(&error);
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
        QTest::newRow("redis without url") << "postgres://h/db" << "" << "127.0.0.1:8080" << "REDIS_URL";
        QTest::newRow("tls redis") << "postgres://h/db" << "rediss://h" << "127.0.0.1:8080" << "REDIS_URL";
        QTest::newRow("bad listen") << "postgres://h/db" << "redis://h" << "nowhere:99999" << "ADSERVE_LISTEN";
    }

    void invalidSettingsAreClearErrors()
    {
        QFETCH(QString, databaseUrl);
        QFETCH(QString, redisUrl);
        QFETCH(QString, listen);
        QFETCH(QString, mentions);
        ConnectionSettings s;
        s.store = ConnectionSettings::Store::Postgres;
        s.cache = ConnectionSettings::Cache::Redis;
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
        s.databaseUrl = QStringLiteral("postgres://nobody:s3cret@127.0.0.1:1/none");
        TestRedisServer redis;
        const bool haveRedis = TestRedisServer::toolsAvailable() && redis.start();
        s.redisUrl = haveRedis ? redis.url() : QStringLiteral("redis://127.0.0.1:1");
        s.store = ConnectionSettings::Store::Postgres;
        s.cache = ConnectionSettings::Cache::Redis;
        ProfileForm dialog;
        dialog.setSettings(s, false);
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
        QTest::newRow("Save") << int(QDialogButtonBox::Save);
        QTest::newRow("Cancel") << int(QDialogButtonBox::Cancel);
    }

    void closingDuringAConnectionTestDoesNotWaitForIt()
    {
        QFETCH(int, button);
        QSettings().clear();
        // A server that accepts connections and never answers: the test waits for the timeout.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        constexpr int kConnectTimeoutSeconds = 10;
        ConnectionSettings s;
        s.store = ConnectionSettings::Store::Postgres;
        s.databaseUrl = QStringLiteral("postgres://nobody@127.0.0.1:%1/none?connect_timeout=%2")
                            .arg(silent.serverPort())
                            .arg(kConnectTimeoutSeconds);
        StudioSession session;
        rememberProfile(session.secrets(), QStringLiteral("Silent"), s, true);
        ProfileSwitcher switcher(session, [](const ConnectionSettings &, QString *) { return false; });
        QElapsedTimer closing;
        {
            SettingsDialog dialog(switcher);
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

    // File → Connection settings…: the user changes the batch size and the cache TTL of the
    // profile in use and presses Save or Cancel.
    void saveRemembersAndApplies_data()
    {
        QTest::addColumn<QDialogButtonBox::StandardButton>("button");
        QTest::addColumn<bool>("applied");
        QTest::newRow("save") << QDialogButtonBox::Save << true;
        QTest::newRow("cancel") << QDialogButtonBox::Cancel << false;
    }

    void saveRemembersAndApplies()
    {
        QFETCH(QDialogButtonBox::StandardButton, button);
        QFETCH(bool, applied);
        QSettings().clear();
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({{QStringLiteral("ADSERVE_ADMIN_TOKEN"), QStringLiteral("t0ken")}}, &error), qPrintable(error));
        const Config before = studio.session().config();
        QCOMPARE(before.batchSize, 100);
        ConnectionSettings inUse = ConnectionSettings::fromConfig(before);
        rememberProfile(studio.session().secrets(), QStringLiteral("Test store"), inUse, true);

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
        QVERIFY(studio.waitForCampaigns()); // a new engine loads its campaigns in the background

        // Remembered for the next start, or not at all.
        QSettings remembered;
        const ConnectionProfile stored = ConnectionProfiles(remembered, studio.session().secrets()).current();
        QCOMPARE(stored.name, QStringLiteral("Test store"));
        QCOMPARE(stored.settings.batchSize, applied ? 1 : 100);
        QCOMPARE(stored.settings.cacheTtlSeconds, applied ? 600 : 24 * 3600);
        QCOMPARE(stored.settings.store, ConnectionSettings::Store::Sqlite);
        QCOMPARE(stored.settings.sqlitePath, studio.sqlitePath());
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

    // Save on a value the configuration refuses: the dialog says why, naming the profile, and
    // stays open; nothing is remembered or applied.
    void saveOnAnInvalidValueKeepsTheDialogOpen()
    {
        QSettings().clear();
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        rememberProfile(studio.session().secrets(), QStringLiteral("Test store"),
                        ConnectionSettings::fromConfig(studio.session().config()), true);
        Engine *engineBefore = &studio.session().engine();

        QString shownError;
        bool stayedOpen = false;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            typeInto(dialog, QStringLiteral("listen"), QStringLiteral("nowhere:99999"));
            clickButton(dialog, QDialogButtonBox::Save);
            stayedOpen = dialog->isVisible();
            shownError = dialog->findChild<QLabel *>(QStringLiteral("settingsError"))->text();
            clickButton(dialog, QDialogButtonBox::Cancel);
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        QVERIFY(stayedOpen);
        QVERIFY2(shownError.contains(QLatin1String("ADSERVE_LISTEN")), qPrintable(shownError));
        QVERIFY2(shownError.contains(QLatin1String("Test store")), qPrintable(shownError));
        QSettings remembered;
        QCOMPARE(ConnectionProfiles(remembered, studio.session().secrets()).current().settings.listen,
                 QStringLiteral("127.0.0.1:0"));
        QCOMPARE(&studio.session().engine(), engineBefore);
    }

    // File → Connection settings…: the user adds a profile on PostgreSQL and a Redis that wants
    // a password, and connects. With no secret store running, the passwords stay in this
    // session's memory, or in a file only the user can read once the user agrees to it; never
    // in the settings file, which only the user can read either.
    void passwordsStayOutOfTheSettingsFile_data()
    {
        QTest::addColumn<bool>("keepInFile");
        QTest::newRow("this session only") << false;
        QTest::newRow("a file the user agreed to") << true;
    }

    void passwordsStayOutOfTheSettingsFile()
    {
        QFETCH(bool, keepInFile);
        if (!TestRedisServer::toolsAvailable())
            QSKIP("redis-server is not installed (installer/install-deps.sh)");
        QString error;
        if (!postgres_) {
            postgres_ = std::make_unique<TestPostgres>();
            QVERIFY2(postgres_->start(&error), qPrintable(error));
        }
        TestRedisServer redis({.password = QStringLiteral("redis-s3cret")});
        QVERIFY2(redis.start(), qPrintable(redis.error()));
        QSettings().clear();
        StudioFixture studio;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        SecretStore &secrets = studio.session().secrets();
        QFile::remove(secrets.filePath());

        QString shownPlace;
        bool fileOffered = false;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            clickNamed(dialog, QStringLiteral("addProfile"));
            typeInto(dialog, QStringLiteral("profileName"), QStringLiteral("Servers"));
            tick(dialog, QStringLiteral("storePostgres"));
            studio.type(dialog, QStringLiteral("databaseUrl"), postgres_->databaseUrl());
            studio.type(dialog, QStringLiteral("databasePassword"), QStringLiteral("pg-s3cret"));
            tick(dialog, QStringLiteral("cacheRedis"));
            studio.type(dialog, QStringLiteral("redisUrl"), QStringLiteral("redis://") + redis.address());
            studio.type(dialog, QStringLiteral("redisPassword"), QStringLiteral("redis-s3cret"));
            QVERIFY(QTest::qWaitFor([&] { return secrets.place() != SecretStore::Place::Unknown; }, 10000));
            shownPlace = dialog->findChild<QLabel *>(QStringLiteral("secretsPlace"))->text();
            auto *keep = dialog->findChild<QCheckBox *>(QStringLiteral("keepPasswordsInFile"));
            fileOffered = keep->isVisible();
            if (keepInFile)
                tick(dialog, QStringLiteral("keepPasswordsInFile"));
            clickNamed(dialog, QStringLiteral("connectProfile"));
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        QVERIFY2(shownPlace.contains(QLatin1String("session only")), qPrintable(shownPlace));
        QVERIFY(fileOffered);
        QVERIFY(studio.waitForCampaigns());

        // Connected with the passwords typed; the status bar says where they are kept.
        QCOMPARE(studio.session().config().database.password, QStringLiteral("pg-s3cret"));
        QCOMPARE(UrlPassword::split(studio.session().config().cache.url).password, QStringLiteral("redis-s3cret"));
        const QString status = studio.window().statusBar()->currentMessage();
        QVERIFY2(status.contains(keepInFile ? secrets.filePath() : QStringLiteral("session only")), qPrintable(status));

        // The settings file: the URLs with their user names and without passwords; 0600.
        verifyPrivateWithoutPasswords(QSettings().fileName(), {"pg-s3cret", "redis-s3cret"});
        QSettings remembered;
        const ConnectionProfile servers = ConnectionProfiles(remembered, secrets).current();
        QCOMPARE(servers.name, QStringLiteral("Servers"));
        const QString group = QStringLiteral("profiles/%1/").arg(servers.id);
        QCOMPARE(remembered.value(group + QStringLiteral("databaseUrl")).toString(), postgres_->databaseUrl());
        QCOMPARE(remembered.value(group + QStringLiteral("redisUrl")).toString(), QStringLiteral("redis://") + redis.address());
        QCOMPARE(QFileInfo::exists(secrets.filePath()), keepInFile);
        if (keepInFile)
            verifyOwnerOnly(secrets.filePath());

        // The next start of the studio knows the passwords only from the file the user agreed to.
        SecretStore nextRun(QCoreApplication::applicationName());
        nextRun.load(ConnectionProfiles::secretKeys(remembered));
        QVERIFY(nextRun.waitForLoaded(std::chrono::seconds(10)));
        const auto next = ConnectionProfiles(remembered, nextRun).byName(QStringLiteral("Servers"));
        QVERIFY(next);
        QCOMPARE(UrlPassword::split(next->settings.databaseUrl).password, keepInFile ? QStringLiteral("pg-s3cret") : QString());
        QCOMPARE(UrlPassword::split(next->settings.redisUrl).password, keepInFile ? QStringLiteral("redis-s3cret") : QString());
        QCOMPARE(UrlPassword::split(next->settings.databaseUrl).url, postgres_->databaseUrl());
        verifyPrivateWithoutPasswords(QSettings().fileName(), {"pg-s3cret", "redis-s3cret"});
    }

    // With a secret store running (test_gui_settings_secret_store provides one), the passwords
    // go there, each profile's under keys of its own: the settings file holds none, no file of
    // passwords is written, the next start reads them back, and a profile without passwords,
    // or deleted, has them removed.
    void passwordsGoToTheSecretStore()
    {
        if (!qEnvironmentVariableIsSet("ADSERVE_TEST_SECRET_STORE"))
            QSKIP("needs a secret store: run as test_gui_settings_secret_store");
        QSettings().clear();
        QSettings settings;
        const auto started = [&](SecretStore &secrets) {
            secrets.load(ConnectionProfiles::secretKeys(settings));
            return secrets.waitForLoaded(std::chrono::seconds(20));
        };
        SecretStore secrets(QCoreApplication::applicationName());
        QVERIFY(started(secrets));
        QCOMPARE(secrets.place(), SecretStore::Place::Keychain);
        QVERIFY2(secrets.describe().contains(QLatin1String("secret store")), qPrintable(secrets.describe()));
        ConnectionSettings staging;
        staging.store = ConnectionSettings::Store::Postgres;
        staging.cache = ConnectionSettings::Cache::Redis;
        staging.databaseUrl = QStringLiteral("postgres://app:pg-s3cret@db/adserve");
        staging.redisUrl = QStringLiteral("redis://:redis-s3cret@cache:6379");
        ConnectionSettings local;
        local.cache = ConnectionSettings::Cache::Redis;
        local.redisUrl = QStringLiteral("redis://:local-s3cret@127.0.0.1:6379");
        const ConnectionProfile stagingProfile{QStringLiteral("1"), QStringLiteral("Staging"), staging};
        const ConnectionProfile localProfile{QStringLiteral("2"), QStringLiteral("Local"), local};
        ConnectionProfiles(settings, secrets).saveAll({ConnectionProfiles::builtIn(), stagingProfile, localProfile});
        verifyPrivateWithoutPasswords(settings.fileName(), {"pg-s3cret", "redis-s3cret", "local-s3cret"});
        QVERIFY(!QFileInfo::exists(secrets.filePath()));

        // Jobs of the secret store run one after another: the next start reads what was written.
        SecretStore nextRun(QCoreApplication::applicationName());
        QVERIFY(started(nextRun));
        QCOMPARE(nextRun.password(stagingProfile.secretPrefix() + QStringLiteral("DATABASE_URL")), QStringLiteral("pg-s3cret"));
        QCOMPARE(nextRun.password(localProfile.secretPrefix() + QStringLiteral("REDIS_URL")), QStringLiteral("local-s3cret"));
        ConnectionProfiles profiles(settings, nextRun);
        auto next = profiles.byName(QStringLiteral("Staging"));
        QVERIFY(next);
        QCOMPARE(next->settings.databaseUrl, staging.databaseUrl);
        QCOMPARE(next->settings.redisUrl, staging.redisUrl);
        QCOMPARE(profiles.byName(QStringLiteral("Local"))->settings.redisUrl, local.redisUrl);

        // Staging loses its passwords, Local is deleted.
        next->settings.databaseUrl = QStringLiteral("postgres://app@db/adserve");
        next->settings.redisUrl.clear();
        profiles.saveAll({ConnectionProfiles::builtIn(), *next});
        SecretStore thirdRun(QCoreApplication::applicationName());
        QVERIFY(started(thirdRun));
        for (const QString &key : ConnectionSettings::secretKeys(stagingProfile.secretPrefix())
                                      + ConnectionSettings::secretKeys(localProfile.secretPrefix()))
            QVERIFY2(thirdRun.password(key).isEmpty(), qPrintable(key));
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

        // An unusable connection leaves the current one in place.
        ConnectionSettings broken;
        broken.store = ConnectionSettings::Store::Postgres;
        broken.databaseUrl = QStringLiteral("postgres://nobody@127.0.0.1:1/none?connect_timeout=2");
        QVERIFY(!studio.window().switchConnection(broken, &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(studio.session().engine().store().target().sqlitePath, s.sqlitePath);
    }
};

QTEST_MAIN(TestSettings)
#include "tst_gui_settings.moc"
