// The store's traffic table on a temporary SQLite file and a real PostgreSQL: adds merge by
// adding, reads and totals cover exactly the hours asked for, retention deletes the old
// hours; the recorder flushes what it counted, keeps it while the store is down, and
// flushes a last time when it stops.
#include "StoreUnderTest.h"
#include "TestPostgres.h"
#include "store/StoreSessions.h"
#include "traffic/TrafficRecorder.h"
#include "traffic/TrafficTable.h"

#include <QMap>
#include <QTest>

#include <algorithm>

using namespace adserve;

namespace {

constexpr qint64 kDay = 1'764'720'000; // 2025-12-03T00:00:00Z
constexpr qint64 kHour = 3600;

TrafficRow row(qint64 hour, const QString &c, const QString &o, const QString &a, qint64 n)
{
    return TrafficRow{hour, c, o, a, n};
}

QString keyOf(const TrafficRow &r)
{
    return QStringLiteral("%1|%2|%3|%4").arg(r.hourStart).arg(r.country, r.os, r.app);
}

// Rows as key -> requests, adding duplicates: what a table holding `rows` must read back.
QMap<QString, qint64> summed(const QList<TrafficRow> &rows)
{
    QMap<QString, qint64> map;
    for (const TrafficRow &r : rows)
        map[keyOf(r)] += r.requests;
    return map;
}

QMap<QString, qint64> stored(const QList<TrafficRow> &rows)
{
    QMap<QString, qint64> map;
    for (const TrafficRow &r : rows) {
        if (map.contains(keyOf(r)))
            qWarning("row %s read twice", qPrintable(keyOf(r)));
        map.insert(keyOf(r), r.requests);
    }
    return map;
}

} // namespace

class TrafficTableTest : public QObject
{
    Q_OBJECT
public:
    explicit TrafficTableTest(TestPostgres *postgres) : db_(postgres), postgres_(postgres) {}

private Q_SLOTS:
    void init();
    void cleanup();

    void addsMergeByAdding();
    void manyRowsInOneAdd();
    void aBatchIsAddedOnce();
    void readsTheHoursAsked();
    void totalsAreComputedByTheDatabase();
    void retentionDeletesOldHours();
    void recorderFlushesAndStopsWithALastFlush();
    void recorderKeepsCountsWhileTheStoreIsDown();
    void recorderAppliesRetention();

private:
    StoreUnderTest db_;
    TestPostgres *postgres_;
    std::unique_ptr<CampaignStore> store_;
};

void TrafficTableTest::init()
{
    QString error;
    QVERIFY2(db_.fresh(&error), qPrintable(error));
    store_ = db_.open();
    QVERIFY(store_);
}

void TrafficTableTest::cleanup()
{
    store_.reset();
    db_.closeRaw();
}

void TrafficTableTest::addsMergeByAdding()
{
    TrafficTable table(store_->sessions());
    const QList<TrafficRow> first{row(kDay, "us", "android", "a", 3), row(kDay, "us", "ios", "a", 1),
                                  row(kDay + kHour, "us", "android", "a", 2)};
    // A second instance's counts: one key in common, one new, and a key twice in one add.
    const QList<TrafficRow> second{row(kDay, "us", "android", "a", 10), row(kDay, "de", "android", "a", 4),
                                   row(kDay, "de", "android", "a", 1)};
    const qint64 changesBefore = db_.scalar(QStringLiteral("SELECT COUNT(*) FROM adserve_changes"));
    const auto added = table.add(first);
    QVERIFY2(added.ok(), qPrintable(added.message));
    QCOMPARE(added.value, 6);
    QCOMPARE(table.add(second).value, 15);
    const auto read = table.read(kDay, kDay + 2 * kHour);
    QVERIFY2(read.ok(), qPrintable(read.message));
    QCOMPARE(stored(read.value), summed(first + second));
    QCOMPARE(db_.scalar(QStringLiteral("SELECT COUNT(*) FROM adserve_traffic")), 4);
    // Not targeting: nothing in the change log.
    QCOMPARE(db_.scalar(QStringLiteral("SELECT COUNT(*) FROM adserve_changes")), changesBefore);
}

void TrafficTableTest::manyRowsInOneAdd()
{
    TrafficTable table(store_->sessions());
    QList<TrafficRow> rows;
    for (int i = 0; i < 1234; ++i)
        rows.append(row(kDay + (i % 3) * kHour, QStringLiteral("c%1").arg(i % 17), "android", QStringLiteral("app-%1").arg(i), i + 1));
    QCOMPARE(table.add(rows).value, qint64(1234) * 1235 / 2);
    QCOMPARE(stored(table.read(kDay, kDay + 3 * kHour).value), summed(rows));
}

void TrafficTableTest::aBatchIsAddedOnce()
{
    // A flush tried again after its commit went through (its answer lost) adds nothing.
    TrafficTable table(store_->sessions());
    const QList<TrafficRow> batch{row(kDay, "us", "ios", "a", 3), row(kDay, "de", "ios", "a", 2)};
    QCOMPARE(table.add(batch, QStringLiteral("instance-1/1")).value, 5);
    QCOMPARE(table.add(batch, QStringLiteral("instance-1/1")).value, 0);
    QCOMPARE(table.add(batch, QStringLiteral("instance-2/1")).value, 5);
    QCOMPARE(stored(table.read(kDay, kDay + kHour).value), summed(batch + batch));
    // Batch ids go with retention.
    QVERIFY(table.deleteBefore(QDateTime::currentSecsSinceEpoch() + kHour).ok());
    QCOMPARE(db_.scalar(QStringLiteral("SELECT COUNT(*) FROM adserve_traffic_batches")), 0);
}

void TrafficTableTest::readsTheHoursAsked()
{
    TrafficTable table(store_->sessions());
    QList<TrafficRow> rows;
    for (int h = 0; h < 6; ++h)
        rows.append(row(kDay + h * kHour, "us", "ios", "a", h + 1));
    QVERIFY(table.add(rows).ok());
    const QList<TrafficRow> middle = table.read(kDay + 2 * kHour, kDay + 4 * kHour).value;
    QCOMPARE(stored(middle), summed(rows.mid(2, 2)));
    QVERIFY(table.read(kDay + 6 * kHour, kDay + 9 * kHour).value.isEmpty());
}

void TrafficTableTest::totalsAreComputedByTheDatabase()
{
    TrafficTable table(store_->sessions());
    // Two days; os "ios" and "android" tie on the second day; an hour outside the range.
    const QList<TrafficRow> rows{row(kDay, "us", "android", "a", 5),      row(kDay + 5 * kHour, "us", "ios", "b", 2),
                                 row(kDay + 5 * kHour, "de", "ios", "a", 1), row(kDay + 24 * kHour, "fr", "android", "c", 4),
                                 row(kDay + 25 * kHour, "fr", "ios", "c", 4), row(kDay + 48 * kHour, "us", "android", "a", 100)};
    QVERIFY(table.add(rows).ok());
    const auto totals = table.totals(kDay, kDay + 48 * kHour, 2);
    QVERIFY2(totals.ok(), qPrintable(totals.message));
    const TrafficTotals &t = totals.value;
    QCOMPARE(t.requests, 5 + 2 + 1 + 4 + 4);
    QCOMPARE(t.triples, 5); // (us, android, a) ... (fr, ios, c)
    QCOMPARE(t.perDay, (QList<QPair<qint64, qint64>>{{kDay, 8}, {kDay + 86400, 8}}));
    QCOMPARE(t.top[0], (QList<QPair<QString, qint64>>{{"fr", 8}, {"us", 7}}));
    QCOMPARE(t.top[1], (QList<QPair<QString, qint64>>{{"android", 9}, {"ios", 7}}));
    // a: 6, b: 2, c: 8
    QCOMPARE(t.top[2], (QList<QPair<QString, qint64>>{{"c", 8}, {"a", 6}}));
    // Ties: the value's bytes decide, on both databases.
    const auto tied = table.totals(kDay + 24 * kHour, kDay + 48 * kHour, 20);
    QCOMPARE(tied.value.top[1], (QList<QPair<QString, qint64>>{{"android", 4}, {"ios", 4}}));
    const auto none = table.totals(kDay + 100 * kHour, kDay + 101 * kHour);
    QVERIFY(none.ok());
    QCOMPARE(none.value.requests, 0);
    QVERIFY(none.value.perDay.isEmpty());
}

void TrafficTableTest::retentionDeletesOldHours()
{
    TrafficTable table(store_->sessions());
    QVERIFY(table.add({row(kDay - kHour, "us", "ios", "a", 1), row(kDay, "us", "ios", "a", 2),
                       row(kDay + kHour, "us", "ios", "a", 3)}).ok());
    QCOMPARE(table.deleteBefore(kDay).value, 1);
    QCOMPARE(summed(table.read(0, kDay * 2).value),
             summed({row(kDay, "us", "ios", "a", 2), row(kDay + kHour, "us", "ios", "a", 3)}));
}

void TrafficTableTest::recorderFlushesAndStopsWithALastFlush()
{
    TrafficSettings settings;
    settings.flushInterval = std::chrono::milliseconds(100);
    TrafficRecorder recorder(store_->sessions(), settings);
    recorder.start();
    TrafficTable table(store_->sessions());
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 hour = now - now % 3600;
    for (int i = 0; i < 7; ++i)
        recorder.record(TargetingQuery::from("US", "iOS", "App"));
    QTRY_COMPARE(table.totals(hour, hour + 2 * kHour).value.requests, 7);
    // What comes after the last periodic flush goes with the flush at the stop.
    for (int i = 0; i < 5; ++i)
        recorder.record(TargetingQuery::from("US", "iOS", "App"));
    recorder.stop();
    const qint64 expectedHour = QDateTime::currentSecsSinceEpoch() / 3600 * 3600;
    const QList<TrafficRow> rows = table.read(hour, hour + 2 * kHour).value;
    qint64 total = 0;
    for (const TrafficRow &r : rows) {
        QCOMPARE(r.country + r.os + r.app, QStringLiteral("usiosapp"));
        QVERIFY(r.hourStart == hour || r.hourStart == expectedHour); // an hour may turn meanwhile
        total += r.requests;
    }
    QCOMPARE(total, 12);
    QCOMPARE(recorder.status().requestsStored, 12);
}

void TrafficTableTest::recorderKeepsCountsWhileTheStoreIsDown()
{
    if (!postgres_)
        QSKIP("a store that does not answer: a frozen PostgreSQL");
    DatabaseTarget target = db_.target();
    target.queryTimeout = std::chrono::milliseconds(300);
    QString error;
    auto store = CampaignStore::open(target, &error);
    QVERIFY2(store, qPrintable(error));
    TrafficSettings settings;
    TrafficRecorder recorder(store->sessions(), settings); // flushed by hand here
    for (int i = 0; i < 3; ++i)
        recorder.record(TargetingQuery::from("us", "ios", "a"));
    postgres_->pause();
    QVERIFY(!recorder.flush());
    recorder.record(TargetingQuery::from("us", "ios", "a"));
    recorder.record(TargetingQuery::from("de", "ios", "a"));
    QVERIFY(!recorder.flush());
    QCOMPARE(recorder.status().failedFlushes, 2);
    QVERIFY(!recorder.status().lastError.isEmpty());
    postgres_->resume();
    QTRY_VERIFY_WITH_TIMEOUT(recorder.flush(), 10000);
    QVERIFY(recorder.status().lastError.isEmpty());
    TrafficTable table(store->sessions());
    const QList<TrafficRow> rows = table.read(0, QDateTime::currentSecsSinceEpoch() + kHour).value;
    QMap<QString, qint64> perTriple;
    for (const TrafficRow &r : rows)
        perTriple[r.country] += r.requests;
    QCOMPARE(perTriple, (QMap<QString, qint64>{{"us", 4}, {"de", 1}}));
}

void TrafficTableTest::recorderAppliesRetention()
{
    TrafficTable table(store_->sessions());
    const qint64 nowHour = QDateTime::currentSecsSinceEpoch() / 3600 * 3600;
    TrafficSettings settings;
    settings.retentionDays = 2;
    const qint64 kept = nowHour - 2 * 86400;
    QVERIFY(table.add({row(kept - kHour, "us", "ios", "a", 1), row(kept, "us", "ios", "a", 2), row(nowHour, "us", "ios", "a", 3)}).ok());
    TrafficRecorder recorder(store_->sessions(), settings);
    recorder.applyRetention();
    QCOMPARE(summed(table.read(0, nowHour + kHour).value),
             summed({row(kept, "us", "ios", "a", 2), row(nowHour, "us", "ios", "a", 3)}));
    // At most once an hour: an old row added now stays until then.
    QVERIFY(table.add({row(kept - kHour, "us", "ios", "a", 1)}).ok());
    recorder.applyRetention();
    QCOMPARE(table.read(0, nowHour + kHour).value.size(), 3);
}

class SqliteTrafficTableTest : public TrafficTableTest
{
    Q_OBJECT
public:
    SqliteTrafficTableTest() : TrafficTableTest(nullptr) {}
};

class PostgresTrafficTableTest : public TrafficTableTest
{
    Q_OBJECT
public:
    explicit PostgresTrafficTableTest(TestPostgres *postgres) : TrafficTableTest(postgres) {}
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    return runOnBothStores<SqliteTrafficTableTest, PostgresTrafficTableTest>(argc, argv);
}

#include "tst_traffictable.moc"
