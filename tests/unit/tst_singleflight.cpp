// Concurrent misses of one campaign read the store once.
#include "delivery/SingleFlightFetcher.h"
#include "store/CampaignStore.h"

#include <QSemaphore>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace adserve;

class SingleFlightTest : public QObject
{
    Q_OBJECT
private slots:
    void concurrentMissesShareOneRead();
    void overlappingSetsEachReadOnce();
    void storeFailureReachesEveryWaiter();
};

void SingleFlightTest::concurrentMissesShareOneRead()
{
    QTemporaryDir dir;
    QString error;
    auto store = CampaignStore::open(DatabaseTarget::sqlite(dir.filePath(QStringLiteral("s.sqlite"))), &error);
    QVERIFY2(store, qPrintable(error));

    // The first reader holds its read open until every caller has asked, so all of them
    // ask while the read is in flight.
    constexpr int callers = 8;
    QSemaphore asked;
    std::atomic<int> reads{0};
    SingleFlightFetcher fetcher([&](const QList<qint64> &ids) {
        ++reads;
        asked.tryAcquire(callers - 1, 5000);
        QThread::msleep(200); // the last callers are inside fetch() by now
        return store->campaignsByIds(ids);
    });
    QThreadPool pool;
    pool.setMaxThreadCount(callers);
    QList<QFuture<SingleFlightFetcher::Result>> results;
    for (int i = 0; i < callers; ++i) {
        results << QtConcurrent::run(&pool, [&, i] {
            if (i > 0) {
                QThread::msleep(20); // after the first caller took the flight
                asked.release();
            }
            return fetcher.fetch({1, 3});
        });
    }
    for (auto &f : results) {
        const auto result = f.result();
        QVERIFY(result.ok());
        QCOMPARE(result.campaigns.size(), size_t(2));
        QCOMPARE(result.campaigns[0]->code, QStringLiteral("spotify"));
        QCOMPARE(result.campaigns[1]->code, QStringLiteral("subwaysurfer"));
    }
    QCOMPARE(reads.load(), 1);
    QCOMPARE(fetcher.storeReads(), 1);
}

void SingleFlightTest::overlappingSetsEachReadOnce()
{
    QTemporaryDir dir;
    QString error;
    auto store = CampaignStore::open(DatabaseTarget::sqlite(dir.filePath(QStringLiteral("s.sqlite"))), &error);
    QVERIFY2(store, qPrintable(error));
    QList<QList<qint64>> asked;
    std::mutex mutex;
    QSemaphore secondAsked;
    SingleFlightFetcher fetcher([&](const QList<qint64> &ids) {
        {
            std::lock_guard lock(mutex);
            asked << ids;
        }
        if (ids.contains(1))
            secondAsked.tryAcquire(1, 5000);
        return store->campaignsByIds(ids);
    });
    auto first = QtConcurrent::run([&] { return fetcher.fetch({1, 2}); });
    QThread::msleep(30);
    auto second = QtConcurrent::run([&] { return fetcher.fetch({2, 3, 99}); });
    QThread::msleep(30);
    secondAsked.release();
    const auto a = first.result();
    const auto b = second.result();
    QCOMPARE(a.campaigns[1]->code, QStringLiteral("duolingo"));
    QCOMPARE(b.campaigns[0]->code, QStringLiteral("duolingo"));
    QCOMPARE(b.campaigns[1]->code, QStringLiteral("subwaysurfer"));
    QVERIFY(!b.campaigns[2]); // not in the store
    // Campaign 2 was read by the first caller only; the second read just what was left.
    QCOMPARE(asked.size(), 2);
    QCOMPARE(asked[0], (QList<qint64>{1, 2}));
    QCOMPARE(asked[1], (QList<qint64>{3, 99}));
}

void SingleFlightTest::storeFailureReachesEveryWaiter()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.sqlite"));
    QString error;
    auto store = CampaignStore::open(DatabaseTarget::sqlite(path), &error);
    QVERIFY2(store, qPrintable(error));
    {
        // Someone else breaks the database under the store.
        QSqlDatabase other = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("vandal"));
        other.setDatabaseName(path);
        QVERIFY(other.open());
        QSqlQuery q(other);
        QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_keys = OFF")));
        QVERIFY2(q.exec(QStringLiteral("ALTER TABLE campaigns RENAME TO campaigns_gone")), qPrintable(q.lastError().text()));
        other.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("vandal"));

    SingleFlightFetcher fetcher([&](const QList<qint64> &ids) { return store->campaignsByIds(ids); });
    const auto result = fetcher.fetch({1, 2});
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(QStringLiteral("campaigns")), qPrintable(result.error));
    // Nothing stays in flight after a failure: the next caller reads again.
    QVERIFY(!fetcher.fetch({1}).ok());
    QCOMPARE(fetcher.storeReads(), 2);
}

QTEST_GUILESS_MAIN(SingleFlightTest)
#include "tst_singleflight.moc"
