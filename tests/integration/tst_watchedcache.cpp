// The near cache kept exact by the cache's own reports of change (CacheBackend::watchChanges):
// Redis's client tracking, and the in-memory cache, which sees every write made to it. A
// value changed in the cache, by anyone, is delivered at once, whatever the near cache's
// lifetime; a value nothing changed is delivered from the near cache, and whole answers are
// reused, past that lifetime; once the watch is lost (its connection killed, Redis frozen,
// tracking not allowed) the lifetime bounds staleness again.
#include "Engine.h"
#include "TestRedis.h"
#include "cache/CampaignCodec.h"
#include "http/Metrics.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace adserve;
using adserve::test::TestRedisServer;

namespace {
// The sample store's campaigns that the request below matches: spotify and subwaysurfer.
const qint64 kMatched[] = {1, 3};
} // namespace

class WatchedCacheTest : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanup() { QVERIFY(redis_.allowClientTracking(true)); }
    void changesInRedisApplyAtOnce_data();
    void changesInRedisApplyAtOnce();
    void unchangedDetailsOutliveTheNearTtl();
    void flushReachesTheNearCache();
    void lostWatchFallsBackToTheNearTtl();
    void frozenRedisEndsTheWatch();
    void redisWithoutTrackingKeepsTheNearTtl();
    void noChangeLostUnderConcurrentWrites();
    void embeddedCacheReportsItsWrites();

private:
    enum class Cache { Redis, Memory };
    std::unique_ptr<Engine> engineWith(int nearTtlMs, Cache cache = Cache::Redis);
    static QByteArray deliver(Engine &engine, bool wholeAnswer = false)
    {
        const auto query = TargetingQuery::from(QStringLiteral("us"), QStringLiteral("android"),
                                                QStringLiteral("com.gametion.ludokinggame"));
        if (wholeAnswer)
            return engine.delivery().deliverBody(query, MatchIndex::kAll).body;
        return engine.delivery().deliver(query).jsonArray();
    }
    // Whether the near cache holds every matched campaign as watched (any age goes).
    static bool allWatched(Engine &engine)
    {
        const auto section = engine.cache().readSection();
        const CampaignCache::Entry *found[std::size(kMatched)] = {};
        std::vector<size_t> missing;
        engine.cache().nearLookup(kMatched, found, missing, std::chrono::milliseconds(0));
        return missing.empty();
    }
    // Delivers until every matched campaign was read from the cache under its watch: the
    // first delivery reads the store and refills the cache, and the refill is a change too.
    static bool primed(Engine &engine)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 5000) {
            deliver(engine);
            engine.cache().waitForRefills();
            if (allWatched(engine))
                return true;
            QTest::qWait(10);
        }
        return false;
    }
    // Writes campaign 1 into the cache with this CTA, as the Go service would: straight into Redis.
    // What /metrics says of the watch: "1" or "0", and the reports counted.
    static QByteArray metric(Engine &engine, const QByteArray &name)
    {
        const QByteArray text = Metrics().render(engine);
        const QByteArray line = name + "{backend=\"" + engine.cache().backend().kind().toUtf8() + "\"} ";
        const qsizetype at = text.indexOf(QByteArray("\n" + line));
        return at < 0 ? QByteArray() : text.mid(at + 1 + line.size()).split('\n').constFirst();
    }
    void writeInRedis(Engine &engine, const QString &cta)
    {
        Campaign campaign = engine.store().campaign(1).value.campaign;
        campaign.cta = cta;
        redis_.cli({QStringLiteral("SET"), QString::fromUtf8(CampaignCodec::cacheKey(1)),
                    QString::fromUtf8(CampaignCodec::encode(campaign))});
    }

    TestRedisServer redis_;
    QTemporaryDir dir_;
    int databases_ = 0;
};

void WatchedCacheTest::initTestCase()
{
    QVERIFY2(redis_.start(), qPrintable(redis_.error()));
}

std::unique_ptr<Engine> WatchedCacheTest::engineWith(int nearTtlMs, Cache cache)
{
    QString error;
    QMap<QString, QString> settings{
        {QStringLiteral("ADSERVE_DB"), dir_.filePath(QStringLiteral("db%1.sqlite").arg(++databases_))},
        {QStringLiteral("CACHE_NEAR_TTL_MS"), QString::number(nearTtlMs)}};
    if (cache == Cache::Redis)
        settings.insert(QStringLiteral("REDIS_URL"), redis_.url());
    const auto config = ConfigBuilder::build(settings, &error);
    if (!config)
        qFatal("%s", qPrintable(error));
    // Each test starts from an empty Redis: the databases are new, their ids start at 1.
    redis_.cli({QStringLiteral("FLUSHALL")});
    auto engine = Engine::create(*config, &error);
    if (!engine)
        qWarning("%s", qPrintable(error));
    return engine;
}

void WatchedCacheTest::changesInRedisApplyAtOnce_data()
{
    QTest::addColumn<bool>("wholeAnswers");
    QTest::newRow("campaign by campaign") << false;
    QTest::newRow("whole answers reused") << true;
}

void WatchedCacheTest::changesInRedisApplyAtOnce()
{
    QFETCH(bool, wholeAnswers);
    auto engine = engineWith(60000);
    QVERIFY(engine);
    QTRY_VERIFY(engine->cache().watching());
    QVERIFY(primed(*engine));
    QVERIFY(deliver(*engine, wholeAnswers).contains("spotify"));
    QVERIFY(deliver(*engine, wholeAnswers).contains("spotify"));

    QElapsedTimer timer;
    timer.start();
    writeInRedis(*engine, QStringLiteral("Written by Go"));
    // The near cache would hold the old value for a minute: Redis's report drops it.
    QTRY_VERIFY_WITH_TIMEOUT(deliver(*engine, wholeAnswers).contains("Written by Go"), 5000);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    if (wholeAnswers)
        QVERIFY(engine->delivery().answerStats().hits > 0);
}

void WatchedCacheTest::unchangedDetailsOutliveTheNearTtl()
{
    auto engine = engineWith(200);
    QVERIFY(engine);
    QTRY_VERIFY(engine->cache().watching());
    QVERIFY(primed(*engine));
    const QByteArray answer = deliver(*engine, true);
    QTest::qWait(500); // past the near cache's lifetime, twice
    const auto before = engine->cache().stats();
    const qint64 reusedBefore = engine->delivery().answerStats().hits;
    QCOMPARE(deliver(*engine), deliver(*engine, true));
    QCOMPARE(deliver(*engine, true), answer);
    const auto after = engine->cache().stats();
    QCOMPARE(after.lookupMicros, before.lookupMicros); // Redis was not asked
    QCOMPARE(after.nearHits - before.nearHits, 6);
    QCOMPARE(engine->delivery().answerStats().hits - reusedBefore, 2);
}

void WatchedCacheTest::flushReachesTheNearCache()
{
    auto engine = engineWith(300);
    QVERIFY(engine);
    QTRY_VERIFY(engine->cache().watching());
    QVERIFY(primed(*engine));
    // A flush says that any key may have changed: what was read counts by its age again.
    redis_.cli({QStringLiteral("FLUSHALL")});
    QTRY_VERIFY(!allWatched(*engine));
    QVERIFY(engine->cache().watching());
    QTest::qWait(400);
    const qint64 missesBefore = engine->cache().stats().misses;
    QVERIFY(deliver(*engine).contains("spotify"));
    QCOMPARE(engine->cache().stats().misses - missesBefore, 2); // read again, from the store
    QVERIFY(primed(*engine)); // and watched again once back in Redis
}

void WatchedCacheTest::lostWatchFallsBackToTheNearTtl()
{
    auto engine = engineWith(300);
    QVERIFY(engine);
    QTRY_VERIFY(engine->cache().watching());
    QVERIFY(primed(*engine));
    QCOMPARE(metric(*engine, "adserve_cache_watched"), QByteArray("1"));
    QVERIFY(metric(*engine, "adserve_cache_change_reports_total").toLongLong() >= 2); // the start, the refill
    // The watch's own connection goes: a change made meanwhile would go unreported.
    redis_.cli({QStringLiteral("CLIENT"), QStringLiteral("KILL"), QStringLiteral("TYPE"), QStringLiteral("pubsub")});
    QTRY_VERIFY_WITH_TIMEOUT(!allWatched(*engine), 2000);
    writeInRedis(*engine, QStringLiteral("Written while unwatched"));
    QElapsedTimer timer;
    timer.start();
    QTRY_VERIFY_WITH_TIMEOUT(deliver(*engine).contains("Written while unwatched"), 3000);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    // The watcher connects again, and what is read from then on is watched again.
    QTRY_VERIFY_WITH_TIMEOUT(engine->cache().watching(), 5000);
    QVERIFY(primed(*engine));
}

void WatchedCacheTest::frozenRedisEndsTheWatch()
{
    auto engine = engineWith(60000);
    QVERIFY(engine);
    QTRY_VERIFY(engine->cache().watching());
    QVERIFY(primed(*engine));
    QElapsedTimer timer;
    timer.start();
    redis_.pause();
    // Its PING goes unanswered: the watch ends, and the details count by their age.
    QTRY_VERIFY_WITH_TIMEOUT(!engine->cache().watching(), 3000);
    const qint64 lostAfter = timer.elapsed();
    redis_.resume();
    QVERIFY2(lostAfter < 1500, qPrintable(QString::number(lostAfter)));
    QVERIFY(deliver(*engine).contains("spotify")); // within their 60 s: served as they were
    QTRY_VERIFY_WITH_TIMEOUT(engine->cache().watching(), 5000);
}

void WatchedCacheTest::redisWithoutTrackingKeepsTheNearTtl()
{
    QVERIFY(redis_.allowClientTracking(false));
    auto engine = engineWith(2000);
    QVERIFY(engine);
    deliver(*engine);
    engine->cache().waitForRefills();
    QTest::qWait(500); // the watcher has tried, and given up
    QVERIFY(!engine->cache().watching());
    QCOMPARE(metric(*engine, "adserve_cache_watched"), QByteArray("0"));
    QVERIFY(deliver(*engine).contains("spotify"));
    QElapsedTimer timer;
    timer.start();
    writeInRedis(*engine, QStringLiteral("Written by Go"));
    QVERIFY(!deliver(*engine).contains("Written by Go")); // unreported: the near cache holds it
    QTRY_VERIFY_WITH_TIMEOUT(deliver(*engine).contains("Written by Go"), 5000);
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
}

void WatchedCacheTest::noChangeLostUnderConcurrentWrites()
{
    // Values change in Redis while deliveries read them: a report that comes while a read
    // is on its way must not leave the value it replaced held as watched.
    auto engine = engineWith(60000);
    QVERIFY(engine);
    QTRY_VERIFY(engine->cache().watching());
    QVERIFY(primed(*engine));
    Campaign campaign = engine->store().campaign(1).value.campaign;
    for (int round = 0; round < 8; ++round) {
        std::atomic<bool> writing{true};
        std::atomic<int> deliveries{0};
        std::thread readers[2];
        for (std::thread &reader : readers) {
            reader = std::thread([&] {
                while (writing) {
                    deliver(*engine, deliveries % 2 == 0);
                    ++deliveries;
                }
            });
        }
        for (int i = 0; i < 200; ++i) {
            campaign.cta = QStringLiteral("cta %1.%2").arg(round).arg(i);
            QVERIFY(engine->cache().backend().setMany({{CampaignCodec::cacheKey(1), CampaignCodec::encode(campaign)}},
                                                      std::chrono::hours(1)).ok());
        }
        writing = false;
        for (std::thread &reader : readers)
            reader.join();
        QVERIFY(deliveries > 20);
        // The last value is delivered within the report's way here, not the near cache's minute.
        const QByteArray last = campaign.cta.toUtf8();
        QTRY_VERIFY_WITH_TIMEOUT(deliver(*engine).contains(last), 1000);
        QTRY_VERIFY_WITH_TIMEOUT(deliver(*engine, true).contains(last), 1000);
    }
}

void WatchedCacheTest::embeddedCacheReportsItsWrites()
{
    auto engine = engineWith(200, Cache::Memory);
    QVERIFY(engine);
    QCOMPARE(engine->cache().backend().kind(), QStringLiteral("memory"));
    QVERIFY(engine->cache().watching()); // from the start
    QVERIFY(primed(*engine));
    const QByteArray answer = deliver(*engine, true);
    QTest::qWait(400);
    const qint64 lookupsBefore = engine->cache().stats().lookupMicros;
    QCOMPARE(deliver(*engine, true), answer);
    QCOMPARE(engine->delivery().answerStats().hits, 1);
    QCOMPARE(engine->cache().stats().lookupMicros, lookupsBefore);

    // An edit of the cache's value (the ops panel, say) is delivered at once.
    Campaign campaign = engine->store().campaign(1).value.campaign;
    campaign.cta = QStringLiteral("Edited in the cache");
    QVERIFY(engine->cache().backend().setMany({{CampaignCodec::cacheKey(1), CampaignCodec::encode(campaign)}},
                                              std::chrono::hours(1)).ok());
    QVERIFY(deliver(*engine).contains("Edited in the cache"));
    QVERIFY(deliver(*engine, true).contains("Edited in the cache"));
}

QTEST_GUILESS_MAIN(WatchedCacheTest)
#include "tst_watchedcache.moc"
