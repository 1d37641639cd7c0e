// Connection profiles: named stores and caches chosen independently (SQLite with Redis too),
// every profile's addresses and passwords kept whichever is in use, the passwords per profile
// in the secret store and never in the settings file; the built-in "Embedded" profile always
// there; the profile manager adds, duplicates, renames and deletes, refusing empty and
// duplicate names; File ▸ Connection profile switches; a failing profile leaves the connection
// in use; the last profile opens at the next start; an older studio's connection becomes a
// profile.
#include "SettingsTestTools.h"
#include "StudioFixture.h"
#include "TestPostgres.h"
#include "TestRedis.h"

#include "config/UrlPassword.h"
#include "settings/ProfileSwitcher.h"
#include "settings/ProfilesMenu.h"
#include "settings/SecretStore.h"

#include <QApplication>
#include <QLabel>
#include <QMessageBox>
#include <QSpinBox>
#include <QStatusBar>

using namespace adserve;
using namespace adserve::test;

class TestProfiles : public QObject
{
    Q_OBJECT

    QTemporaryDir home_;
    QTemporaryDir settingsDir_;
    std::unique_ptr<TestPostgres> postgres_;

    bool startPostgres()
    {
        if (postgres_)
            return true;
        QString error;
        postgres_ = std::make_unique<TestPostgres>();
        if (postgres_->start(&error))
            return true;
        qWarning("%s", qPrintable(error));
        postgres_.reset();
        return false;
    }

    static ProfilesMenu *profilesMenu(StudioFixture &studio)
    {
        return studio.window().findChild<ProfilesMenu *>(QStringLiteral("connectionProfiles"));
    }

    // What File ▸ Connection profile shows: each profile, "✓" before the one checked.
    static QStringList menuEntries(StudioFixture &studio)
    {
        ProfilesMenu *menu = profilesMenu(studio);
        menu->popup(QPoint(0, 0));
        QStringList entries;
        for (QAction *action : menu->actions())
            entries << (action->isChecked() ? QStringLiteral("✓ ") : QString()) + action->text();
        menu->hide();
        return entries;
    }

    // Opens File ▸ Connection profile and clicks `name`, as a user does.
    static bool chooseFromMenu(StudioFixture &studio, const QString &name)
    {
        ProfilesMenu *menu = profilesMenu(studio);
        menu->popup(QPoint(0, 0));
        if (!QTest::qWaitForWindowExposed(menu))
            return false;
        for (QAction *action : menu->actions()) {
            if (action->text() == name) {
                QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(action).center());
                return true;
            }
        }
        return false;
    }

    static QString currentProfile(StudioFixture &studio)
    {
        QSettings settings;
        return ConnectionProfiles(settings, studio.session().secrets()).current().name;
    }

    static ConnectionSettings sqliteAt(const QString &path)
    {
        ConnectionSettings s;
        s.sqlitePath = path;
        s.listen = QStringLiteral("127.0.0.1:0");
        return s;
    }

    static QString text(QWidget *scope, const QString &name)
    {
        if (auto *edit = scope->findChild<QLineEdit *>(name))
            return edit->text();
        auto *label = scope->findChild<QLabel *>(name);
        return label ? label->text() : QStringLiteral("<no %1>").arg(name);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The built-in profile's SQLite file (under the home folder) and the settings: the test's own.
        QVERIFY(home_.isValid() && settingsDir_.isValid());
        qputenv("HOME", home_.path().toLocal8Bit());
        keepSettingsIn(settingsDir_.path());
    }

    void init() { QSettings().clear(); }

    // The user trial: two profiles, one on PostgreSQL and Redis; switching to Embedded and back
    // keeps every address and password, and each switch runs the session on that profile.
    void switchingBackAndForthKeepsEveryAddress()
    {
        if (!TestRedisServer::toolsAvailable() || !startPostgres())
            QSKIP("needs redis-server and PostgreSQL (installer/install-deps.sh)");
        TestRedisServer redis({.password = QStringLiteral("redis-s3cret")});
        QVERIFY2(redis.start(), qPrintable(redis.error()));
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        QTemporaryDir local;
        const QString localPath = local.filePath(QStringLiteral("local.sqlite"));

        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            // "Local": the user types a PostgreSQL address, then settles for a SQLite file.
            clickNamed(dialog, QStringLiteral("addProfile"));
            typeInto(dialog, QStringLiteral("profileName"), QStringLiteral("Local"));
            tick(dialog, QStringLiteral("storePostgres"));
            typeInto(dialog, QStringLiteral("databaseUrl"), QStringLiteral("postgres://app@db.example/adserve"));
            tick(dialog, QStringLiteral("storeSqlite"));
            typeInto(dialog, QStringLiteral("sqlitePath"), localPath);
            typeInto(dialog, QStringLiteral("listen"), QStringLiteral("127.0.0.1:0"));
            // "Servers": PostgreSQL and Redis, with passwords.
            clickNamed(dialog, QStringLiteral("addProfile"));
            typeInto(dialog, QStringLiteral("profileName"), QStringLiteral("Servers"));
            tick(dialog, QStringLiteral("storePostgres"));
            typeInto(dialog, QStringLiteral("databaseUrl"), postgres_->databaseUrl());
            typeInto(dialog, QStringLiteral("databasePassword"), QStringLiteral("pg-s3cret"));
            tick(dialog, QStringLiteral("cacheRedis"));
            typeInto(dialog, QStringLiteral("redisUrl"), QStringLiteral("redis://") + redis.address());
            typeInto(dialog, QStringLiteral("redisPassword"), QStringLiteral("redis-s3cret"));
            typeInto(dialog, QStringLiteral("listen"), QStringLiteral("127.0.0.1:0"));
            clickNamed(dialog, QStringLiteral("connectProfile"));
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        QVERIFY(studio.waitForCampaigns());
        QVERIFY(studio.session().config().database.isPostgres());
        QCOMPARE(studio.session().config().database.password, QStringLiteral("pg-s3cret"));
        QCOMPARE(UrlPassword::split(studio.session().config().cache.url).url, QStringLiteral("redis://") + redis.address());
        QCOMPARE(currentProfile(studio), QStringLiteral("Servers"));

        for (int round = 0; round < 2; ++round) {
            QVERIFY(chooseFromMenu(studio, QStringLiteral("Embedded")));
            QTRY_COMPARE(currentProfile(studio), QStringLiteral("Embedded"));
            QCOMPARE(studio.session().config().database.sqlitePath, Config::defaultSqlitePath());
            QCOMPARE(studio.session().config().cache.url, QStringLiteral("memory://"));

            QVERIFY(chooseFromMenu(studio, QStringLiteral("Local")));
            QTRY_COMPARE(currentProfile(studio), QStringLiteral("Local"));
            QCOMPARE(studio.session().config().database.sqlitePath, localPath);

            QVERIFY(chooseFromMenu(studio, QStringLiteral("Servers")));
            QTRY_COMPARE(currentProfile(studio), QStringLiteral("Servers"));
            QVERIFY(studio.waitForCampaigns());
            QCOMPARE(studio.session().config().database.password, QStringLiteral("pg-s3cret"));
            QCOMPARE(UrlPassword::split(studio.session().config().cache.url).password, QStringLiteral("redis-s3cret"));
        }

        // The manager shows every address as typed, the one not chosen included.
        QStringList servers, localShown;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            QVERIFY(selectProfile(dialog, QStringLiteral("Servers")));
            for (const char *field : {"databaseUrl", "databasePassword", "redisUrl", "redisPassword"})
                servers << text(dialog, QLatin1String(field));
            QVERIFY(selectProfile(dialog, QStringLiteral("Local")));
            localShown << text(dialog, QStringLiteral("databaseUrl")) << text(dialog, QStringLiteral("sqlitePath"));
            clickButton(dialog, QDialogButtonBox::Cancel);
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        QCOMPARE(servers, QStringList({postgres_->databaseUrl(), QStringLiteral("pg-s3cret"),
                                       QStringLiteral("redis://") + redis.address(), QStringLiteral("redis-s3cret")}));
        QCOMPARE(localShown, QStringList({QStringLiteral("postgres://app@db.example/adserve"), localPath}));
    }

    // The server allows REDIS_URL with the SQLite store; so does a profile.
    void sqliteWithRedisConnects()
    {
        if (!TestRedisServer::toolsAvailable())
            QSKIP("redis-server is not installed (installer/install-deps.sh)");
        TestRedisServer redis;
        QVERIFY2(redis.start(), qPrintable(redis.error()));
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("with-redis.sqlite"));

        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            clickNamed(dialog, QStringLiteral("addProfile"));
            typeInto(dialog, QStringLiteral("profileName"), QStringLiteral("SQLite + Redis"));
            typeInto(dialog, QStringLiteral("sqlitePath"), path);
            tick(dialog, QStringLiteral("cacheRedis"));
            typeInto(dialog, QStringLiteral("redisUrl"), QStringLiteral("redis://") + redis.address());
            typeInto(dialog, QStringLiteral("listen"), QStringLiteral("127.0.0.1:0"));
            clickNamed(dialog, QStringLiteral("connectProfile"));
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        QVERIFY(studio.waitForCampaigns());
        QCOMPARE(currentProfile(studio), QStringLiteral("SQLite + Redis"));
        QCOMPARE(studio.session().engine().store().target().sqlitePath, path);
        const QString cache = studio.session().engine().cache().backend().describe();
        QVERIFY2(cache.contains(redis.address()), qPrintable(cache));

        // A delivery fills that Redis with the campaigns it read from the SQLite file.
        const DeliveryResult result = studio.session().engine().delivery().deliver(
            TargetingQuery::from(QStringLiteral("US"), QStringLiteral("Android"), QStringLiteral("com.gametion.ludokinggame")));
        QCOMPARE(result.campaignIds.size(), size_t(2));
        const QByteArray key = "campaign:" + QByteArray::number(result.campaignIds.front());
        QTRY_COMPARE(redis.cli({QStringLiteral("EXISTS"), QString::fromLatin1(key)}), QByteArray("1"));
    }

    // Each profile's passwords under keys of its own, in the secret store (this session's
    // memory here: no secret store runs), never in the settings file; a rename keeps them.
    void passwordsArePerProfileInTheSecretStore()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            for (const auto &[name, password] : {std::pair{"Staging", "staging-s3cret"}, std::pair{"Production", "prod-s3cret"}}) {
                clickNamed(dialog, QStringLiteral("addProfile"));
                typeInto(dialog, QStringLiteral("profileName"), QLatin1String(name));
                tick(dialog, QStringLiteral("storePostgres"));
                typeInto(dialog, QStringLiteral("databaseUrl"), QStringLiteral("postgres://app@db.example/%1").arg(QLatin1String(name)));
                typeInto(dialog, QStringLiteral("databasePassword"), QLatin1String(password));
            }
            clickButton(dialog, QDialogButtonBox::Save);
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        verifyPrivateWithoutPasswords(QSettings().fileName(), {"staging-s3cret", "prod-s3cret"});
        SecretStore &secrets = studio.session().secrets();
        QSettings settings;
        ConnectionProfiles profiles(settings, secrets);
        const auto staging = profiles.byName(QStringLiteral("Staging"));
        const auto production = profiles.byName(QStringLiteral("Production"));
        QVERIFY(staging && production);
        QCOMPARE(secrets.password(staging->secretPrefix() + QStringLiteral("DATABASE_URL")), QStringLiteral("staging-s3cret"));
        QCOMPARE(secrets.password(production->secretPrefix() + QStringLiteral("DATABASE_URL")), QStringLiteral("prod-s3cret"));
        QVERIFY(ConnectionProfiles::secretKeys(settings).contains(staging->secretPrefix() + QStringLiteral("DATABASE_URL")));

        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            QVERIFY(selectProfile(dialog, QStringLiteral("Staging")));
            clickNamed(dialog, QStringLiteral("renameProfile"));
            QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("profileName")), QStringLiteral("QA"));
            clickButton(dialog, QDialogButtonBox::Save);
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        const auto renamed = ConnectionProfiles(settings, secrets).byName(QStringLiteral("QA"));
        QVERIFY(renamed);
        QCOMPARE(renamed->id, staging->id);
        QCOMPARE(UrlPassword::split(renamed->settings.databaseUrl).password, QStringLiteral("staging-s3cret"));
        verifyPrivateWithoutPasswords(QSettings().fileName(), {"staging-s3cret", "prod-s3cret"});
    }

    // What an older studio remembered: one connection, its passwords in the (world-readable)
    // file. At start-up it becomes the profile "Saved connection", the one opened.
    void anOlderStudiosConnectionBecomesAProfile_data()
    {
        QTest::addColumn<QByteArray>("remembered");
        QTest::addColumn<int>("store");
        QTest::addColumn<int>("cache");
        QTest::newRow("PostgreSQL and Redis")
            << QByteArray("embedded=false\ndatabaseUrl=postgres://app:old-s3cret@db.example/adserve\n"
                          "redisUrl=redis://:old-s3cret@cache.example:6379\nbatchSize=7\n")
            << int(ConnectionSettings::Store::Postgres) << int(ConnectionSettings::Cache::Redis);
        QTest::newRow("PostgreSQL alone")
            << QByteArray("embedded=false\ndatabaseUrl=postgres://app:old-s3cret@db.example/adserve\nbatchSize=7\n")
            << int(ConnectionSettings::Store::Postgres) << int(ConnectionSettings::Cache::Memory);
        QTest::newRow("embedded, addresses kept")
            << QByteArray("embedded=true\nsqlitePath=/tmp/old-studio.sqlite\ndatabaseUrl=postgres://app:old-s3cret@db.example/adserve\n"
                          "batchSize=7\n")
            << int(ConnectionSettings::Store::Sqlite) << int(ConnectionSettings::Cache::Memory);
    }

    void anOlderStudiosConnectionBecomesAProfile()
    {
        QFETCH(QByteArray, remembered);
        QFETCH(int, store);
        QFETCH(int, cache);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.conf"));
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("[connection]\n" + remembered);
        old.close();
        QVERIFY(old.setPermissions(old.permissions() | QFile::ReadGroup | QFile::ReadOther));

        // The start-up, as adserve-studio does it.
        SecretStore secrets(QStringLiteral("adserve-profiles-test"));
        QSettings settings(path, QSettings::IniFormat);
        {
            // Before the secret store answers, nothing moves: the passwords would be left behind.
            SecretStore unread(QStringLiteral("adserve-profiles-test"));
            QVERIFY(!ConnectionProfiles(settings, unread).migrate());
            QVERIFY(settings.childGroups().contains(QStringLiteral("connection")));
        }
        secrets.load(ConnectionProfiles::secretKeys(settings));
        QVERIFY(secrets.waitForLoaded(std::chrono::seconds(10)));
        QString error;
        const auto given = ConfigBuilder::build({}, &error);
        QVERIFY2(given, qPrintable(error));
        ConnectionProfiles profiles(settings, secrets);
        const auto opened = profiles.startupConfig(*given, &error);
        QVERIFY2(opened, qPrintable(error));

        const ConnectionProfile saved = profiles.current();
        QCOMPARE(saved.name, QStringLiteral("Saved connection"));
        QCOMPARE(int(saved.settings.store), store);
        QCOMPARE(int(saved.settings.cache), cache);
        QCOMPARE(saved.settings.batchSize, 7);
        QCOMPARE(opened->batchSize, 7);
        QCOMPARE(opened->database.isPostgres(), store == int(ConnectionSettings::Store::Postgres));
        QCOMPARE(opened->cache.url.startsWith(QLatin1String("redis://")), cache == int(ConnectionSettings::Cache::Redis));
        // Nothing the user had is lost: the address not in use and the passwords included.
        QCOMPARE(saved.settings.databaseUrl, QStringLiteral("postgres://app:old-s3cret@db.example/adserve"));
        if (store == int(ConnectionSettings::Store::Sqlite))
            QCOMPARE(opened->database.sqlitePath, QStringLiteral("/tmp/old-studio.sqlite"));
        QCOMPARE(secrets.password(saved.secretPrefix() + QStringLiteral("DATABASE_URL")), QStringLiteral("old-s3cret"));
        QVERIFY(secrets.password(QStringLiteral("DATABASE_URL")).isEmpty()); // the old key is forgotten
        QCOMPARE(profiles.all().constFirst().name, QStringLiteral("Embedded"));

        // The old group is gone, the file private and free of passwords; the next start finds
        // the profile and migrates nothing again.
        QVERIFY(!settings.childGroups().contains(QStringLiteral("connection")));
        verifyPrivateWithoutPasswords(path, {"old-s3cret"});
        QVERIFY(!ConnectionProfiles(settings, secrets).migrate());
        QCOMPARE(ConnectionProfiles(settings, secrets).all().size(), 2);
    }

    // The profile manager: add, duplicate, rename, delete; empty and duplicate names refused
    // with a clear message; the built-in profile can be neither deleted nor renamed.
    void addDuplicateRenameDelete()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        QStringList problems;
        bool builtInFixed = false;
        bool stayedOpen = false;
        QString refusal;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("profileName"));
            const auto enabled = [&](const char *button) {
                return dialog->findChild<QAbstractButton *>(QLatin1String(button))->isEnabled();
            };
            builtInFixed = !enabled("deleteProfile") && !enabled("renameProfile") && !name->isEnabled()
                           && !dialog->findChild<QWidget *>(QStringLiteral("storePostgres"))->isEnabled();

            clickNamed(dialog, QStringLiteral("addProfile")); // "New profile", its name selected to type over
            QTest::keyClicks(name, QStringLiteral("Staging"));
            tick(dialog, QStringLiteral("storePostgres"));
            typeInto(dialog, QStringLiteral("databaseUrl"), QStringLiteral("postgres://app@db.example/adserve"));
            clickNamed(dialog, QStringLiteral("duplicateProfile")); // "Staging copy"
            problems << name->text() << text(dialog, QStringLiteral("databaseUrl"));
            typeInto(dialog, QStringLiteral("profileName"), QStringLiteral("staging"));
            problems << text(dialog, QStringLiteral("nameProblem"));
            clickButton(dialog, QDialogButtonBox::Save);
            stayedOpen = dialog->isVisible();
            refusal = text(dialog, QStringLiteral("settingsError"));
            typeInto(dialog, QStringLiteral("profileName"), QString());
            problems << text(dialog, QStringLiteral("nameProblem"));
            typeInto(dialog, QStringLiteral("profileName"), QStringLiteral("QA"));
            problems << text(dialog, QStringLiteral("nameProblem"));
            QVERIFY(selectProfile(dialog, QStringLiteral("Staging")));
            clickNamed(dialog, QStringLiteral("deleteProfile"));
            clickButton(dialog, QDialogButtonBox::Save);
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        QVERIFY(builtInFixed);
        QCOMPARE(problems, QStringList({QStringLiteral("Staging copy"), QStringLiteral("postgres://app@db.example/adserve"),
                                        QStringLiteral("There is already a profile named “Staging”: choose another name."),
                                        QStringLiteral("A profile needs a name."), QString()}));
        QVERIFY(stayedOpen);
        QCOMPARE(refusal, QStringLiteral("There is already a profile named “Staging”: choose another name."));

        QSettings settings;
        const QList<ConnectionProfile> kept = ConnectionProfiles(settings, studio.session().secrets()).all();
        QCOMPARE(kept.size(), 2);
        QCOMPARE(kept.at(0).name, QStringLiteral("Embedded"));
        QCOMPARE(kept.at(1).name, QStringLiteral("QA"));
        QCOMPARE(kept.at(1).settings.store, ConnectionSettings::Store::Postgres);
        QCOMPARE(kept.at(1).settings.databaseUrl, QStringLiteral("postgres://app@db.example/adserve"));
    }

    // File ▸ Connection profile lists the profiles, the one in use checked; choosing one
    // switches; one that cannot connect says why and leaves the connection in use.
    void theMenuListsProfilesAndSwitches()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        QTemporaryDir dir;
        SecretStore &secrets = studio.session().secrets();
        rememberProfile(secrets, QStringLiteral("A"), sqliteAt(studio.sqlitePath()), true);
        rememberProfile(secrets, QStringLiteral("B"), sqliteAt(dir.filePath(QStringLiteral("b.sqlite"))));
        ConnectionSettings broken;
        broken.store = ConnectionSettings::Store::Postgres;
        broken.databaseUrl = QStringLiteral("postgres://nobody@127.0.0.1:1/none?connect_timeout=2");
        rememberProfile(secrets, QStringLiteral("Broken"), broken);
        QCOMPARE(menuEntries(studio), QStringList({QStringLiteral("Embedded"), QStringLiteral("✓ A"), QStringLiteral("B"),
                                                   QStringLiteral("Broken")}));

        QVERIFY(chooseFromMenu(studio, QStringLiteral("B")));
        QTRY_COMPARE(studio.session().config().database.sqlitePath, dir.filePath(QStringLiteral("b.sqlite")));
        QVERIFY(studio.waitForCampaigns());
        QCOMPARE(currentProfile(studio), QStringLiteral("B"));
        QCOMPARE(menuEntries(studio), QStringList({QStringLiteral("Embedded"), QStringLiteral("A"), QStringLiteral("✓ B"),
                                                   QStringLiteral("Broken")}));
        QVERIFY(studio.window().statusBar()->currentMessage().contains(QStringLiteral("Connected to “B”")));

        Engine *inUse = &studio.session().engine();
        QString warning;
        StudioFixture::answerNextDialog([&](QWidget *box) {
            warning = static_cast<QMessageBox *>(box)->text();
            box->close();
        });
        QVERIFY(chooseFromMenu(studio, QStringLiteral("Broken")));
        QTRY_VERIFY(!warning.isEmpty());
        QVERIFY2(warning.contains(QLatin1String("still in use")), qPrintable(warning));
        QCOMPARE(&studio.session().engine(), inUse);
        QCOMPARE(currentProfile(studio), QStringLiteral("B"));
    }

    // Opened on a connection given on the command line or in the environment: no profile is
    // marked in use, and choosing the one remembered last opens it.
    void aGivenConnectionIsNoProfile()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        QTemporaryDir dir;
        rememberProfile(studio.session().secrets(), QStringLiteral("A"), sqliteAt(dir.filePath(QStringLiteral("a.sqlite"))), true);
        studio.window().profiles().setConnectionGiven(true);
        QCOMPARE(menuEntries(studio), QStringList({QStringLiteral("Embedded"), QStringLiteral("A")}));
        QVERIFY(chooseFromMenu(studio, QStringLiteral("A")));
        QTRY_COMPARE(studio.session().config().database.sqlitePath, dir.filePath(QStringLiteral("a.sqlite")));
        QVERIFY(studio.waitForCampaigns());
        QCOMPARE(menuEntries(studio), QStringList({QStringLiteral("Embedded"), QStringLiteral("✓ A")}));
    }

    // Connect on a profile that cannot connect: the manager says why and stays open; the
    // connection in use stays, and the profile is kept to be fixed.
    void aFailingProfileKeepsTheConnectionInUse()
    {
        StudioFixture studio;
        QString error;
        QVERIFY2(studio.open({}, &error), qPrintable(error));
        Engine *inUse = &studio.session().engine();
        QString shown;
        bool stayedOpen = false;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            clickNamed(dialog, QStringLiteral("addProfile"));
            typeInto(dialog, QStringLiteral("profileName"), QStringLiteral("Broken"));
            tick(dialog, QStringLiteral("storePostgres"));
            typeInto(dialog, QStringLiteral("databaseUrl"), QStringLiteral("postgres://nobody@127.0.0.1:1/none?connect_timeout=2"));
            clickNamed(dialog, QStringLiteral("connectProfile"));
            stayedOpen = dialog->isVisible();
            shown = text(dialog, QStringLiteral("settingsError"));
            clickButton(dialog, QDialogButtonBox::Cancel);
        });
        QVERIFY(studio.trigger(QStringLiteral("connectionSettings")));
        QVERIFY(stayedOpen);
        QVERIFY2(shown.startsWith(QStringLiteral("Not connected to “Broken”")), qPrintable(shown));
        QVERIFY2(shown.contains(QLatin1String("still in use")), qPrintable(shown));
        QCOMPARE(&studio.session().engine(), inUse);
        QCOMPARE(currentProfile(studio), QStringLiteral("Embedded"));
        QSettings settings;
        QVERIFY(ConnectionProfiles(settings, studio.session().secrets()).byName(QStringLiteral("Broken")));
    }

    // The profile used last opens at the next start (a new session on the same settings),
    // its Redis cache included.
    void theLastProfileOpensAfterARestart()
    {
        if (!TestRedisServer::toolsAvailable())
            QSKIP("redis-server is not installed (installer/install-deps.sh)");
        TestRedisServer redis;
        QVERIFY2(redis.start(), qPrintable(redis.error()));
        QTemporaryDir dir;
        ConnectionSettings last = sqliteAt(dir.filePath(QStringLiteral("last.sqlite")));
        last.cache = ConnectionSettings::Cache::Redis;
        last.redisUrl = QStringLiteral("redis://") + redis.address();
        {
            StudioFixture studio;
            QString error;
            QVERIFY2(studio.open({}, &error), qPrintable(error));
            rememberProfile(studio.session().secrets(), QStringLiteral("Last"), last);
            QVERIFY(chooseFromMenu(studio, QStringLiteral("Last")));
            QTRY_COMPARE(currentProfile(studio), QStringLiteral("Last"));
        }

        StudioSession restarted;
        QSettings settings;
        restarted.secrets().load(ConnectionProfiles::secretKeys(settings));
        QVERIFY(restarted.secrets().waitForLoaded(std::chrono::seconds(10)));
        QString error;
        const auto given = ConfigBuilder::build({{QStringLiteral("ADSERVE_THREADS"), QStringLiteral("2")}}, &error);
        QVERIFY2(given, qPrintable(error));
        const auto config = ConnectionProfiles(settings, restarted.secrets()).startupConfig(*given, &error);
        QVERIFY2(config, qPrintable(error));
        QVERIFY2(restarted.open(*config, &error), qPrintable(error));
        QCOMPARE(restarted.engine().store().target().sqlitePath, last.sqlitePath);
        const QString cache = restarted.engine().cache().backend().describe();
        QVERIFY2(cache.contains(redis.address()), qPrintable(cache));
    }
};

QTEST_MAIN(TestProfiles)
#include "tst_gui_profiles.moc"
