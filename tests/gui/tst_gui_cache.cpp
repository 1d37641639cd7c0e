// The cache panel, on the in-memory cache and on a real redis-server: warm-up, the key
// browser (SCAN or a campaign code) with each key's campaign, real type and a TTL counting
// down, TTL editing, deleting a key / a pattern typed in its own dialog with a preview and
// confirmation (the keys really leave the backend), the staleness check with old and new
// values and a refresh from the store, the cache-down banner, and the guards for a cache on
// another host (typing its name, read-only mode).
#include "StudioFixture.h"
#include "LoopbackPort.h"
#include "TestRedis.h"

#include "cache/CachePanel.h"
#include "cache/CacheTarget.h"
#include "cache/CampaignCodec.h"
#include "cache/HitRatioWindow.h"
#include "cache/HostConfirmation.h"
#include "cache/KeyDeletionDialog.h"
#include "cache/KeyTtl.h"
#include "cache/StaleKeysView.h"
#include "common/BackgroundJob.h"

#include <QAction>
#include <QCheckBox>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

using namespace adserve;
using namespace adserve::test;

class TestCachePanel : public QObject
{
    Q_OBJECT
    std::unique_ptr<TestRedisServer> redis_;
    std::unique_ptr<StudioFixture> studio_; // each test's own, opened on the cache of the data row by init()

    // The data row's cache: QTest::currentDataTag() names only a test's own rows, not these.
    static bool onRedis()
    {
        QFETCH_GLOBAL(QString, cache);
        return cache == QLatin1String("redis");
    }

    std::unique_ptr<StudioFixture> openStudio()
    {
        QMap<QString, QString> values;
        if (onRedis()) {
            if (!TestRedisServer::toolsAvailable()) {
                qWarning("redis-server is not installed (installer/install-deps.sh installs it)");
                return nullptr;
            }
            if (!redis_) {
                redis_ = std::make_unique<TestRedisServer>();
                if (!redis_->start()) {
                    qWarning("redis: %s", qPrintable(redis_->error()));
                    redis_.reset();
                    return nullptr;
                }
            }
            redis_->cli({QStringLiteral("FLUSHALL")});
            values.insert(QStringLiteral("REDIS_URL"), redis_->url());
        }
        auto studio = std::make_unique<StudioFixture>();
        QString error;
        if (!studio->open(values, &error)) {
            qWarning("%s", qPrintable(error));
            return nullptr;
        }
        studio->window().tabs()->setCurrentWidget(studio->window().cache());
        return studio;
    }

    CachePanel *panel() { return studio_->window().cache(); }
    CacheBackend &backend() { return studio_->session().engine().cache().backend(); }

    // The text of a column of the key browser's row for `key`; empty when the key is not shown.
    QString cell(const QString &key, int column)
    {
        QTableWidget *table = panel()->keyTable();
        for (QTableWidgetItem *found : table->findItems(key, Qt::MatchExactly)) {
            if (found->column() == CachePanel::KeyName)
                return table->item(found->row(), column)->text();
        }
        return {};
    }

    // Searches the browser for `text` as a user does (typed, Enter) and waits for the keys.
    QStringList search(const QString &text)
    {
        if (!studio_->type(panel(), QStringLiteral("keyPattern"), text, true) || !panel()->job()->waitForFinished(20000))
            return {QStringLiteral("(the search did not run)")};
        QStringList keys = panel()->shownKeys();
        keys.sort();
        return keys;
    }

    QByteArray cachedValue(const QByteArray &key)
    {
        if (onRedis()) // Redis's own view
            return redis_->cli({QStringLiteral("GET"), QString::fromUtf8(key)});
        const auto values = backend().getMany({key});
        return values.ok() && values.value.value(0) ? *values.value.value(0) : QByteArray();
    }

    bool keyExists(const QByteArray &key)
    {
        const auto values = backend().getMany({key});
        return values.ok() && values.value.value(0).has_value();
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("cache");
        QTest::newRow("memory") << QStringLiteral("memory");
        QTest::newRow("redis") << QStringLiteral("redis");
    }

    // QSettings go to a test location before anything reads or writes them.
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Every test starts on a warmed cache, its campaign keys scanned into the browser.
    void init()
    {
        QSettings().remove(QStringLiteral("cache/readOnly")); // a test left it on: not this one's choice
        studio_ = openStudio();
        if (!studio_)
            QFAIL("the cache backend could not be started (see the warning above)");
        QVERIFY(studio_->trigger(QStringLiteral("warmCache")));
        QVERIFY(panel()->job()->waitForFinished(20000));
        QVERIFY(studio_->type(panel(), QStringLiteral("keyPattern"), QStringLiteral("campaign:*")));
        QVERIFY(studio_->click(QStringLiteral("scan")));
        QVERIFY(panel()->job()->waitForFinished(20000));
    }

    void cleanup() { studio_.reset(); }

    void warmUpAndBrowseKeys()
    {
        QStringList keys = panel()->shownKeys();
        keys.sort();
        QCOMPARE(keys, (QStringList{"campaign:1", "campaign:2", "campaign:3"}));
        panel()->selectKey(QStringLiteral("campaign:2"));
        const QString value = panel()->findChild<QPlainTextEdit *>(QStringLiteral("keyValue"))->toPlainText();
        QVERIFY2(value.contains(QLatin1String("\"Code\": \"duolingo\"")), qPrintable(value)); // pretty-printed
        // TTL 24 h, in the one format, and the campaign beside its key.
        const QString ttl = cell(QStringLiteral("campaign:2"), CachePanel::KeyTtlLeft);
        QVERIFY2(QRegularExpression(QStringLiteral("^(24h 0m 0s|23h 59m \\d+s)$")).match(ttl).hasMatch(), qPrintable(ttl));
        QCOMPARE(cell(QStringLiteral("campaign:1"), CachePanel::CampaignOfKey), QStringLiteral("spotify — Spotify - Music for everyone"));
        QVERIFY(cell(QStringLiteral("campaign:2"), CachePanel::CampaignOfKey).startsWith(QStringLiteral("duolingo — ")));
        QVERIFY(cell(QStringLiteral("campaign:3"), CachePanel::CampaignOfKey).startsWith(QStringLiteral("subwaysurfer — ")));
        // The detail says which key, which campaign, and the TTL in the same words.
        const QString heading = panel()->findChild<QLabel *>(QStringLiteral("keyHeading"))->text();
        QVERIFY2(heading.contains(QLatin1String("campaign:2")) && heading.contains(QLatin1String("duolingo"))
                     && QRegularExpression(QStringLiteral("TTL <b>(24h 0m 0s|23h 59m \\d+s)</b>")).match(heading).hasMatch(),
                 qPrintable(heading));
    }

    void aCampaignKeyWithoutItsCampaignSaysSo()
    {
        QVERIFY(backend().setMany({{"campaign:999", "{}"}}, std::chrono::minutes(5)).ok());
        QCOMPARE(search(QStringLiteral("campaign:*")).size(), 4);
        QCOMPARE(cell(QStringLiteral("campaign:999"), CachePanel::CampaignOfKey), QStringLiteral("not in the store"));
    }

    // The search box takes a campaign code (or part of one, or a glob) as well as a key pattern.
    void searchByCampaignCode_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QStringList>("keys");
        QTest::newRow("glob") << "*spotify*" << QStringList{"campaign:1"};
        QTest::newRow("part, other case") << "DUO" << QStringList{"campaign:2"};
        QTest::newRow("whole code") << "subwaysurfer" << QStringList{"campaign:3"};
        QTest::newRow("prefix glob") << "s*" << QStringList{"campaign:1", "campaign:3"};
        QTest::newRow("key pattern") << "campaign:*" << QStringList{"campaign:1", "campaign:2", "campaign:3"};
        QTest::newRow("key pattern, one key") << "campaign:2" << QStringList{"campaign:2"};
        QTest::newRow("no code: a key pattern") << "other*" << QStringList{"other:key"};
        QTest::newRow("nothing") << "nosuchcode" << QStringList{};
    }
    void searchByCampaignCode()
    {
        QFETCH(QString, typed);
        QFETCH(QStringList, keys);
        QVERIFY(backend().setMany({{"other:key", "x"}}, std::chrono::minutes(5)).ok());
        QCOMPARE(search(typed), keys);
        const QString placeholder = panel()->findChild<QLineEdit *>(QStringLiteral("keyPattern"))->placeholderText();
        QVERIFY2(placeholder.contains(QLatin1String("code")) && placeholder.contains(QLatin1String("pattern")), qPrintable(placeholder));
    }

    // A code search walks the matching campaigns page by page, like a SCAN.
    void aCodeSearchPages()
    {
        panel()->findChild<QSpinBox *>()->setValue(10); // the smallest page
        QCOMPARE(search(QStringLiteral("*")).size(), 3);
        QVERIFY(!panel()->findChild<QPushButton *>(QStringLiteral("nextPage"))->isEnabled());
    }

    void ttlIsWrittenOneWay_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("a day") << qint64(86'400'000) << "24h 0m 0s";
        QTest::newRow("a day less a bit") << qint64(86'398'500) << "23h 59m 59s";
        QTest::newRow("two days") << qint64(2 * 86'400'000 + 5'000) << "2d 0h 0m 5s";
        QTest::newRow("minutes") << qint64(125'000) << "2m 5s";
        QTest::newRow("seconds") << qint64(12'000) << "12s";
        QTest::newRow("last ms") << qint64(1) << "1s";
        QTest::newRow("over") << qint64(0) << "expired";
    }
    void ttlIsWrittenOneWay()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(formatTtl(ms), text);
        QCOMPARE(KeyTtl::readNow(kTtlNoExpiry).text(), QStringLiteral("persistent"));
        QCOMPARE(KeyTtl::readNow(kTtlMissingKey).text(), QStringLiteral("gone"));
        // The editor reads what it writes.
        if (ms >= 1000)
            QCOMPARE(parseTtlSeconds(text), std::optional<qint64>((ms + 999) / 1000));
        QCOMPARE(parseTtlSeconds(QStringLiteral("1h 30m")), std::optional<qint64>(5400));
        QCOMPARE(parseTtlSeconds(QStringLiteral("90")), std::optional<qint64>(90));
        QVERIFY(!parseTtlSeconds(QStringLiteral("soon")));
    }

    // Read once at scan time, the TTL counts down on screen, to "expired".
    void ttlCountsDown()
    {
        QVERIFY(backend().setMany({{"campaign:7", "{}"}}, std::chrono::seconds(2)).ok());
        QCOMPARE(search(QStringLiteral("campaign:7")), QStringList{"campaign:7"});
        const QString first = cell(QStringLiteral("campaign:7"), CachePanel::KeyTtlLeft);
        QVERIFY2(first == QLatin1String("2s") || first == QLatin1String("1s"), qPrintable(first));
        panel()->selectKey(QStringLiteral("campaign:7"));
        QTRY_VERIFY_WITH_TIMEOUT(cell(QStringLiteral("campaign:7"), CachePanel::KeyTtlLeft) != first, 2500);
        QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("campaign:7"), CachePanel::KeyTtlLeft), QStringLiteral("expired"), 4000);
        QTRY_VERIFY_WITH_TIMEOUT(panel()->findChild<QLabel *>(QStringLiteral("keyHeading"))->text().contains(QLatin1String("expired")), 2500);
    }

    void editTtl()
    {
        panel()->selectKey(QStringLiteral("campaign:1"));
        panel()->findChild<QSpinBox *>(QStringLiteral("keyTtl"))->setValue(120);
        QVERIFY(studio_->click(QStringLiteral("setTtl")));
        const auto details = backend().keyDetails({"campaign:1"});
        QVERIFY2(details.ok(), qPrintable(details.error));
        const qint64 ttl = details.value.at(0).ttlMs;
        QVERIFY2(ttl > 100'000 && ttl <= 120'000, qPrintable(QString::number(ttl)));
        // The browser reads the new TTL back.
        const QString shown = cell(QStringLiteral("campaign:1"), CachePanel::KeyTtlLeft);
        QVERIFY2(shown.startsWith(QLatin1String("1m ")) || shown == QLatin1String("2m 0s"), qPrintable(shown));
        if (onRedis()) {
            const int seen = redis_->cli({QStringLiteral("TTL"), QStringLiteral("campaign:1")}).toInt();
            QVERIFY(seen > 100 && seen <= 120);
        }
    }

    void keyBrowserShowsEachKeysType()
    {
        for (int row = 0; row < panel()->keyTable()->rowCount(); ++row)
            QCOMPARE(panel()->keyTable()->item(row, CachePanel::KeyType)->text(), QStringLiteral("string"));
        if (!onRedis())
            return; // the memory cache holds strings only
        // A hash another client wrote to the same Redis.
        redis_->cli({QStringLiteral("HSET"), QStringLiteral("profile:7"), QStringLiteral("country"), QStringLiteral("US")});
        panel()->setPattern(QStringLiteral("*"));
        panel()->scan();
        QVERIFY(panel()->job()->waitForFinished(20000));
        QCOMPARE(panel()->shownKeys().size(), 4);
        QCOMPARE(cell(QStringLiteral("profile:7"), CachePanel::KeyType), QStringLiteral("hash"));
        QCOMPARE(cell(QStringLiteral("profile:7"), CachePanel::KeyTtlLeft), QStringLiteral("persistent"));
        QCOMPARE(cell(QStringLiteral("profile:7"), CachePanel::KeySize), QString()); // no string value to measure
        QCOMPARE(cell(QStringLiteral("profile:7"), CachePanel::CampaignOfKey), QString()); // no campaign's key
        QCOMPARE(cell(QStringLiteral("campaign:2"), CachePanel::KeyType), QStringLiteral("string"));
        QVERIFY(cell(QStringLiteral("campaign:2"), CachePanel::KeySize).toInt() > 0);
        panel()->selectKey(QStringLiteral("profile:7"));
        const QString value = panel()->findChild<QPlainTextEdit *>(QStringLiteral("keyValue"))->toPlainText();
        QVERIFY2(value.contains(QLatin1String("a hash")), qPrintable(value));
    }

    void invalidatingAKeyRemovesItFromTheBackend()
    {
        QVERIFY(keyExists("campaign:3"));
        panel()->selectKey(QStringLiteral("campaign:3"));
        StudioFixture::acceptNextDialog(QStringLiteral("confirmDelete"));
        QVERIFY(studio_->click(QStringLiteral("deleteSelected")));
        QVERIFY(panel()->job()->waitForFinished(20000));
        QVERIFY(!keyExists("campaign:3"));
        QVERIFY(keyExists("campaign:2"));
        QTRY_VERIFY(!panel()->job()->isRunning());
        if (onRedis()) // Redis's own view
            QCOMPARE(redis_->cli({QStringLiteral("EXISTS"), QStringLiteral("campaign:3")}), QByteArray("0"));
    }

    void cancellingThePreviewDeletesNothing()
    {
        panel()->selectKey(QStringLiteral("campaign:1"));
        bool previewShown = false;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            previewShown = true;
            static_cast<QDialog *>(dialog)->reject();
        });
        QVERIFY(studio_->click(QStringLiteral("deleteSelected")));
        QVERIFY(previewShown);
        QVERIFY(!panel()->job()->isRunning());
        QVERIFY(keyExists("campaign:1"));
    }

    // The pattern is asked for in the dialog (the browser's search only suggests one), counted,
    // previewed, confirmed; only its keys go.
    void deleteByPatternUsesThePatternTypedInItsDialog_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QStringList>("deleted");
        QTest::newRow("key pattern") << "campaign:[13]" << QStringList{"campaign:1", "campaign:3"};
        QTest::newRow("campaign code") << "*surf*" << QStringList{"campaign:3"};
    }
    void deleteByPatternUsesThePatternTypedInItsDialog()
    {
        QFETCH(QString, typed);
        QFETCH(QStringList, deleted);
        QVERIFY(backend().setMany({{"other:key", "x"}}, std::chrono::minutes(5)).ok());
        QString suggested;
        QString counted;
        int previewed = -1;
        StudioFixture::answerNextDialog([&](QWidget *dialog) {
            suggested = dialog->findChild<QLineEdit *>(QStringLiteral("deletePattern"))->text();
            auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("deletePattern"));
            edit->selectAll();
            QTest::keyClicks(edit, typed);
            auto *go = dialog->findChild<QPushButton *>(QStringLiteral("previewPatternKeys"));
            if (!QTest::qWaitFor([&] { return go->isEnabled(); }, 10000))
                return;
            counted = dialog->findChild<QLabel *>(QStringLiteral("patternMatches"))->text();
            StudioFixture::answerNextDialog([&](QWidget *preview) {
                previewed = preview->findChild<QListWidget *>(QStringLiteral("keysToDelete"))->count();
                QTest::mouseClick(preview->findChild<QPushButton *>(QStringLiteral("confirmDelete")), Qt::LeftButton);
            });
            QTest::mouseClick(go, Qt::LeftButton);
        });
        QVERIFY(studio_->trigger(QStringLiteral("deleteByPattern")));
        QCOMPARE(suggested, QStringLiteral("campaign:*")); // the browser's search, as a suggestion only
        QVERIFY2(counted.startsWith(QString::number(deleted.size())), qPrintable(counted));
        QCOMPARE(previewed, int(deleted.size()));
        QVERIFY(panel()->job()->waitForFinished(20000));
        QTRY_VERIFY(!panel()->job()->isRunning());
        for (const QString key : {"campaign:1", "campaign:2", "campaign:3"})
            QCOMPARE(keyExists(key.toUtf8()), !deleted.contains(key));
        QVERIFY(keyExists("other:key")); // outside the pattern
    }

    void cancellingThePatternDialogDeletesNothing()
    {
        StudioFixture::answerNextDialog([](QWidget *dialog) { static_cast<QDialog *>(dialog)->reject(); });
        QVERIFY(studio_->trigger(QStringLiteral("deleteByPattern")));
        QVERIFY(!panel()->job()->isRunning());
        QVERIFY(keyExists("campaign:1") && keyExists("campaign:2") && keyExists("campaign:3"));
    }

    // The check opens its tab, says per key what differs with the old and new values side by
    // side, and "Refresh from store" writes the store's value back.
    void stalenessShowsOldAndNewAndRefreshFixesTheKey()
    {
        // A value written by an older version of the campaign (another instance, a missed
        // invalidation): the image differs from the store's.
        const Campaign stored = studio_->session().engine().store().campaign(1).value.campaign;
        Campaign old = stored;
        old.image = QStringLiteral("https://old.example.com/a.png");
        QVERIFY(backend().setMany({{"campaign:1", CampaignCodec::encode(old)}}, std::chrono::minutes(5)).ok());
        QVERIFY(studio_->trigger(QStringLiteral("checkStaleness")));
        QVERIFY(panel()->job()->waitForFinished(20000));
        QCOMPARE(panel()->views()->currentWidget(), panel()->staleView());
        QTableWidget *stale = panel()->staleTable();
        QCOMPARE(stale->rowCount(), 1);
        QCOMPARE(stale->item(0, 0)->text(), QStringLiteral("campaign:1"));
        QCOMPARE(stale->item(0, 1)->text(), QStringLiteral("spotify"));
        QVERIFY2(stale->item(0, 2)->text().contains(QLatin1String("Image")), qPrintable(stale->item(0, 2)->text()));
        // Old and new, side by side.
        QTableWidget *comparison = panel()->staleView()->comparison();
        const auto image = comparison->findItems(QStringLiteral("Image"), Qt::MatchExactly);
        QVERIFY(!image.isEmpty());
        QCOMPARE(comparison->item(image.first()->row(), 1)->text(), old.image);
        QCOMPARE(comparison->item(image.first()->row(), 2)->text(), stored.image);
        QVERIFY(comparison->item(image.first()->row(), 1)->font().bold()); // the difference stands out

        QVERIFY(studio_->click(QStringLiteral("refreshStale")));
        QVERIFY(panel()->job()->waitForFinished(20000));
        QTRY_VERIFY(!panel()->job()->isRunning());
        const QByteArray now = cachedValue("campaign:1");
        QVERIFY2(now.contains(stored.image.toUtf8()) && !now.contains("old.example.com"), now.constData());
        QCOMPARE(stale->rowCount(), 0); // checked again: nothing stale
    }

    void deletingStaleKeysAsksAndDeletes()
    {
        QVERIFY(backend().setMany({{"campaign:2", "not json"}}, std::chrono::minutes(5)).ok());
        QVERIFY(studio_->trigger(QStringLiteral("checkStaleness")));
        QVERIFY(panel()->job()->waitForFinished(20000));
        QCOMPARE(panel()->staleTable()->rowCount(), 1);
        QCOMPARE(panel()->staleView()->comparison()->item(0, 1)->text(), QStringLiteral("not json"));
        StudioFixture::acceptNextDialog(QStringLiteral("confirmDelete"));
        QVERIFY(studio_->click(QStringLiteral("deleteAllStale")));
        QVERIFY(panel()->job()->waitForFinished(20000));
        QTRY_VERIFY(!panel()->job()->isRunning());
        QVERIFY(!keyExists("campaign:2"));
        QVERIFY(keyExists("campaign:1"));
    }

    // Read-only: every action that changes the cache is off, and stays off across a reopen.
    void readOnlyModeDisablesEveryChange()
    {
        panel()->selectKey(QStringLiteral("campaign:1"));
        auto *readOnly = panel()->findChild<QCheckBox *>(QStringLiteral("readOnly"));
        QVERIFY(!readOnly->isChecked()); // a cache on this machine: off by default
        QVERIFY(panel()->findChild<QPushButton *>(QStringLiteral("deleteSelected"))->isEnabled());
        readOnly->click();
        QVERIFY(panel()->isReadOnly());
        for (const char *name : {"deleteSelected", "setTtl", "refreshStale", "refreshAllStale", "deleteStale", "deleteAllStale"})
            QVERIFY2(!panel()->findChild<QPushButton *>(QLatin1String(name))->isEnabled(), name);
        for (const char *name : {"deleteByPattern", "warmCache"})
            QVERIFY2(!panel()->findChild<QAction *>(QLatin1String(name))->isEnabled(), name);
        QVERIFY(panel()->findChild<QAction *>(QStringLiteral("checkStaleness"))->isEnabled()); // reading is fine
        panel()->deleteSelection(); // even called directly: nothing
        QVERIFY(!panel()->job()->isRunning());
        QVERIFY(keyExists("campaign:1"));

        studio_.reset();
        studio_ = openStudio();
        QVERIFY(studio_);
        QVERIFY(panel()->isReadOnly()); // remembered for this cache
        panel()->setReadOnly(false);
        QVERIFY(!panel()->isReadOnly());
    }

    void loopbackHosts_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("loopback");
        QTest::newRow("127.0.0.1") << "127.0.0.1" << true;
        QTest::newRow("127.1.2.3") << "127.1.2.3" << true;
        QTest::newRow("::1") << "::1" << true;
        QTest::newRow("[::1]") << "[::1]" << true;
        QTest::newRow("localhost") << "localhost" << true;
        QTest::newRow("LOCALHOST.") << "LOCALHOST." << true;
        QTest::newRow("10.0.0.5") << "10.0.0.5" << false;
        QTest::newRow("128.0.0.1") << "128.0.0.1" << false;
        QTest::newRow("cache.internal") << "cache.internal" << false;
        QTest::newRow("localhost.evil.com") << "localhost.evil.com" << false;
        QTest::newRow("::2") << "::2" << false;
    }
    void loopbackHosts()
    {
        QFETCH(QString, host);
        QFETCH(bool, loopback);
        QCOMPARE(isLoopbackHost(host), loopback);
    }

    // Where the cache is, as shown and as judged; the password never shows.
    void cacheTargets_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("shown");
        QTest::addColumn<bool>("local");
        QTest::newRow("memory") << "memory://" << "memory://" << true;
        QTest::newRow("loopback") << "redis://127.0.0.1:6380/0" << "redis://127.0.0.1:6380/0" << true;
        QTest::newRow("remote with password") << "redis://:s3cret@cache.internal:6379" << "redis://:***@cache.internal:6379" << false;
        QTest::newRow("go-redis password") << "redis://s3cret@10.1.2.3" << "redis://***@10.1.2.3" << false;
    }
    void cacheTargets()
    {
        QFETCH(QString, url);
        QFETCH(QString, shown);
        QFETCH(bool, local);
        CacheSettings settings;
        settings.url = url;
        const CacheTarget target = CacheTarget::of(settings);
        QCOMPARE(target.shown, shown);
        QCOMPARE(target.local, local);
    }

    // On another host the delete is confirmed only once the host name is typed.
    void aRemoteCacheAsksForItsHostName()
    {
        CacheSettings settings;
        settings.url = QStringLiteral("redis://:s3cret@cache.prod.example:6379");
        const CacheTarget remote = CacheTarget::of(settings);
        KeyDeletionDialog dialog(QStringLiteral("Selected keys"), {"campaign:1"}, remote);
        auto *confirm = dialog.findChild<QPushButton *>(QStringLiteral("confirmDelete"));
        auto *typed = dialog.findChild<QLineEdit *>(QStringLiteral("typedHost"));
        QVERIFY(typed);
        QVERIFY(!confirm->isEnabled());
        QTest::keyClicks(typed, QStringLiteral("cache.prod"));
        QVERIFY(!confirm->isEnabled());
        QTest::keyClicks(typed, QStringLiteral(".example"));
        QVERIFY(confirm->isEnabled());
        // On this machine: no name to type.
        KeyDeletionDialog local(QStringLiteral("Selected keys"), {"campaign:1"}, CacheTarget{});
        QVERIFY(!local.findChild<QLineEdit *>(QStringLiteral("typedHost")));
        QVERIFY(local.findChild<QPushButton *>(QStringLiteral("confirmDelete"))->isEnabled());
        // The TTL edit's confirmation: refused with a wrong name, given with the right one.
        StudioFixture::answerNextDialog([](QWidget *d) {
            QTest::keyClicks(d->findChild<QLineEdit *>(QStringLiteral("typedHost")), QStringLiteral("cache.prod.example"));
            QTest::mouseClick(d->findChild<QPushButton *>(QStringLiteral("confirmOnHost")), Qt::LeftButton);
        });
        QVERIFY(confirmOnHost(nullptr, remote, QStringLiteral("Set the TTL of 1 key")));
        StudioFixture::answerNextDialog([](QWidget *d) {
            QTest::keyClicks(d->findChild<QLineEdit *>(QStringLiteral("typedHost")), QStringLiteral("cache.staging.example"));
            QTest::mouseClick(d->findChild<QPushButton *>(QStringLiteral("confirmOnHost")), Qt::LeftButton); // disabled
            static_cast<QDialog *>(d)->reject();
        });
        QVERIFY(!confirmOnHost(nullptr, remote, QStringLiteral("Set the TTL of 1 key")));
        QVERIFY(confirmOnHost(nullptr, CacheTarget{}, QStringLiteral("Set the TTL of 1 key"))); // local: no question
    }

    // A cache that does not answer is a banner across the panel, in words, with the error and
    // the target (password hidden), and no hit ratio; back up, the banner goes.
    void aCacheThatIsDownIsABanner()
    {
        if (!onRedis())
            QSKIP("the in-memory cache cannot be down");
        auto *banner = panel()->findChild<QLabel *>(QStringLiteral("cacheDownBanner"));
        QVERIFY(banner && !banner->isVisible());
        redis_->stop();
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        QVERIFY2(banner->text().contains(QLatin1String("The cache is down")), qPrintable(banner->text()));
        QVERIFY2(banner->text().contains(redis_->address()), qPrintable(banner->text()));
        panel()->refreshStats();
        const QString figures = panel()->findChild<QLabel *>(QStringLiteral("cacheFigures"))->text();
        QVERIFY2(!figures.contains(QLatin1Char('%')), qPrintable(figures));
        QVERIFY(redis_->restart());
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 10000);
    }

    // The same for a cache that was never there: a closed port, a password that must not show.
    void anUnreachableCacheIsABanner()
    {
        if (!onRedis())
            QSKIP("the in-memory cache cannot be down");
        studio_.reset();
        const quint16 closed = unusedLoopbackPort();
        StudioFixture studio;
        QString error;
        const QString url = QStringLiteral("redis://:s3cret@127.0.0.1:%1").arg(closed);
        QVERIFY2(studio.open({{QStringLiteral("REDIS_URL"), url}}, &error), qPrintable(error));
        CachePanel *cache = studio.window().cache();
        studio.window().tabs()->setCurrentWidget(cache);
        auto *banner = cache->findChild<QLabel *>(QStringLiteral("cacheDownBanner"));
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        const QString text = banner->text();
        QVERIFY2(text.contains(QStringLiteral("redis://:***@127.0.0.1:%1").arg(closed)), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("s3cret")), qPrintable(text));
        cache->refreshStats();
        const QString figures = cache->findChild<QLabel *>(QStringLiteral("cacheFigures"))->text();
        QVERIFY2(!figures.contains(QLatin1Char('%')), qPrintable(figures));
    }

    // Failed reads count against the ratio: near-cache hits while the cache fails are no 100%.
    void failedReadsAreNoHits()
    {
        HitRatioWindow window(60'000);
        window.add({.hits = 0, .misses = 0, .errors = 0}, 0);
        window.add({.hits = 5, .misses = 0, .errors = 5}, 1'000);
        QCOMPARE(window.failedReads(), 5);
        QCOMPARE(*window.ratio(), 0.5);
    }
};

QTEST_MAIN(TestCachePanel)
#include "tst_gui_cache.moc"
