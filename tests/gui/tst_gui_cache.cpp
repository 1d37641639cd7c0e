// The cache panel, on the in-memory cache and on a real redis-server: warm-up, the key
// browser on SCAN with each key's real type, TTL editing, deleting a key / a pattern with
// a preview and confirmation (the keys really leave the backend), and the staleness check.
#include "StudioFixture.h"
#include "TestRedis.h"

#include "cache/CachePanel.h"
#include "cache/CampaignCodec.h"
#include "common/BackgroundJob.h"

#include <QDialog>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QListWidget>
#include <QSpinBox>
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
        const auto found = panel()->keyTable()->findItems(key, Qt::MatchExactly);
        return found.isEmpty() ? QString() : panel()->keyTable()->item(found.first()->row(), column)->text();
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

    // Every test starts on a warmed cache, its campaign keys scanned into the browser.
    void init()
    {
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
        QTableWidget *table = panel()->keyTable();
        QVERIFY(table->item(0, 2)->text().startsWith(QLatin1String("23:59:"))); // TTL 24 h
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
        const QString shown = cell(QStringLiteral("campaign:1"), 2);
        QVERIFY2(shown.startsWith(QLatin1String("0:01:")) || shown == QLatin1String("0:02:00"), qPrintable(shown));
        if (onRedis()) {
            const int seen = redis_->cli({QStringLiteral("TTL"), QStringLiteral("campaign:1")}).toInt();
            QVERIFY(seen > 100 && seen <= 120);
        }
    }

    void keyBrowserShowsEachKeysType()
    {
        for (int row = 0; row < panel()->keyTable()->rowCount(); ++row)
            QCOMPARE(panel()->keyTable()->item(row, 1)->text(), QStringLiteral("string"));
        if (!onRedis())
            return; // the memory cache holds strings only
        // A hash another client wrote to the same Redis.
        redis_->cli({QStringLiteral("HSET"), QStringLiteral("profile:7"), QStringLiteral("country"), QStringLiteral("US")});
        panel()->setPattern(QStringLiteral("*"));
        panel()->scan();
        QVERIFY(panel()->job()->waitForFinished(20000));
        QCOMPARE(panel()->shownKeys().size(), 4);
        QCOMPARE(cell(QStringLiteral("profile:7"), 1), QStringLiteral("hash"));
        QCOMPARE(cell(QStringLiteral("profile:7"), 2), QStringLiteral("no expiry"));
        QCOMPARE(cell(QStringLiteral("profile:7"), 3), QString()); // no string value to measure
        QCOMPARE(cell(QStringLiteral("campaign:2"), 1), QStringLiteral("string"));
        QVERIFY(cell(QStringLiteral("campaign:2"), 3).toInt() > 0);
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

    void deleteByPatternWithPreview()
    {
        QVERIFY(backend().setMany({{"other:key", "x"}}, std::chrono::minutes(5)).ok());
        int previewed = -1;
        StudioFixture::answerNextDialog(
            [&](QWidget *dialog) {
                previewed = dialog->findChild<QListWidget *>(QStringLiteral("keysToDelete"))->count();
                QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("confirmDelete")), Qt::LeftButton);
            },
            400);
        QVERIFY(studio_->trigger(QStringLiteral("deleteByPattern"))); // the pattern is still campaign:*
        QTRY_VERIFY_WITH_TIMEOUT(previewed >= 0, 20000);
        QCOMPARE(previewed, 3);
        QVERIFY(panel()->job()->waitForFinished(20000));
        QTRY_VERIFY(!panel()->job()->isRunning());
        QVERIFY(!keyExists("campaign:1"));
        QVERIFY(!keyExists("campaign:2"));
        QVERIFY(keyExists("other:key")); // outside the pattern
    }

    void stalenessCheckListsKeysThatDifferFromTheStore()
    {
        // A value written by an older version of the campaign (another instance, a missed
        // invalidation): the image differs from the store's.
        auto spotify = studio_->session().engine().store().campaign(1).value.campaign;
        spotify.image = QStringLiteral("https://old.example.com/a.png");
        QVERIFY(backend().setMany({{"campaign:1", CampaignCodec::encode(spotify)}}, std::chrono::minutes(5)).ok());
        QVERIFY(studio_->trigger(QStringLiteral("checkStaleness")));
        QVERIFY(panel()->job()->waitForFinished(20000));
        QTableWidget *stale = panel()->staleTable();
        QCOMPARE(stale->rowCount(), 1);
        QCOMPARE(stale->item(0, 0)->text(), QStringLiteral("campaign:1"));
        QVERIFY2(stale->item(0, 1)->text().contains(QLatin1String("Image")), qPrintable(stale->item(0, 1)->text()));
    }
};

QTEST_MAIN(TestCachePanel)
#include "tst_gui_cache.moc"
