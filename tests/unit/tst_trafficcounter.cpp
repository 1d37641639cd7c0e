// The traffic counter: exact counts per hour and triple, bounded memory with the long tail
// folded into OTHER rows and the heavy hitters exact, and takes that never lose or double a
// request recorded while they run.
#include "traffic/TrafficCounter.h"

#include <QMap>
#include <QTest>

#include <atomic>
#include <thread>

using namespace adserve;

namespace {

constexpr qint64 kHour = 1'764'763'200; // 2025-12-03T12:00:00Z
const QString kOther = TrafficRow::kOther;

QString keyOf(qint64 hour, const QString &c, const QString &o, const QString &a)
{
    return QStringLiteral("%1|%2|%3|%4").arg(hour).arg(c, o, a);
}

QMap<QString, qint64> byKey(const QList<TrafficRow> &rows)
{
    QMap<QString, qint64> map;
    for (const TrafficRow &r : rows) {
        const QString key = keyOf(r.hourStart, r.country, r.os, r.app);
        if (map.contains(key))
            qWarning("row %s twice", qPrintable(key));
        map[key] += r.requests;
    }
    return map;
}

qint64 sum(const QList<TrafficRow> &rows)
{
    qint64 total = 0;
    for (const TrafficRow &r : rows)
        total += r.requests;
    return total;
}

// "country/os/app" as a normalised query.
TargetingQuery query(const QString &triple)
{
    const QStringList parts = triple.split(QLatin1Char('/'));
    return TargetingQuery::from(parts.value(0), parts.value(1), parts.value(2));
}

} // namespace

class TrafficCounterTest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void countsEachTripleExactly_data();
    void countsEachTripleExactly();
    void foldsTheLongTailWhenAnHourIsFull_data();
    void foldsTheLongTailWhenAnHourIsFull();
    void keepsHeavyHittersExactInALongTail();
    void eachHourHasItsOwnBound();
    void aTakeHandsEachRequestOverOnce();
    void oldHoursFoldIntoOneRowEach();
    void concurrentRecordsAndTakesAddUp();
};

void TrafficCounterTest::countsEachTripleExactly_data()
{
    QTest::addColumn<QStringList>("requests"); // "hourOffset:country/os/app"
    QTest::newRow("one") << QStringList{"0:us/android/app"};
    QTest::newRow("same triple three times") << QStringList{"0:us/android/app", "0:us/android/app", "0:us/android/app"};
    QTest::newRow("differs in one dimension") << QStringList{"0:us/android/app", "0:us/ios/app", "0:de/android/app",
                                                             "0:us/android/game"};
    QTest::newRow("two hours") << QStringList{"0:us/android/app", "1:us/android/app", "1:us/android/app"};
    QTest::newRow("values compare normalised") << QStringList{"0: US /Android/App", "0:us/android/app", "0:Us/ANDROID/app "};
}

void TrafficCounterTest::countsEachTripleExactly()
{
    QFETCH(QStringList, requests);
    TrafficCounter counter(100);
    QMap<QString, qint64> expected;
    for (const QString &r : requests) {
        const qint64 hour = kHour + r.section(QLatin1Char(':'), 0, 0).toLongLong() * 3600;
        const QStringList parts = r.section(QLatin1Char(':'), 1).split(QLatin1Char('/'));
        counter.record(query(r.section(QLatin1Char(':'), 1)), hour);
        ++expected[keyOf(hour, parts[0].trimmed().toLower(), parts[1].trimmed().toLower(), parts[2].trimmed().toLower())];
    }
    QCOMPARE(byKey(counter.takeCounts(kHour)), expected);
}

void TrafficCounterTest::foldsTheLongTailWhenAnHourIsFull_data()
{
    // Bound 4: four exact rows, then 4 (country, os, OTHER) rows, 4 (country, OTHER, OTHER)
    // rows (foldReserve(4) = 4), then the one (OTHER, OTHER, OTHER) row.
    QTest::addColumn<QStringList>("requests");
    QTest::addColumn<QStringList>("expected"); // "country/os/app=requests"
    const QStringList four{"a/x/1", "b/x/2", "c/x/3", "d/x/4"};
    QTest::newRow("within the bound") << four << QStringList{"a/x/1=1", "b/x/2=1", "c/x/3=1", "d/x/4=1"};
    QTest::newRow("a fifth triple folds its app")
        << four + QStringList{"e/y/5", "e/y/6"} << QStringList{"a/x/1=1", "b/x/2=1", "c/x/3=1", "d/x/4=1", "e/y/OTHER=2"};
    QTest::newRow("a known triple still counts exactly when full")
        << four + QStringList{"e/y/5", "a/x/1", "a/x/1"} << QStringList{"a/x/1=3", "b/x/2=1", "c/x/3=1", "d/x/4=1", "e/y/OTHER=1"};
    QTest::newRow("(country, os) rows full: the os folds too")
        << four + QStringList{"e/p/5", "e/q/5", "e/r/5", "e/s/5", "e/t/5", "f/t/5"}
        << QStringList{"a/x/1=1", "b/x/2=1", "c/x/3=1", "d/x/4=1", "e/p/OTHER=1", "e/q/OTHER=1",
                       "e/r/OTHER=1", "e/s/OTHER=1", "e/OTHER/OTHER=1", "f/OTHER/OTHER=1"};
    QTest::newRow("every reserve full: (OTHER, OTHER, OTHER)")
        << four + QStringList{"e/p/5", "e/q/5", "e/r/5", "e/s/5", "e/t/5", "f/t/5", "g/t/5", "h/t/5", "i/t/5", "j/t/5"}
        << QStringList{"a/x/1=1", "b/x/2=1", "c/x/3=1", "d/x/4=1", "e/p/OTHER=1", "e/q/OTHER=1", "e/r/OTHER=1",
                       "e/s/OTHER=1", "e/OTHER/OTHER=1", "f/OTHER/OTHER=1", "g/OTHER/OTHER=1", "h/OTHER/OTHER=1",
                       "OTHER/OTHER/OTHER=2"};
}

void TrafficCounterTest::foldsTheLongTailWhenAnHourIsFull()
{
    QFETCH(QStringList, requests);
    QFETCH(QStringList, expected);
    QCOMPARE(TrafficCounter::foldReserve(4), 4);
    TrafficCounter counter(4);
    for (const QString &r : requests)
        counter.record(query(r), kHour);
    QVERIFY(counter.rowCount() <= TrafficCounter::rowBound(4));
    QMap<QString, qint64> want;
    for (const QString &e : expected) {
        const QStringList parts = e.section(QLatin1Char('='), 0, 0).split(QLatin1Char('/'));
        want[keyOf(kHour, parts[0], parts[1], parts[2])] = e.section(QLatin1Char('='), 1).toLongLong();
    }
    const QList<TrafficRow> rows = counter.takeCounts(kHour);
    QCOMPARE(byKey(rows), want);
    QCOMPARE(sum(rows), qint64(requests.size()));
}

void TrafficCounterTest::keepsHeavyHittersExactInALongTail()
{
    // 500,000 one-off triples beside 1,000 heavy ones of 50 requests each. Each heavy triple
    // first comes within the first 10,000 requests, while the hour still has room.
    constexpr qint64 kBound = 20'000;
    constexpr int kOneOffs = 500'000;
    constexpr int kHeavy = 1'000;
    constexpr int kHeavyRequests = 50;
    TrafficCounter counter(kBound);
    QMap<QString, qint64> oneOffsPerCountryOs;
    QList<int> heavySent(kHeavy, 0);
    const auto heavy = [](int k) { return TargetingQuery::from(QStringLiteral("us"), QStringLiteral("android"),
                                                               QStringLiteral("heavy-%1").arg(k)); };
    for (int i = 0; i < kOneOffs; ++i) {
        const QString country = QStringLiteral("c%1").arg(i % 20);
        const QString os = QStringLiteral("os%1").arg(i % 3);
        counter.record(TargetingQuery::from(country, os, QStringLiteral("app-%1").arg(i)), kHour);
        ++oneOffsPerCountryOs[country + QLatin1Char('/') + os];
        if (i % 10 == 0 && i / 10 < kHeavy) {
            counter.record(heavy(i / 10), kHour);
            ++heavySent[i / 10];
        } else if (i % 10 == 5 && i / 10 >= kHeavy) {
            const int k = (i / 10) % kHeavy;
            counter.record(heavy(k), kHour);
            ++heavySent[k];
        }
    }
    for (int k = 0; k < kHeavy; ++k)
        QCOMPARE(heavySent[k], kHeavyRequests);
    QVERIFY2(counter.rowCount() <= TrafficCounter::rowBound(kBound), qPrintable(QString::number(counter.rowCount())));

    const QList<TrafficRow> rows = counter.takeCounts(kHour);
    QCOMPARE(sum(rows), qint64(kOneOffs + kHeavy * kHeavyRequests));
    qint64 exactOneOffs = 0;
    QMap<QString, qint64> exactPerCountryOs;
    QMap<QString, qint64> folded;
    int heavyRows = 0;
    for (const TrafficRow &r : rows) {
        if (r.app.startsWith(QLatin1String("heavy-"))) {
            QCOMPARE(r.requests, qint64(kHeavyRequests));
            ++heavyRows;
        } else if (r.app == kOther) {
            QVERIFY2(r.os != kOther, "no (country, OTHER, OTHER) row is needed: 60 (country, os) pairs fit the reserve");
            folded[r.country + QLatin1Char('/') + r.os] += r.requests;
        } else {
            QCOMPARE(r.requests, 1);
            ++exactOneOffs;
            ++exactPerCountryOs[r.country + QLatin1Char('/') + r.os];
        }
    }
    QCOMPARE(heavyRows, kHeavy);
    QCOMPARE(exactOneOffs, kBound - kHeavy); // the hour filled up, then folded
    for (auto it = oneOffsPerCountryOs.cbegin(); it != oneOffsPerCountryOs.cend(); ++it)
        QCOMPARE(exactPerCountryOs.value(it.key()) + folded.value(it.key()), it.value());
}

void TrafficCounterTest::eachHourHasItsOwnBound()
{
    TrafficCounter counter(2);
    for (int hour = 0; hour < 3; ++hour) {
        for (const QString &t : {QStringLiteral("a/x/1"), QStringLiteral("b/x/2"), QStringLiteral("c/x/3")})
            counter.record(query(t), kHour + hour * 3600);
    }
    const QMap<QString, qint64> rows = byKey(counter.takeCounts(kHour + 2 * 3600));
    for (int hour = 0; hour < 3; ++hour) {
        const qint64 h = kHour + hour * 3600;
        QCOMPARE(rows.value(keyOf(h, "a", "x", "1")), 1);
        QCOMPARE(rows.value(keyOf(h, "b", "x", "2")), 1);
        QCOMPARE(rows.value(keyOf(h, "c", "x", kOther)), 1);
    }
    QCOMPARE(rows.size(), 9);
}

void TrafficCounterTest::aTakeHandsEachRequestOverOnce()
{
    TrafficCounter counter(2);
    counter.record(query("a/x/1"), kHour - 3600);
    counter.record(query("a/x/1"), kHour);
    counter.record(query("b/x/2"), kHour);
    QCOMPARE(sum(counter.takeCounts(kHour)), 3);
    QVERIFY(counter.takeCounts(kHour).isEmpty());
    // The past hour's rows are gone; the current hour's stay at zero, so its triples go on
    // counting exactly although its table is full.
    QCOMPARE(counter.rowCount(), 2);
    counter.record(query("c/x/3"), kHour);
    counter.record(query("b/x/2"), kHour);
    QCOMPARE(byKey(counter.takeCounts(kHour)),
             (QMap<QString, qint64>{{keyOf(kHour, "b", "x", "2"), 1}, {keyOf(kHour, "c", "x", kOther), 1}}));
}

void TrafficCounterTest::oldHoursFoldIntoOneRowEach()
{
    TrafficCounter counter(100);
    counter.record(query("a/x/1"), kHour - 2 * 3600, 2);
    counter.record(query("b/y/2"), kHour - 2 * 3600, 3);
    counter.record(query("b/y/2"), kHour - 3600, 4);
    counter.record(query("a/x/1"), kHour, 5);
    counter.foldHoursBefore(kHour - 3600);
    QCOMPARE(counter.rowCount(), 3);
    counter.foldHoursBefore(kHour - 3600); // folded already: nothing changes
    counter.record(query("c/z/3"), kHour - 2 * 3600); // late, but counted
    counter.foldHoursBefore(kHour - 3600);
    QCOMPARE(byKey(counter.takeCounts(kHour)),
             (QMap<QString, qint64>{{keyOf(kHour - 2 * 3600, kOther, kOther, kOther), 6},
                                    {keyOf(kHour - 3600, "b", "y", "2"), 4},
                                    {keyOf(kHour, "a", "x", "1"), 5}}));
}

void TrafficCounterTest::concurrentRecordsAndTakesAddUp()
{
    // Four threads record (many triples, a small bound: folding under way too) while another
    // takes again and again: every request is in exactly one take.
    constexpr int kThreads = 4;
    constexpr int kPerThread = 200'000;
    TrafficCounter counter(50);
    std::atomic<bool> done{false};
    qint64 taken = 0;
    std::thread taker([&] {
        while (!done.load())
            taken += sum(counter.takeCounts(kHour));
    });
    std::vector<std::thread> recorders;
    for (int t = 0; t < kThreads; ++t) {
        recorders.emplace_back([&counter, t] {
            for (int i = 0; i < kPerThread; ++i)
                counter.record(TargetingQuery::from(QStringLiteral("c%1").arg(i % 7), QStringLiteral("o%1").arg(t),
                                                    QStringLiteral("a%1").arg(i % 101)),
                               kHour + (i % 2) * 3600);
        });
    }
    for (std::thread &r : recorders)
        r.join();
    done = true;
    taker.join();
    taken += sum(counter.takeCounts(kHour));
    QCOMPARE(taken, qint64(kThreads) * kPerThread);
    QVERIFY(counter.rowCount() <= 2 * TrafficCounter::rowBound(50));
}

QTEST_GUILESS_MAIN(TrafficCounterTest)
#include "tst_trafficcounter.moc"
