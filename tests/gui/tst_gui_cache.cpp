// The cache panel, on the in-memory cache and on a real redis-server: warm-up, the key
// browser on SCAN, TTL editing, deleting a key / a pattern with a preview and confirmation
// (the keys really leave the backend), and the staleness check.
#include "StudioFixture.h"
#include "TestRedis.h"

#include "cache/CachePanel.h"
#include "cache/CampaignCodec.h"
#include "common/BackgroundJob.h"

#include <QApplication>
#include <QDialog>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
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

    std::unique_ptr<StudioFixture> openStudio()
    {
        QFETCH_GLOBAL(QString, cache);
        QMap<QString, QString> values;
        if (cache == QLatin1String("redis")) {
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

    static bool keyExists(StudioFixture &studio, const QByteArray &key)
    {
        const auto values = studio.session().engine().cache().backend().getMany({key});
        return values.ok() && values.value.value(0).has_value();
    }

    static void warmAndScan(StudioFixture &studio)
    {
        CachePanel *panel = studio.window().cache();
        QVERIFY(studio.trigger(QStringLiteral("warmCache")));
        QVERIFY(panel->job()->waitForFinished(20000));
        QVERIFY(studio.type(panel, QStringLiteral("keyPattern"), QStringLiteral("campaign:*")));
        QVERIFY(studio.click(QStringLiteral("scan")));
        QVERIFY(panel->job()->waitForFinished(20000));
    }

private Q_SLOTS:
    void initTestCase_data()
    {
        QTest::addColumn<QString>("cache");
        QTest::newRow("memory") << QStringLiteral("memory");
        QTest::newRow("redis") << QStringLiteral("redis");
    }

    void warmUpAndBrowseKeys()
    {
        auto studio = openStudio();
        if (!studio)
            QFAIL("the cache backend could not be started (see the warning above)");
        warmAndScan(*studio);
        CachePanel *panel = studio->window().cache();
        QStringList keys = panel->shownKeys();
        keys.sort();
        QCOMPARE(keys, (QStringList{"campaign:1", "campaign:2", "campaign:3"}));
        panel->selectKey(QStringLiteral("campaign:2"));
        const QString value = panel->findChild<QPlainTextEdit *>(QStringLiteral("keyValue"))->toPlainText();
        QVERIFY2(value.contains(QLatin1String("\"Code\": \"duolingo\"")), qPrintable(value)); // pretty-printed
        QTableWidget *table = panel->keyTable();
        QVERIFY(table->item(0, 2)->text().startsWith(QLatin1String("23:59:"))); // TTL 24 h
    }

    void editTtl()
    {
        auto studio = openStudio();
        if (!studio)
            QFAIL("the cache backend could not be started (see the warning above)");
        warmAndScan(*studio);
        CachePanel *panel = studio->window().cache();
        panel->selectKey(QStringLiteral("campaign:1"));
        panel->findChild<QSpinBox *>(QStringLiteral("keyTtl"))->setValue(120);
        QVERIFY(studio->click(QStringLiteral("setTtl")));
        const auto ttl = studio->session().engine().cache().backend().ttlMs("campaign:1");
        QVERIFY(ttl.ok());
        QVERIFY2(ttl.value > 100'000 && ttl.value <= 120'000, qPrintable(QString::number(ttl.value)));
        if (redis_ && QTest::currentDataTag() == QLatin1String("redis")) {
            const int seen = redis_->cli({QStringLiteral("TTL"), QStringLiteral("campaign:1")}).toInt();
            QVERIFY(seen > 100 && seen <= 120);
        }
    }

    void invalidatingAKeyRemovesItFromTheBackend()
    {
        auto studio = openStudio();
        if (!studio)
            QFAIL("the cache backend could not be started (see the warning above)");
        warmAndScan(*studio);
        CachePanel *panel = studio->window().cache();
        QVERIFY(keyExists(*studio, "campaign:3"));
        panel->selectKey(QStringLiteral("campaign:3"));
        StudioFixture::acceptNextDialog(QStringLiteral("confirmDelete"));
        QVERIFY(studio->click(QStringLiteral("deleteSelected")));
        QVERIFY(panel->job()->waitForFinished(20000));
        QVERIFY(!keyExists(*studio, "campaign:3"));
        QVERIFY(keyExists(*studio, "campaign:2"));
        QTRY_VERIFY(!panel->job()->isRunning());
        if (QTest::currentDataTag() == QLatin1String("redis")) // Redis's own view
            QCOMPARE(redis_->cli({QStringLiteral("EXISTS"), QStringLiteral("campaign:3")}), QByteArray("0"));
    }

    void cancellingThePreviewDeletesNothing()
    {
        auto studio = openStudio();
        if (!studio)
            QFAIL("the cache backend could not be started (see the warning above)");
        warmAndScan(*studio);
        CachePanel *panel = studio->window().cache();
        panel->selectKey(QStringLiteral("campaign:1"));
        bool previewShown = false;
        std::function<void()> cancel = [&] {
            QWidget *dialog = QApplication::activeModalWidget();
            if (!dialog) {
                QTimer::singleShot(50, cancel);
                return;
            }
            previewShown = true;
            static_cast<QDialog *>(dialog)->reject();
        };
        QTimer::singleShot(50, cancel);
        QVERIFY(studio->click(QStringLiteral("deleteSelected")));
        QVERIFY(previewShown);
        QVERIFY(!panel->job()->isRunning());
        QVERIFY(keyExists(*studio, "campaign:1"));
    }

    void deleteByPatternWithPreview()
    {
        auto studio = openStudio();
        if (!studio)
            QFAIL("the cache backend could not be started (see the warning above)");
        warmAndScan(*studio);
        CampaignCache &cache = studio->session().engine().cache();
        QVERIFY(cache.backend().setMany({{"other:key", "x"}}, std::chrono::minutes(5)).ok());
        CachePanel *panel = studio->window().cache();
        QVERIFY(studio->type(panel, QStringLiteral("keyPattern"), QStringLiteral("campaign:*")));
        int previewed = -1;
        std::function<void()> confirm = [&] {
            QWidget *dialog = QApplication::activeModalWidget();
            if (!dialog) {
                QTimer::singleShot(50, confirm);
                return;
            }
            previewed = dialog->findChild<QListWidget *>(QStringLiteral("keysToDelete"))->count();
            QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("confirmDelete")), Qt::LeftButton);
        };
        QTimer::singleShot(50, confirm);
        QVERIFY(studio->trigger(QStringLiteral("deleteByPattern")));
        QTRY_VERIFY_WITH_TIMEOUT(previewed >= 0, 20000);
        QCOMPARE(previewed, 3);
        QVERIFY(panel->job()->waitForFinished(20000));
        QTRY_VERIFY(!panel->job()->isRunning());
        QVERIFY(!keyExists(*studio, "campaign:1"));
        QVERIFY(!keyExists(*studio, "campaign:2"));
        QVERIFY(keyExists(*studio, "other:key")); // outside the pattern
    }

    void stalenessCheckListsKeysThatDifferFromTheStore()
    {
        auto studio = openStudio();
        if (!studio)
            QFAIL("the cache backend could not be started (see the warning above)");
        warmAndScan(*studio);
        // A value written by an older version of the campaign (another instance, a missed
        // invalidation): the image differs from the store's.
        auto spotify = studio->session().engine().store().campaign(1).value.campaign;
        spotify.image = QStringLiteral("https://old.example.com/a.png");
        QVERIFY(studio->session().engine().cache().backend().setMany({{"campaign:1", CampaignCodec::encode(spotify)}},
                                                                    std::chrono::minutes(5)).ok());
        CachePanel *panel = studio->window().cache();
        QVERIFY(studio->trigger(QStringLiteral("checkStaleness")));
        QVERIFY(panel->job()->waitForFinished(20000));
        QTableWidget *stale = panel->staleTable();
        QCOMPARE(stale->rowCount(), 1);
        QCOMPARE(stale->item(0, 0)->text(), QStringLiteral("campaign:1"));
        QVERIFY2(stale->item(0, 1)->text().contains(QLatin1String("Image")), qPrintable(stale->item(0, 1)->text()));
    }
};

QTEST_MAIN(TestCachePanel)
#include "tst_gui_cache.moc"
